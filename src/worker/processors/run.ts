/**
 * The run processor: takes a queued run and drives it to a final status with the core's run
 * loop (see run-slices.ts), resuming from the run's newest checkpoint when an earlier attempt
 * was interrupted (a crashed or stalled worker, a transient database error).
 *
 * A run that can never succeed (a payload or stored spec that does not validate, a stored
 * objective or dataset that is gone, an objective that cannot be built, a checkpoint that does
 * not fit) is marked failed with the reason as its result message and its job fails without retries.
 * An outage of PostgreSQL or Redis is not the run's: its error goes to the worker, which keeps
 * the job and tries again (see ../outages.ts), and never marks the run failed.
 *
 * A job that carries its run's spec (the API puts a small one in, as stored) is started on its
 * first delivery without reading the run: a run never started has no checkpoint, and the first
 * slice's write is fenced (src/db/metrics-writer.ts), so it stores nothing unless the run is
 * still queued, or running without a checkpoint (an attempt that died before its first slice).
 * Should the fence refuse a slice while this delivery still holds the job's lock, the run moved
 * on without the attempt: before an unread start's first slice (the run was cancelled, or an
 * earlier attempt left a checkpoint: a job enqueued again, a delivery retried through an
 * outage), or by a slice that committed without its own attempt hearing of it (a killed
 * worker's statement held in PostgreSQL, which committed after this delivery read the run).
 * The run is read and the attempt starts over from what is stored, at once, as every other
 * attempt does: it resumes bit for bit, and the run does not wait without a job for the
 * reconciler. It does so only when the run moved past the refused slice (its newest checkpoint
 * is newer than the one the slice resumed from, or the run ended): a refusal the run read again
 * does not explain would be refused again, so it fails the attempt as any error does, and the
 * job's attempts bound it. A delivery that lost the job's lock (another worker took the job over)
 * leaves the run to that worker.
 *
 * An attempt that finds its run ended tells the run's followers how it ended (its final `status`
 * event, a trial's end to its sweep), then completes its job: the slice that ended it may have
 * committed without its attempt hearing of it (the answer lost with the connection, the worker
 * killed), and then nobody else tells them. Followers take a final status told twice as once.
 */
import { performance } from 'node:perf_hooks';
import { UnrecoverableError, type Job } from 'bullmq';
import { runSpecSchema, type RunSpec } from '../../contracts/run-spec.ts';
import { createNewObjective, createObjective, type Objective, type ResolvedObjectiveSpec } from '../../core/objectives/index.ts';
import { footprintExcess, memoryFootprint, runCheckpointSchema, recordParams } from '../../core/training/index.ts';
import { startRun } from '../../hogwild/start-run.ts';
import type { Database } from '../../db/client.ts';
import { createMetricsWriter, StaleRunWriteError } from '../../db/metrics-writer.ts';
import { createDatasetRepository } from '../../db/datasets.ts';
import { isPermanentObjectiveError, resolveObjectiveSpec } from '../../db/objective-resolution.ts';
import { createObjectiveRepository } from '../../db/objectives.ts';
import type { Pool } from '../../db/pool.ts';
import { createRunAttempts, type RunAttempt } from '../../db/run-attempts.ts';
import { createMetricRowsUse } from '../../db/metric-rows-use.ts';
import type { Redis } from '../../queue/connection.ts';
import { createRunAnnouncer } from '../../queue/run-announcer.ts';
import { publishRunEvent, publishStrandedEnd } from '../../queue/run-events.ts';
import type { FinalRunStatus } from '../../contracts/run-status.ts';
import type { RunResultView } from '../../contracts/run-result.ts';
import { runJobDataSchema, startsWithoutReading, type RunJobData } from '../../queue/runs-queue.ts';
import type { TenantPlace } from '../../queue/tenant-places.ts';
import { isInfrastructureError, WorkerStoppingError } from '../outages.ts';
import { defaultSliceSettings, driveRun, JobLockLostError, type SlicedRun, type SliceSettings } from './run-slices.ts';
import type { SweepSpec } from '../../contracts/sweep-spec.ts';
import { sweepEventMessage, trialEndedEvent } from '../../queue/sweep-events.ts';
import { wakeSweep, type SweepsQueue } from '../../queue/sweeps-queue.ts';
import type { SweepProcessor } from './sweep.ts';
import { createTrialPruning } from '../sweeps/trial-pruning.ts';
import { trialValueOf } from '../../core/sweep/index.ts';
import { resultWithoutParams } from '../../contracts/run-result.ts';
import type { WorkerMetrics } from '../worker-metrics.ts';
import { errorMessage } from '../../core/error-message.ts';
import { counted } from '../../core/counted.ts';
import type { Logger } from '../../config/logger.ts';

/** The job's lock as the worker holds it: renewed every half of its duration while the event loop turns. */
interface JobLock {
  readonly token: string;
  readonly durationMs: number;
}

/**
 * Runs the job's run; `stopping`, once aborted, ends the attempt at the next slice boundary with a
 * WorkerStoppingError. With `lock`, slices that hold the event loop long extend it first.
 */
export type RunProcessor = (job: Job<RunJobData>, stopping?: AbortSignal, lock?: JobLock, place?: TenantPlace) => Promise<void>;

/**
 * Extends the lock past a stretch of `ms` in which the event loop is held (when that is a sizeable
 * part of it); false when the lock is lost.
 */
const holdingLock = (job: Job, lock: JobLock) => async (ms: number): Promise<boolean> => {
  if (ms < lock.durationMs / 4) return true;
  return (await job.extendLock(lock.token, Math.ceil(ms + lock.durationMs))) === 1;
};

export interface RunProcessorDependencies {
  readonly database: Database;
  /** For the bulk metric writes (COPY in a transaction). */
  readonly pool: Pool;
  /** Publishes run events and reads cancel flags. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly slices?: SliceSettings;
  /** Wakes a trial's sweep coordinator when the trial ends (absent: sweeps are not served here). */
  readonly sweepsQueue?: SweepsQueue;
  /** This process's sweep coordinator: a trial's end runs its sweep's round here (through the queue only should that fail). */
  readonly sweeps?: Pick<SweepProcessor, 'wake'>;
  /** The worker's Prometheus metrics: slices and runs finished. */
  readonly metrics?: WorkerMetrics;
  /** A tenant's metric rows, at most (TENANT_MAX_METRIC_ROWS); absent: not enforced here. */
  readonly maxMetricRows?: number;
  /**
   * What one run may ask this worker to hold (WORKER_MAX_RUN_BYTES): a run beyond it fails at its
   * start. Submission refuses such a run of its own; a sweep's trial is checked only here.
   */
  readonly maxRunBytes?: number;
  /** How long a concurrent parameter-server run waits for replicas no worker begins (REPLICA_START_TIMEOUT_MS; its default when absent). */
  readonly replicaStartTimeoutMs?: number;
  /** How long it waits for a begun replica whose loop gives no sign while its worker holds its job (REPLICA_STALL_TIMEOUT_MS; its default when absent). */
  readonly replicaStallTimeoutMs?: number;
  /** Tells of the runs read again after the fence refused a slice; absent: not told. */
  readonly logger?: Logger;
}

/** What tells a trial's end to its sweep: the run, and its sweep and number (none for a run of its own). */
type Trial = Pick<RunAttempt, 'id' | 'sweepId' | 'trialNumber'>;

/** A reason the run can never succeed; the run fails at once, without retries. */
class PermanentRunError extends Error {
  override readonly name = 'PermanentRunError';
}


/**
 * The attempt a job carrying its run's spec starts from without reading the run, on the job's
 * first delivery (see above); null for any other job, which reads its run.
 */
function unreadAttempt(job: Job, data: RunJobData): RunAttempt | null {
  if (data.tenantId === undefined || job.attemptsStarted > 1 || !startsWithoutReading(data.spec)) return null;
  return { id: data.runId, tenantId: data.tenantId, spec: data.spec, sweepId: null, sweepSpec: null, trialNumber: null, checkpoint: null };
}

/** Whether this delivery still holds the job's lock (without one to check: yes), which it extends. */
async function holdsJob(job: Job, lock: JobLock | undefined): Promise<boolean> {
  return lock === undefined || (await job.extendLock(lock.token, lock.durationMs)) === 1;
}

/** True when BullMQ will not retry this job after a failure of the current attempt. */
function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function createRunProcessor(dependencies: RunProcessorDependencies): RunProcessor {
  const { database, pool, redis, queuePrefix } = dependencies;
  const objectives = createObjectiveRepository(database);
  const datasets = createDatasetRepository(database);
  const attempts = createRunAttempts(pool);
  /** The deliveries (job objects) that already tried a start without reading their run. */
  const startedUnread = new WeakSet<Job>();
  const metricRows = createMetricRowsUse(pool);
  const sliceDependencies = {
    writer: createMetricsWriter(pool),
    announcer: createRunAnnouncer(redis, queuePrefix),
    clock: () => performance.now(),
    settings: dependencies.slices ?? defaultSliceSettings,
    ...(dependencies.metrics ? { metrics: dependencies.metrics } : {}),
  };

  async function resolveObjective(run: RunAttempt, spec: RunSpec): Promise<{ objectiveSpec: ResolvedObjectiveSpec; objective: Objective }> {
    const resolved = await resolveObjectiveSpec({ objectives, datasets }, run.tenantId, spec.objective, { runBegun: run.checkpoint !== null }).catch((error: unknown) => {
      throw isPermanentObjectiveError(error) ? new PermanentRunError(errorMessage(error)) : error;
    });
    try {
      // A run starting fresh has its inline data checked as it comes in: a sweep's trial, whose
      // parameters may write into that data, reaches no other check. One resumed goes on as it began.
      return { objectiveSpec: resolved, objective: run.checkpoint === null ? createNewObjective(resolved) : createObjective(resolved) };
    } catch (error) {
      throw new PermanentRunError(`The objective cannot be built: ${errorMessage(error)}`);
    }
  }

  /** The core's run for this attempt: fresh, or restored from the newest checkpoint. */
  async function prepare(run: RunAttempt, startedAt: Date): Promise<SlicedRun> {
    const parsed = runSpecSchema.safeParse(run.spec);
    if (!parsed.success) throw new PermanentRunError(`The stored run spec does not validate: ${parsed.error.message}`);
    const spec = parsed.data;
    const { objectiveSpec, objective } = await resolveObjective(run, spec);
    const checkpoint = run.checkpoint === null ? undefined : runCheckpointSchema.safeParse(run.checkpoint.state);
    if (checkpoint && !checkpoint.success) throw new PermanentRunError(`The run's checkpoint does not validate: ${checkpoint.error.message}`);
    const excess = dependencies.maxRunBytes === undefined ? null : footprintExcess(memoryFootprint(spec, objective), objective.dimension, dependencies.maxRunBytes);
    if (excess !== null) throw new PermanentRunError(`The run cannot start: ${excess}`);
    try {
      const engine = startRun(spec, { objectiveSpec, objective, clock: sliceDependencies.clock, checkpoint: checkpoint?.data, service: { redis, queuePrefix, runId: run.id, replicaStartTimeoutMs: dependencies.replicaStartTimeoutMs, replicaStallTimeoutMs: dependencies.replicaStallTimeoutMs } });
      return {
        runId: run.id,
        startedAt,
        engine,
        recordEvery: engine.recordEvery,
        recordParams: recordParams(spec.record, objective.dimension),
        fromStep: checkpoint?.data.step ?? 0,
        elapsedSeconds: (checkpoint?.data.elapsedMilliseconds ?? 0) / 1000,
      };
    } catch (error) {
      throw new PermanentRunError(`The run cannot start: ${errorMessage(error)}`);
    }
  }

  /**
   * Metric rows a sweep's trial may still store: what its tenant's quota leaves once every other
   * run's rows and reservations are counted. A run of its own needs no check: its submission
   * reserved its rows (src/db/metric-rows-use.ts); no submission checked a trial.
   */
  async function metricRowsLeft(run: RunAttempt): Promise<{ metricRowsLeft?: number }> {
    if (dependencies.maxMetricRows === undefined || run.sweepId === null) return {};
    const use = await metricRows.of(run.tenantId, run.id);
    const others = use.total - (use.run?.reserved ?? 0);
    return { metricRowsLeft: dependencies.maxMetricRows - others - (use.run?.stored ?? 0) };
  }

  /** A trial's pruning, from its sweep's spec (read with the run); null for a run of its own or a sweep without a pruner. */
  function trialPruning(run: RunAttempt, sliced: SlicedRun) {
    if (run.sweepId === null || run.sweepSpec === null) return null;
    return createTrialPruning(pool, { sweepId: run.sweepId, runId: run.id, spec: run.sweepSpec as SweepSpec, recordEvery: sliced.recordEvery });
  }

  /** A trial's end as its sweep's event; null for a run of its own, or where sweeps are not served. */
  function trialEndEvent(run: Trial, status: string) {
    return dependencies.sweepsQueue ? trialEndedEvent(run, status) : null;
  }

  /** A trial's value of its sweep's metric, stored with its end by the attempt that ends it (see driveRun). */
  function trialValue(run: RunAttempt): Pick<SlicedRun, 'trialValue'> {
    if (run.sweepId === null || run.sweepSpec === null) return {};
    const metric = (run.sweepSpec as SweepSpec).metric.name;
    return { trialValue: ({ status, result }) => trialValueOf(metric, status, result) };
  }

  /** A trial's end event, published with the run's final status by the attempt that ends it (see driveRun). */
  function trialEndNotice(run: RunAttempt): { endNotice?: (status: string) => { channel: string; message: string } } {
    if (trialEndEvent(run, 'ended') === null) return {};
    return { endNotice: (status) => sweepEventMessage(trialEndEvent(run, status)!) };
  }

  /**
   * A trial ended (or may have: a stale write), its end told already: its sweep's coordinator
   * decides what comes next.
   */
  async function trialEnded(run: Trial): Promise<void> {
    const { sweepsQueue, sweeps } = dependencies;
    if (run.sweepId === null || !sweepsQueue) return;
    const sweepId = run.sweepId;
    if (sweeps) {
      // Not awaited: the worker takes its next job while the round runs. Should the round fail
      // (an outage), the sweeps queue's job retries the wake-up; should that fail too, the
      // sweep's periodic check does.
      void sweeps.wake(sweepId).catch(() => wakeSweep(sweepsQueue, sweepId, run.id)).catch(() => undefined);
      return;
    }
    await wakeSweep(sweepsQueue, sweepId, run.id);
  }

  /**
   * Tells the run's end on its channel and, for a trial (where sweeps are served), on its sweep's,
   * once: a trial's end only when this attempt claims it (see end-told.ts). Never rejects.
   */
  async function tellEnd(run: Trial, status: FinalRunStatus, result: RunResultView | null): Promise<void> {
    if (trialEndEvent(run, status) !== null) return publishStrandedEnd(redis, queuePrefix, { ...run, result }, status);
    await publishRunEvent(redis, { type: 'status', runId: run.id, status, result }).catch(() => undefined);
  }

  /** Fails the run, telling its end; false when it had ended already (another attempt, a cancel). */
  async function fail(run: RunAttempt, startedAt: Date, message: string): Promise<boolean> {
    const steps = run.checkpoint?.step ?? 0;
    const result = resultWithoutParams('error', message, steps);
    if (!(await attempts.fail(run.id, result, startedAt))) return false;
    dependencies.metrics?.finished('failed');
    await tellEnd(run, 'failed', result);
    return true;
  }

  /**
   * Tells the followers of the run how it ended, if it has (see above), unless another teller
   * did, and wakes its sweep (`known`'s, when it has not ended).
   */
  async function announceEnd(runId: string, known?: Trial): Promise<void> {
    const ended = await attempts.ended(runId);
    if (ended) await tellEnd(ended, ended.status, ended.result);
    const trial = ended ?? known;
    if (trial) await trialEnded(trial);
  }

  /**
   * The run read again after the fence refused a slice of an attempt at it (see above); null
   * when it ended or is gone. Throws when the run did not move past the refused slice.
   */
  async function readAfterRefusal(run: RunAttempt, refused: StaleRunWriteError): Promise<RunAttempt | null> {
    const next = await attempts.read(run.id);
    const checkpointStep = next?.checkpoint?.step ?? 0;
    const fields = { runId: run.id, refusedFromStep: refused.fromStep, checkpointStep, ended: next === null };
    if (next !== null && checkpointStep <= refused.fromStep) {
      dependencies.logger?.warn({ ...fields, err: refused }, 'a slice was refused, but the run did not move past it');
      throw new Error(`A slice resuming from step ${refused.fromStep} was refused, but the run did not move past it: ${refused.message}`, { cause: refused });
    }
    dependencies.logger?.info(fields, 'a slice was refused: the run moved on, and the attempt starts over from it');
    return next;
  }

  /**
   * Drives an attempt at `run` to its end; resolves to `{ next }` when the run moved on without
   * it while this delivery holds the job: `next` is the run read again (null when it ended).
   */
  async function attempt(job: Job<RunJobData>, run: RunAttempt, stopping?: AbortSignal, lock?: JobLock, place?: TenantPlace): Promise<{ readonly next: RunAttempt | null } | undefined> {
    const startedAt = new Date();
    let sliced: SlicedRun | undefined;
    try {
      sliced = await prepare(run, startedAt);
      await driveRun(sliceDependencies, {
        ...sliced,
        pruning: trialPruning(run, sliced),
        stopping,
        place,
        ...(lock ? { holdLock: holdingLock(job, lock) } : {}),
        ...(await metricRowsLeft(run)),
        ...trialEndNotice(run),
        ...trialValue(run),
      });
      // Its end went out with its last slice.
      await trialEnded(run);
      return undefined;
    } catch (caught) {
      // Another delivery of the job may be at the run: it is that one's.
      if (caught instanceof JobLockLostError) return undefined;
      let error = caught;
      if (error instanceof StaleRunWriteError) {
        if (!(await holdsJob(job, lock))) {
          // Another delivery took the job over: the run is its (told here only should it have ended).
          await announceEnd(run.id, run);
          return undefined;
        }
        if (stopping?.aborted) throw new WorkerStoppingError();
        try {
          return { next: await readAfterRefusal(run, error) };
        } catch (unexplained) {
          error = unexplained;
        }
      }
      // Not the run's fault: the worker keeps the job (or hands it back, when stopping).
      if (error instanceof WorkerStoppingError || isInfrastructureError(error)) throw error;
      if (error instanceof PermanentRunError) {
        if (await fail(run, startedAt, error.message)) await trialEnded(run);
        else await announceEnd(run.id, run);
        throw new UnrecoverableError(error.message);
      }
      if (isLastAttempt(job)) {
        const failed = await fail(run, startedAt, `The run failed after ${counted(job.attemptsMade + 1, 'attempt')}: ${errorMessage(error)}`);
        if (failed) await trialEnded(run);
        else await announceEnd(run.id, run);
      }
      throw error;
    } finally {
      // A concurrent run's threads end with this attempt, whatever ended it.
      await sliced?.engine.close?.();
    }
  }

  return async (job, stopping, lock, place) => {
    const payload = runJobDataSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid run job payload: ${payload.error.message}`);
    const { runId } = payload.data;
    // Once per delivery: a delivery retried through an outage (the same job again) reads its run.
    const unread = startedUnread.has(job) ? null : unreadAttempt(job, payload.data);
    if (unread) startedUnread.add(job);
    // Null when the run is unknown or already final.
    let run = unread ?? await attempts.read(runId);
    while (run) {
      const refused = await attempt(job, run, stopping, lock, place);
      if (!refused) return;
      run = refused.next;
    }
    await announceEnd(runId);
  };
}
