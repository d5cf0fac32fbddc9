/**
 * The sweep reconciler: every unfinished sweep keeps being coordinated, and one whose
 * coordination keeps failing ends.
 *
 * A sweep is coordinated by rounds on wake-ups (src/worker/processors/sweep.ts), and each round
 * schedules the sweep's next periodic check on the sweeps queue. So a sweep none of whose rounds
 * succeeds (each failed, and its job's attempts ran out), or whose wake-up job was lost (Redis
 * restarted empty, or the enqueue after its creation failed), has no job left that would wake it:
 * it would stay `queued` or `running` for good.
 *
 * - A sweep not written for a while (no round created a trial or ended it) without its next
 *   periodic check in the queue is woken (its coordinator's job enqueued, under a job id of its
 *   count of failed rounds and of the pass's interval: at most one wake-up per pass, and a
 *   wake-up whose job failed, whose id the queue keeps for a day, does not keep the next ones
 *   out).
 * - Rounds that fail count on the sweep's row (sweeps.failed_rounds, with the last one's error;
 *   a round that does not fail counts them from 0 again). A sweep with `maxFailedRounds` failed
 *   rounds is not woken again: it ends `failed` (reason `coordination_failed`) with a message
 *   naming the last error, its queued trials cancelled and its running ones stopped, as a
 *   client's cancel does (see stopSweepTrials).
 * - The running trials of a sweep that ended, cancelled by a client or with coordination_failed,
 *   are stopped again (at most `batchLimit` per pass): the statement that ended the sweep
 *   committed before its trials were stopped, which fails while Redis is unreachable (the
 *   client's cancel answered 503; this reconciler's end of the sweep threw), and nothing else
 *   would stop them, nor tell the sweep's end (told here unless told: see end-told.ts). A trial
 *   whose worker holds its job keeps the flag raised first (its lifetime is not renewed) until it
 *   ends within its slice.
 * - The end of a sweep that ended lately (completed, stopped by its rounds, cancelled or failed)
 *   is told unless told (see end-told.ts): its ender tells it once the statement that ended it
 *   has committed, and does not when that is a client's cancel answered while Redis was
 *   unreachable, or a worker that stopped before telling it (a worker waits for Redis to tell
 *   it): a follower of the sweep's events would wait for it for good. A pass looks at the sweeps
 *   that ended `staleAfterMs` ago or earlier, so that their enders have had the time to tell
 *   them: after the ends of the trials the ender told itself (the queued trials whose jobs it
 *   removed, the running ones no worker held); the other trials' ends are told by the workers
 *   that end them, which may be after the sweep's (a running trial stopped by its flag, a queued
 *   one whose job could not be removed), as when its ender tells it. It looks at those that
 *   ended within the marker's lifetime less an hour: the marker of an end told is set after the
 *   end and lasts a day as Redis measures it, so it is still there for every sweep in the
 *   window, the hour to spare for PostgreSQL's clock being stepped and for the time between the
 *   statement's now() and its commit. Both bounds are measured from PostgreSQL's now(), the
 *   clock of the sweep's end, never from the worker's (one running fast would tell an end just
 *   committed, before its ender). A batch per pass, each after the last one's (see
 *   pass-cursor.ts); the call that sets the marker tells the end, so each is told once.
 *
 * Each worker process runs a pass every RECONCILE_INTERVAL_MS, as the run reconciler
 * (src/worker/reconciler.ts), under a lock in Redis (held for the interval) that makes it one
 * pass per interval for the whole deployment; a pass looks at a batch of sweeps, the next pass
 * at the batch after it (see pass-cursor.ts), so sweeps beyond a batch of healthy ones whose
 * trials run for days are looked at too.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../config/logger.ts';
import type { SweepResult } from '../contracts/sweep-view.ts';
import type { StrandedSweep, StrandedSweeps } from '../db/stranded-sweeps.ts';
import type { Redis } from '../queue/connection.ts';
import type { RunsQueue } from '../queue/runs-queue.ts';
import type { StrandedRuns } from '../db/stranded-runs.ts';
import { toldLifetimeSeconds } from '../queue/end-told.ts';
import { publishSweepEnd } from '../queue/sweep-events.ts';
import { stopSweepTrials } from '../queue/sweep-trial-stops.ts';
import { sweepCheckMs, wakeSweep, type SweepsQueue } from '../queue/sweeps-queue.ts';
import { createPassCursor } from './pass-cursor.ts';
import { ofOneCandidate } from './candidate-errors.ts';

export interface SweepReconcilerDependencies {
  readonly strandedSweeps: StrandedSweeps;
  readonly sweepsQueue: SweepsQueue;
  /** Holds the lock, tells running trials to stop, publishes the status of the sweeps it ends. */
  readonly redis: Redis;
  readonly queuePrefix: string;
  /** Removes the jobs of an ended sweep's running trials (see stopSweepTrials). */
  readonly runsQueue: RunsQueue;
  /** Ends an ended sweep's running trials whose jobs no worker holds. */
  readonly strandedRuns: StrandedRuns;
  /** A sweep is looked at once no round has written it for this long. */
  readonly staleAfterMs: number;
  /** Failed rounds after which a sweep ends failed instead of being woken again. */
  readonly maxFailedRounds: number;
  readonly intervalMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly clock?: () => Date;
  /** Sweeps looked at per pass, at most (default `batchLimit`). */
  readonly batchLimit?: number;
}

export interface SweepReconciliation {
  /** False when another process reconciled within the interval. */
  readonly ran: boolean;
  readonly woken: readonly string[];
  readonly failed: readonly string[];
  /** Running trials of ended sweeps that the pass ended at once (see above: no worker held their jobs). */
  readonly stopped: readonly string[];
  /** Sweeps that ended lately whose ends the pass told (see above: their enders did not). */
  readonly told: readonly string[];
  /** Sweeps whose repair failed with an error of their own (see candidate-errors.ts), logged. */
  readonly skipped: readonly string[];
}

/**
 * A sweep's rounds that may fail before it ends: two wake-up jobs' worth of attempts (a sweeps
 * queue job makes 5), so a sweep woken by this reconciler after a job that failed gets another
 * job's attempts.
 */
export const defaultMaxFailedRounds = 10;

/**
 * How long a sweep may go unwritten before the reconciler looks at its queue: a sweep whose
 * trials run long is written by no round for as long, but has its periodic check queued, at
 * most sweepCheckMs ahead.
 */
export const sweepStaleAfterMs = 2 * sweepCheckMs;

/** Sweeps looked at per pass, at most: the next pass looks at the next ones (see pass-cursor.ts). */
const batchLimit = 1_000;
/** Sweeps whose jobs are asked of Redis at once. */
const lookupsAtOnce = 32;

const lockKey = (queuePrefix: string) => `${queuePrefix}:sweep-reconciler:lock`;
const cursorKey = (queuePrefix: string) => `${queuePrefix}:sweep-reconciler:cursor`;
const endedCursorKey = (queuePrefix: string) => `${queuePrefix}:sweep-reconciler:ended-cursor`;

/** How long after its end a sweep's end is told unless told: the marker's lifetime, less an hour (see above). */
const tellWithinMs = toldLifetimeSeconds * 1000 - 3600_000;

/** Job states of a wake-up still to come or under way. */
const pendingStates = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);

export function createSweepReconciler(dependencies: SweepReconcilerDependencies) {
  const { strandedSweeps, sweepsQueue, redis, queuePrefix, runsQueue, strandedRuns, maxFailedRounds, logger } = dependencies;
  const stopping = { redis, queuePrefix, runsQueue, strandedRuns };
  const clock = dependencies.clock ?? (() => new Date());
  const limit = dependencies.batchLimit ?? batchLimit;
  const cursor = createPassCursor(redis, cursorKey(queuePrefix));
  const endedCursor = createPassCursor(redis, endedCursorKey(queuePrefix));

  /**
   * Whether the sweep's periodic check (scheduled by its last round that did not fail, see
   * processors/sweep.ts: job id check-⌊t/sweepCheckMs⌋+1) is still to come or under way.
   */
  async function checkPending(sweepId: string, now: number): Promise<boolean> {
    const period = Math.floor(now / sweepCheckMs);
    const states = await Promise.all([period, period + 1].map((check) => sweepsQueue.getJobState(`${sweepId}-check-${check}`)));
    return states.some((state) => pendingStates.has(state));
  }

  async function end(sweep: StrandedSweep): Promise<boolean> {
    const result: SweepResult = {
      reason: 'coordination_failed',
      message: `${sweep.failedRounds} rounds of its coordination failed in a row. The last: ${sweep.roundError ?? 'an unknown error'}`,
    };
    const ended = await strandedSweeps.fail(sweep.id, result, maxFailedRounds);
    if (!ended) return false;
    await stopSweepTrials(stopping, ended, 'its sweep failed');
    await publishSweepEnd(redis, queuePrefix, { type: 'sweep', sweepId: sweep.id, status: 'failed', result });
    return true;
  }

  /**
   * Stops again the running trials of sweeps that ended without stopping them (see above), and
   * tells those sweeps' ends unless told (their enders may have thrown before telling them); the
   * trials it ended at once (the others, their workers', are told by their flags: raised once).
   */
  async function stopUnstopped(): Promise<string[]> {
    const trials = await strandedSweeps.unstoppedTrials(queuePrefix, limit);
    const sweeps = new Map(trials.map((trial) => [trial.sweepId, trial]));
    await Promise.all([...sweeps.values()].map(({ sweepId, status, result }) => publishSweepEnd(redis, queuePrefix, { type: 'sweep', sweepId, status, result })));
    const stopped: string[] = [];
    for (const [status, why] of [['cancelled', 'its sweep was cancelled'], ['failed', 'its sweep failed']] as const) {
      const running = trials.filter((trial) => trial.status === status).map((trial) => trial.id);
      if (running.length > 0) stopped.push(...await stopSweepTrials(stopping, { cancelled: [], running }, why));
    }
    return stopped;
  }

  /** Tells the ends of a batch of sweeps that ended lately, unless told (see above); those it told. */
  async function tellUntold(): Promise<string[]> {
    const start = await endedCursor.begin();
    const ended = await strandedSweeps.ended(queuePrefix, { atLeastMs: dependencies.staleAfterMs, atMostMs: tellWithinMs }, limit, start.position);
    const told: string[] = [];
    for (let first = 0; first < ended.length; first += lookupsAtOnce) {
      await Promise.all(ended.slice(first, first + lookupsAtOnce).map(async ({ id, status, result }) => {
        if (await publishSweepEnd(redis, queuePrefix, { type: 'sweep', sweepId: id, status, result })) told.push(id);
      }));
    }
    await start.passed(ended, limit);
    return told;
  }

  async function reconcile(): Promise<SweepReconciliation> {
    const acquired = await redis.set(lockKey(queuePrefix), randomUUID(), 'PX', dependencies.intervalMs, 'NX');
    if (acquired !== 'OK') return { ran: false, woken: [], failed: [], stopped: [], told: [], skipped: [] };
    const now = clock().getTime();
    const start = await cursor.begin();
    const candidates = await strandedSweeps.candidates(queuePrefix, new Date(now - dependencies.staleAfterMs), limit, start.position);
    const woken: string[] = [];
    const failed: string[] = [];
    const skipped: string[] = [];
    for (let first = 0; first < candidates.length; first += lookupsAtOnce) {
      await Promise.all(candidates.slice(first, first + lookupsAtOnce).map((sweep) => ofOneCandidate(sweep.id, async () => {
        if (sweep.failedRounds >= maxFailedRounds) {
          if (await end(sweep)) failed.push(sweep.id);
          return;
        }
        if (await checkPending(sweep.id, now)) return;
        // Once per pass: a job that failed keeps its id for a day (see sweeps-queue.ts), so an id of
        // its count of failed rounds alone, should its attempts end without the count moving (an
        // outage that outlasts them), would wake it no more.
        await wakeSweep(sweepsQueue, sweep.id, `stranded-${sweep.failedRounds}-${Math.floor(now / dependencies.intervalMs)}`);
        woken.push(sweep.id);
      }, { logger, skipped, what: 'sweep reconciliation' })));
    }
    await start.passed(candidates, limit);
    let stopped: string[] = [];
    let told: string[] = [];
    try {
      stopped = await stopUnstopped();
      told = await tellUntold();
    } finally {
      // Told also when the trials' stop threw (Redis unreachable): the sweeps woken or failed were.
      if (woken.length > 0 || failed.length > 0 || stopped.length > 0 || told.length > 0) logger.warn({ woken, failed, stopped, told }, 'reconciled sweeps with the queue');
    }
    return { ran: true, woken, failed, stopped, told, skipped };
  }

  return { reconcile };
}

export type SweepReconciler = ReturnType<typeof createSweepReconciler>;
