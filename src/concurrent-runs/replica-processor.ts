/**
 * The processor of a replica job: reads its run's spec, builds the objective as the run's own
 * job does, and runs the replica (replica-loop.ts). A run that has ended, or a spec that can
 * never run, ends the job without retries: the run's own job reports the run. It beats the
 * replica's heartbeat at each step of that start (as it begins, after each read of PostgreSQL,
 * before and after the build), so no two beats are further apart than one statement's wait or
 * the build, and the replica's loop beats it as it runs (replica-heartbeat.ts).
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { runSpecSchema } from '../contracts/run-spec.ts';
import { isFinalRunStatus } from '../contracts/run-status.ts';
import { resolveParallelSettings } from '../core/parallel/index.ts';
import type { Database } from '../db/client.ts';
import { createDatasetRepository } from '../db/datasets.ts';
import { createObjectiveRepository } from '../db/objectives.ts';
import { ParameterServer, type ServerAlgorithm } from '../parameter-server/parameter-server.ts';
import type { Redis } from '../queue/connection.ts';
import { replicaJobDataSchema, type ReplicaJobData } from '../queue/replicas-queue.ts';
import { isPermanentObjectiveError, storedObjectiveSpec } from '../db/objective-resolution.ts';
import { createObjective, type Objective, type ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { runReplica } from './replica-loop.ts';

/**
 * `stopping`: aborted when the worker stops; `holdsJob`: false once this delivery lost the job's
 * lock (it is asked now and then); `beat`: the delivery's heartbeat of the replica.
 */
export type ReplicaProcessor = (job: Job<ReplicaJobData>, stopping?: AbortSignal, holdsJob?: () => Promise<boolean>, beat?: () => void) => Promise<void>;

export interface ReplicaProcessorDependencies {
  readonly database: Database;
  /** A `worker`-role connection for the parameter server's scripts. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  /** Builds the objective from its resolved spec (createObjective; a test sees when the build begins). */
  readonly build?: (spec: ResolvedObjectiveSpec) => Objective;
}

export function createReplicaProcessor({ database, redis, queuePrefix, build = createObjective }: ReplicaProcessorDependencies): ReplicaProcessor {
  const sources = { objectives: createObjectiveRepository(database), datasets: createDatasetRepository(database) };
  const running = async (runId: string) => {
    const run = await database.run.findUnique({ where: { id: runId }, select: { status: true } });
    return run !== null && !isFinalRunStatus(run.status);
  };

  return async (job, stopping, holdsJob, heartbeat) => {
    const beat = heartbeat ?? (() => {});
    beat();
    const payload = replicaJobDataSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid replica job payload: ${payload.error.message}`);
    const { runId, replica } = payload.data;
    const run = await database.run.findUnique({ where: { id: runId }, select: { tenantId: true, spec: true, status: true } });
    beat();
    if (!run || isFinalRunStatus(run.status)) return;
    const spec = runSpecSchema.safeParse(run.spec);
    if (!spec.success || spec.data.parallel?.execution !== 'concurrent') throw new UnrecoverableError(`Run ${runId} has no concurrent parallel block.`);
    let objective: Objective;
    try {
      // Resolved as resolveObjectiveSpec does, a beat after each read: the stored objective, then
      // its data (the run's own job checked its data as it began).
      const stored = await storedObjectiveSpec(sources, run.tenantId, spec.data.objective);
      beat();
      const resolved = await sources.datasets.resolveDatasetReferences(stored, run.tenantId, { runBegun: true });
      beat();
      objective = build(resolved);
    } catch (error) {
      // Gone or unbuildable: the run's own job fails the run for the same cause; anything else is retried.
      throw isPermanentObjectiveError(error) ? new UnrecoverableError(error instanceof Error ? error.message : String(error)) : error;
    }
    beat();
    const settings = resolveParallelSettings(spec.data.parallel);
    const server = new ParameterServer(redis, { prefix: queuePrefix, runId, dimension: objective.dimension, shards: settings.shards, algorithm: settings.algorithm as ServerAlgorithm });
    await runReplica({
      config: spec.data,
      settings,
      objective,
      server,
      replica,
      interrupted: () => stopping?.aborted ?? false,
      ...(holdsJob ? { holdsJob } : {}),
      ...(heartbeat ? { heartbeat } : {}),
      running: () => running(runId),
    });
  };
}
