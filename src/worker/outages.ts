/**
 * A job's attempt through outages of PostgreSQL or Redis. An error that says the database or
 * Redis could not be reached (src/db/database-unavailable.ts, src/queue/redis-unavailable.ts)
 * is not the run's fault: instead of failing the attempt (and spending one of the job's
 * attempts, three of which a few seconds of outage would exhaust), the worker keeps the job,
 * waits with a growing delay and tries again; the attempt's first statement is the probe. A
 * run resumes from its newest committed checkpoint, so its trajectory is the same as without
 * the outage. A wait for a pooled connection that a busy pool did not end in time (pool-busy.ts)
 * is kept and retried the same way. Only errors of the run itself count as attempts.
 *
 * A statement that PostgreSQL cancelled at its own bound (statement_timeout) counts as an outage
 * too: an overloaded server, or a lock held by a session whose client is gone, which PostgreSQL
 * ends itself (idle_in_transaction_session_timeout, see bounded-pool.ts). But a statement that is
 * simply always slower than the bound would meet it at every try, and the job would be kept and
 * tried forever, a bound apart. So such cancels are counted, in a row: another outage between
 * them ends the row (the job's first retries after a long outage may be slow), and so does a
 * cancel that comes more than ten minutes, or five bounds (`statementBoundMs`) when longer, after
 * the one before, far more than a retry takes to meet the bound again: a long run that met one
 * now and then went on between them. The attempt that meets its `statementTimeouts`th in a row (3 by
 * default; with the default bound, three minutes or so of retries) fails like any error of the
 * run's own, spending one of its attempts, and a run whose attempts all end so fails for good
 * (its job's reason, which the reconciler gives the run).
 *
 * A worker that is stopping does not wait: the job goes back to the queue (WorkerStoppingError),
 * for another worker to resume.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitingError, type Job } from 'bullmq';
import type { Logger } from '../config/logger.ts';
import { isDatabaseUnavailable, isStatementTimeout } from '../db/database-unavailable.ts';
import { isPoolBusy } from '../db/pool-busy.ts';
import { isRedisUnavailable } from '../queue/redis-unavailable.ts';

/** PostgreSQL cancelled the job's statements at its bound, try after try: the attempt fails. */
class StatementTimeoutsError extends Error {
  override readonly name = 'StatementTimeoutsError';
  constructor(count: number, last: unknown) {
    super(`PostgreSQL cancelled a statement of the job at its bound ${count} times in a row (${last instanceof Error ? last.message : String(last)})`);
  }
}

/** The worker is stopping: the job goes back to the queue, to resume elsewhere from its checkpoint. */
export class WorkerStoppingError extends Error {
  override readonly name = 'WorkerStoppingError';
  constructor() {
    super('the worker is stopping; the job goes back to the queue');
  }
}

/** An outage of PostgreSQL or Redis, or a pool whose connections all stayed in use (pool-busy.ts): none is the run's fault. */
export function isInfrastructureError(error: unknown): boolean {
  return isDatabaseUnavailable(error) || isPoolBusy(error) || isRedisUnavailable(error);
}

export interface OutageDelays {
  /** Wait before the first retry, in milliseconds; it doubles up to `maxMs`. */
  readonly firstMs: number;
  readonly maxMs: number;
}

export const defaultOutageDelays: OutageDelays = { firstMs: 250, maxMs: 5_000 };

export interface OutageContext {
  readonly jobId: string | undefined;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** Aborted when the worker stops. */
  readonly signal: AbortSignal;
  readonly delays?: OutageDelays;
  /** Statements cancelled at PostgreSQL's bound in a row after which the attempt fails; 3 when not given. */
  readonly statementTimeouts?: number;
  /** The statement bound (DATABASE_STATEMENT_TIMEOUT_MS): a cancel at it counts in the same row as one up to five bounds (at least ten minutes) before. */
  readonly statementBoundMs?: number;
  /** Milliseconds on a monotonic clock; performance.now when not given. */
  readonly now?: () => number;
}

/** Runs `attempt` until it ends otherwise than by an outage; throws WorkerStoppingError when the worker stops meanwhile. */
async function throughOutages<T>(attempt: () => Promise<T>, context: OutageContext): Promise<T> {
  const { jobId, logger, signal, delays = defaultOutageDelays, statementTimeouts = 3, statementBoundMs = 0, now = () => performance.now() } = context;
  const statementTimeoutsWithinMs = Math.max(600_000, 5 * statementBoundMs);
  let delay = delays.firstMs;
  let since: number | undefined;
  let timedOut = 0;
  let lastTimeout = -Infinity;
  for (;;) {
    try {
      const value = await attempt();
      if (since !== undefined) logger.info({ jobId, waitedMs: Date.now() - since }, 'job resumed after an outage');
      return value;
    } catch (error) {
      if (!isInfrastructureError(error)) throw error;
      if (isStatementTimeout(error)) {
        const at = now();
        timedOut = at - lastTimeout <= statementTimeoutsWithinMs ? timedOut + 1 : 1;
        lastTimeout = at;
      } else {
        timedOut = 0;
      }
      if (timedOut >= statementTimeouts) {
        logger.warn({ jobId, err: error }, 'PostgreSQL cancelled the job\'s statements at its bound try after try; the attempt fails');
        throw new StatementTimeoutsError(timedOut, error);
      }
      if (signal.aborted) throw new WorkerStoppingError();
      if (since === undefined) {
        since = Date.now();
        logger.warn({ jobId, err: error }, 'database or Redis unreachable; keeping the job and retrying');
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw new WorkerStoppingError();
      delay = Math.min(delays.maxMs, delay * 2);
    }
  }
}

/**
 * A BullMQ job's attempt through outages (see throughOutages). When the worker stops meanwhile,
 * the job goes back to the queue without spending an attempt, for another worker to take.
 */
export async function processThroughOutages(job: Job, token: string | undefined, attempt: () => Promise<void>, context: OutageContext): Promise<void> {
  try {
    await throughOutages(attempt, context);
  } catch (error) {
    if (!(error instanceof WorkerStoppingError)) throw error;
    await job.moveToWait(token);
    throw new WaitingError();
  }
}
