/**
 * Cancellation of running runs: the API sets a flag in Redis, the worker driving the run reads
 * it with each slice's events and stops with stopReason `cancelled`. (A queued run is cancelled in the
 * database directly and never starts.) The flag outlives a worker crash, so a resumed run
 * still stops; it expires on its own once no worker can be running the run any more.
 *
 * Only a worker that holds the run's job reads the flag: a running run whose job none holds is
 * ended at once instead, its job removed first (`stopRunning`), by a client's cancel and by its
 * sweep's stop alike. A queued run's cancel is told by whoever holds its job last: the cancel
 * when it removed the job, else the worker that took it (`tellCancelledQueued`).
 */
import type { Redis } from './connection.ts';
import type { RunsQueue } from './runs-queue.ts';
import { publishStrandedEnd } from './run-events.ts';
import type { StrandedRunEnd, StrandedRuns } from '../db/stranded-runs.ts';
import type { RunResultView } from '../contracts/run-result.ts';

const flagLifetimeSeconds = 7 * 24 * 3600;

/** Key of the flag, under the deployment's queue prefix. */
export const cancelFlagKey = (queuePrefix: string, runId: string): string => `${queuePrefix}:run:${runId}:cancel`;

/**
 * Raises the run's flag, unless it is raised already: a flag raised again (a cancel repeated, the
 * sweep reconciler's passes over a trial its worker holds) keeps the lifetime it was given first.
 */
export async function requestCancel(redis: Redis, queuePrefix: string, runId: string): Promise<void> {
  await redis.set(cancelFlagKey(queuePrefix, runId), '1', 'EX', flagLifetimeSeconds, 'NX');
}

/** What stopping a running run reads and writes: its job, its row, its flag and its events. */
export interface RunStopping {
  readonly redis: Redis;
  readonly queuePrefix: string;
  readonly runsQueue: RunsQueue;
  readonly strandedRuns: StrandedRuns;
}

/**
 * Stops a running run. Its job goes first: BullMQ removes a job no worker holds (waiting,
 * prioritized, delayed, waiting for children, failed, or a job already gone) in one step with
 * any worker's take of it, and refuses to remove one a worker holds (its lock). So:
 * - removed: no worker holds the job, and none can take it any more (back in the queue after a
 *   worker's graceful shutdown or death, parked at its tenant's running limit, in a paused queue
 *   or a backlog, failed or gone); it would read the flag only once a worker took its job, which
 *   may be long, or never. The run is ended at once, cancelled with `message` (fenced as the
 *   reconciler ends a run: strandedRuns.end), and its end told on its channel and, for a
 *   trial, on its sweep's: its result. Null when it had ended already.
 * - refused: a worker holds the job, and may have written slices already. Its run is left to
 *   it, told to stop by the flag (it ends the run after its slice, or completes it should its
 *   last slice come first): null.
 * A removal that fails (Redis unreachable) rejects, with nothing ended or flagged.
 */
/**
 * Tells the end of a run just cancelled while queued (by a client's cancel of it, or by its
 * sweep's end or stop), once. Its job goes first: when BullMQ removed it (or it was gone), no
 * worker holds it and none can take it any more, and the end is told here, on the run's channel
 * and, for a trial, on its sweep's. When BullMQ refused (a worker took the job before the cancel
 * committed, and has not written its first slice) or the removal failed (Redis unreachable), the
 * job is a worker's: it finds the run ended and tells its end itself (see the run processor), so
 * it is not told here. Never rejects.
 */
export async function tellCancelledQueued({ redis, queuePrefix, runsQueue }: Pick<RunStopping, 'redis' | 'queuePrefix' | 'runsQueue'>, ended: StrandedRunEnd): Promise<void> {
  if ((await runsQueue.remove(ended.id).catch(() => 0)) === 0) return;
  await publishStrandedEnd(redis, queuePrefix, ended, 'cancelled');
}

export async function stopRunning({ redis, queuePrefix, runsQueue, strandedRuns }: RunStopping, runId: string, message: string): Promise<RunResultView | null> {
  if ((await runsQueue.remove(runId)) === 0) {
    await requestCancel(redis, queuePrefix, runId);
    return null;
  }
  const ended = await strandedRuns.end(runId, { status: 'cancelled', message });
  if (ended === null) return null;
  await publishStrandedEnd(redis, queuePrefix, ended, 'cancelled');
  return ended.result;
}
