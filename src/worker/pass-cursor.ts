/**
 * Where a reconciler's next pass resumes among its candidates, which it reads by last write,
 * then id, a batch at a time (src/db/pass-order.ts; src/worker/reconciler.ts, sweep-reconciler.ts). Each pass looks at
 * the batch after the one the last pass looked at, and a batch that comes back short sends the
 * next pass back to the first: so the candidates beyond a batch's worth of healthy ones (sweeps
 * whose trials run for days, a long backlog of queued runs, none of which a pass writes) are
 * looked at too, instead of the same first batch at every pass. The position is kept in Redis
 * beside the pass's lock, as the next pass may be another worker's; a deployment whose passes
 * stop for a day starts from the first again.
 */
import { firstPosition, type PassPosition } from '../db/pass-order.ts';
import type { Redis } from '../queue/connection.ts';

/** How long a position is kept without a pass that moves it. */
const keptMs = 24 * 3600_000;

export function createPassCursor(redis: Redis, key: string) {
  return {
    /** Where this pass begins: after the last pass's batch, or before the first candidate. */
    async position(): Promise<PassPosition> {
      const stored = await redis.get(key);
      const match = stored === null ? null : /^(\d+) (.+)$/.exec(stored);
      return match ? { updatedAt: new Date(Number(match[1])), id: match[2]! } : firstPosition;
    },

    /** After a pass over `batch`, read with at most `limit`: the next begins after its last, or from the first when it was short. */
    async passed(batch: readonly PassPosition[], limit: number): Promise<void> {
      const last = batch.at(-1);
      if (batch.length < limit || last === undefined) await redis.del(key);
      else await redis.set(key, `${last.updatedAt.getTime()} ${last.id}`, 'PX', keptMs);
    },
  };
}
