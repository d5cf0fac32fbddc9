/**
 * The sweep coordinator: one round (src/db/sweep-coordination.ts, planned by plan-round.ts) per
 * wake-up, then the effects outside the database: queue the round's trials as ordinary run jobs
 * (job id = run id, so repeating it is harmless), tell running trials of a sweep that ended to
 * stop, publish the sweep's event, and schedule the next periodic check (and the time limit).
 */
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { SweepSpec } from '../../contracts/sweep-spec.ts';
import { createSweepCoordination, type RoundOutcome } from '../../db/sweep-coordination.ts';
import { createTenantBacklog } from '../../db/tenant-backlog.ts';
import type { Pool } from '../../db/pool.ts';
import type { Redis } from '../../queue/connection.ts';
import { requestCancel } from '../../queue/run-cancellation.ts';
import { addRunJobs, type RunsQueue } from '../../queue/runs-queue.ts';
import { publishSweepEvent } from '../../queue/sweep-events.ts';
import { sweepCheckMilliseconds, sweepJobDataSchema, wakeSweepAt, type SweepJobData, type SweepsQueue } from '../../queue/sweeps-queue.ts';
import { planRound } from '../sweeps/plan-round.ts';

export type SweepProcessor = (job: Job<SweepJobData>) => Promise<void>;

export interface SweepProcessorDependencies {
  readonly pool: Pool;
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly runsQueue: RunsQueue;
  readonly sweepsQueue: SweepsQueue;
  readonly clock?: () => Date;
}

export function createSweepProcessor(dependencies: SweepProcessorDependencies) {
  const { pool, redis, queuePrefix, runsQueue, sweepsQueue } = dependencies;
  const coordination = createSweepCoordination(pool);
  const backlog = createTenantBacklog(pool);
  const clock = dependencies.clock ?? (() => new Date());

  /** Rounds until one leaves something running or ends the sweep (trials created failed free their places at once). */
  async function coordinate(sweepId: string): Promise<RoundOutcome | null> {
    for (;;) {
      const outcome = await coordination.round(sweepId, (sweep) => (sweep.spec as SweepSpec).metric.name, (sweep, trials) => planRound(sweep, trials, clock()));
      if (!outcome || outcome.finished || outcome.created.length === 0 || outcome.queued.length > 0) return outcome;
    }
  }

  const processor = async (job: Job<SweepJobData>): Promise<void> => {
    const payload = sweepJobDataSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid sweep job payload: ${payload.error.message}`);
    const { sweepId } = payload.data;
    const outcome = await coordinate(sweepId);
    if (!outcome) return;
    if (outcome.queued.length > 0) {
      await addRunJobs(runsQueue, outcome.queued, backlog.ranks);
    }
    await Promise.all(outcome.stopping.map((runId) => requestCancel(redis, queuePrefix, runId)));
    if (outcome.created.length > 0 || outcome.finished) {
      await publishSweepEvent(redis, { type: 'sweep', sweepId, status: outcome.sweep.status, result: outcome.sweep.result ?? null }).catch(() => undefined);
    }
    if (outcome.finished) return;
    const now = clock().getTime();
    const nextCheck = Math.floor(now / sweepCheckMilliseconds) + 1;
    await wakeSweepAt(sweepsQueue, sweepId, `check-${nextCheck}`, nextCheck * sweepCheckMilliseconds, now);
    const limit = (outcome.sweep.spec as SweepSpec).budget.timeLimitSeconds;
    if (limit !== undefined && outcome.sweep.startedAt) {
      await wakeSweepAt(sweepsQueue, sweepId, 'deadline', outcome.sweep.startedAt.getTime() + limit * 1000, now);
    }
  };
  return processor;
}
