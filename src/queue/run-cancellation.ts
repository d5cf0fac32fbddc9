/**
 * Cancellation of running runs: the API sets a flag in Redis, the worker driving the run reads
 * it with each slice's events and stops with stopReason `cancelled`. (A queued run is cancelled in the
 * database directly and never starts.) The flag outlives a worker crash, so a resumed run
 * still stops; it expires on its own once no worker can be running the run any more.
 */
import type { Redis } from './connection.ts';

const flagLifetimeSeconds = 7 * 24 * 3600;

/** Key of the flag, under the deployment's queue prefix. */
export const cancelFlagKey = (queuePrefix: string, runId: string): string => `${queuePrefix}:run:${runId}:cancel`;

export async function requestCancel(redis: Redis, queuePrefix: string, runId: string): Promise<void> {
  await redis.set(cancelFlagKey(queuePrefix, runId), '1', 'EX', flagLifetimeSeconds);
}
