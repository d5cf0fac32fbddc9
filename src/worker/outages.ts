/**
 * A job's attempt through outages of PostgreSQL or Redis. An error that says the database or
 * Redis could not be reached (src/db/database-unavailable.ts, src/queue/redis-unavailable.ts)
 * is not the run's fault: instead of failing the attempt (and spending one of the job's
 * attempts, three of which a few seconds of outage would exhaust), the worker keeps the job,
 * waits with a growing delay and tries again; the attempt's first statement is the probe. A
 * run resumes from its newest committed checkpoint, so its trajectory is the same as without
 * the outage. Only errors of the run itself count as attempts.
 *
 * A worker that is stopping does not wait: the job goes back to the queue (WorkerStoppingError),
 * for another worker to resume.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitingError, type Job } from 'bullmq';
import type { Logger } from '../config/logger.ts';
import { isDatabaseUnavailable } from '../db/database-unavailable.ts';
import { isRedisUnavailable } from '../queue/redis-unavailable.ts';

/** The worker is stopping: the job goes back to the queue, to resume elsewhere from its checkpoint. */
export class WorkerStoppingError extends Error {
  override readonly name = 'WorkerStoppingError';
  constructor() {
    super('the worker is stopping; the job goes back to the queue');
  }
}

export function isInfrastructureError(error: unknown): boolean {
  return isDatabaseUnavailable(error) || isRedisUnavailable(error);
}

export interface OutageDelays {
  /** Wait before the first retry, in milliseconds; it doubles up to `maxMs`. */
  readonly firstMs: number;
  readonly maxMs: number;
}

const defaultOutageDelays: OutageDelays = { firstMs: 250, maxMs: 5_000 };

export interface OutageContext {
  readonly jobId: string | undefined;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** Aborted when the worker stops. */
  readonly signal: AbortSignal;
  readonly delays?: OutageDelays;
}

/** Runs `attempt` until it ends otherwise than by an outage; throws WorkerStoppingError when the worker stops meanwhile. */
async function throughOutages<T>(attempt: () => Promise<T>, { jobId, logger, signal, delays = defaultOutageDelays }: OutageContext): Promise<T> {
  let delay = delays.firstMs;
  let since: number | undefined;
  for (;;) {
    try {
      const value = await attempt();
      if (since !== undefined) logger.info({ jobId, waitedMs: Date.now() - since }, 'job resumed after an outage');
      return value;
    } catch (error) {
      if (!isInfrastructureError(error)) throw error;
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
