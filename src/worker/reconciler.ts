/**
 * The reconciler: the database and the queue agree again on every run that is not final.
 *
 * - A `queued` run without a job (Redis restarted empty; the enqueue after the insert failed)
 *   is enqueued again; a `running` run whose worker is gone and whose job with it (a slice stored
 *   nothing for a while) is enqueued again too and resumes from its checkpoint.
 * - A run whose job failed (it stalled more than WORKER_MAX_STALLED_COUNT times: its worker died
 *   each time; or its attempts ran out) is marked `failed` with the job's reason, which no worker
 *   will do any more; a sweep's trial so failed wakes its sweep, as a worker's end of it would.
 *
 * Every worker process reconciles when it starts and every RECONCILE_INTERVAL_MS after; a lock
 * in Redis (held for the interval) makes it one reconciliation per interval for the whole
 * deployment. A pass looks at a batch of candidates, the next pass at the batch after it (see
 * pass-cursor.ts), so a long backlog of queued runs is looked at whole over as many passes. It is a timer in each worker rather than a repeatable BullMQ job because a
 * repeatable job lives in Redis, and is lost precisely when Redis restarts empty.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../config/logger.ts';
import type { StrandedCandidate, StrandedRuns } from '../db/stranded-runs.ts';
import type { Redis } from '../queue/connection.ts';
import { publishStrandedEnd } from '../queue/run-events.ts';
import { startPeriodicPass } from './periodic-pass.ts';
import { createPassCursor } from './pass-cursor.ts';
import { addRunJobs, type RunPriorities, type RunsQueue } from '../queue/runs-queue.ts';
import { wakeSweep, type SweepsQueue } from '../queue/sweeps-queue.ts';
import { isInfrastructureError } from './outages.ts';
import { ofOneCandidate } from './candidate-errors.ts';

export interface ReconcilerDependencies {
  readonly strandedRuns: StrandedRuns;
  readonly runsQueue: RunsQueue;
  /** Wakes the sweep of a trial it fails. */
  readonly sweepsQueue: SweepsQueue;
  /** The priorities of the jobs it enqueues again (see runs-queue.ts). */
  readonly priorities: RunPriorities;
  /** Holds the lock, publishes the status of the runs it fails. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  /** A running run is looked at once no slice has stored anything for this long. */
  readonly staleAfterMs: number;
  readonly intervalMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Runs looked at per pass, at most (default `batchLimit`). */
  readonly batchLimit?: number;
}

export interface Reconciliation {
  /** False when another process reconciled within the interval. */
  readonly ran: boolean;
  readonly requeued: readonly string[];
  readonly failed: readonly string[];
  /** Runs whose repair failed with an error of their own (see candidate-errors.ts), logged. */
  readonly skipped: readonly string[];
}

/** Runs looked at per reconciliation, at most: the next pass looks at the next ones (see pass-cursor.ts). */
const batchLimit = 5_000;
/** Job states asked of Redis at once. */
const lookupsAtOnce = 64;

const lockKey = (queuePrefix: string) => `${queuePrefix}:reconciler:lock`;
const cursorKey = (queuePrefix: string) => `${queuePrefix}:reconciler:cursor`;

/**
 * How long a running run's row may go untouched before the reconciler looks at its job: a live
 * worker stores a slice at least every second, and a dead one's job is found stalled within a
 * lock duration and a stalled-job check.
 */
export function strandedAfterMs(locks: { readonly lockDurationMs: number; readonly stalledIntervalMs: number }): number {
  return 2 * locks.lockDurationMs + locks.stalledIntervalMs;
}

export function createReconciler(dependencies: ReconcilerDependencies) {
  const { strandedRuns, runsQueue, sweepsQueue, redis, queuePrefix, logger } = dependencies;
  const limit = dependencies.batchLimit ?? batchLimit;
  const cursor = createPassCursor(redis, cursorKey(queuePrefix));

  /** What to do with one candidate: requeue, fail with a message, or leave alone. */
  async function verdict(run: StrandedCandidate): Promise<{ requeue: true } | { fail: string } | null> {
    const state = await runsQueue.getJobState(run.id);
    if (state === 'unknown') return { requeue: true };
    if (state !== 'failed') return null;
    const job = await runsQueue.getJob(run.id);
    const reason = job?.failedReason || 'its job failed';
    return { fail: `The run's job failed and will not be retried: ${reason}.` };
  }

  async function reconcile(): Promise<Reconciliation> {
    const acquired = await redis.set(lockKey(queuePrefix), randomUUID(), 'PX', dependencies.intervalMs, 'NX');
    if (acquired !== 'OK') return { ran: false, requeued: [], failed: [], skipped: [] };
    const start = await cursor.begin();
    const candidates = await strandedRuns.candidates(queuePrefix, new Date(Date.now() - dependencies.staleAfterMs), limit, start.position);
    const requeued: string[] = [];
    const failed: string[] = [];
    const skipped: string[] = [];
    const ofOne = <T>(id: string, work: () => Promise<T>) => ofOneCandidate(id, work, { logger, skipped, what: 'reconciliation' });
    for (let first = 0; first < candidates.length; first += lookupsAtOnce) {
      const chunk = candidates.slice(first, first + lookupsAtOnce);
      const verdicts = await Promise.all(chunk.map((run) => ofOne(run.id, () => verdict(run))));
      const toRequeue = chunk.filter((_, i) => verdicts[i] && 'requeue' in verdicts[i]!).map((run) => run.id);
      if (toRequeue.length > 0) {
        await addRunJobs(runsQueue, toRequeue, dependencies.priorities);
        requeued.push(...toRequeue);
      }
      for (const [i, run] of chunk.entries()) {
        const decided = verdicts[i];
        if (!decided || !('fail' in decided)) continue;
        const ended = await ofOne(run.id, () => strandedRuns.end(run.id, { status: 'failed', message: decided.fail }));
        if (!ended) continue;
        failed.push(run.id);
        await publishStrandedEnd(redis, queuePrefix, ended, 'failed');
        // Should the wake-up be lost, the sweep's periodic check looks.
        if (ended.sweepId !== null) await wakeSweep(sweepsQueue, ended.sweepId, run.id).catch(() => undefined);
      }
    }
    await start.passed(candidates, limit);
    if (requeued.length > 0 || failed.length > 0) logger.warn({ requeued, failed }, 'reconciled runs with the queue');
    return { ran: true, requeued, failed, skipped };
  }

  return { reconcile };
}

export type Reconciler = ReturnType<typeof createReconciler>;

/**
 * Reconciles now, then an interval after each pass ended (never two at once), until the returned
 * stop is called: the runs' reconciler, or the sweeps' (`what`: "sweep reconciliation", see
 * sweep-reconciler.ts).
 */
export function startReconcilerLoop(
  reconciler: { reconcile(): Promise<unknown> }, intervalMs: number, logger: Pick<Logger, 'warn' | 'error'>, what = 'reconciliation',
): () => Promise<void> {
  return startPeriodicPass(() => reconciler.reconcile().then(() => undefined, (error: unknown) => {
    // Through an outage it simply waits for the next interval.
    if (isInfrastructureError(error)) logger.warn({ err: error }, `${what} skipped: database or Redis unreachable`);
    else logger.error({ err: error }, `${what} failed`);
  }), intervalMs, 0);
}
