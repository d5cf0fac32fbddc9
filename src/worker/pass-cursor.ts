/**
 * Where a reconciler's next pass resumes among its candidates, which it reads by last write,
 * then id, a batch at a time (src/db/pass-order.ts; src/worker/reconciler.ts, sweep-reconciler.ts). Each pass looks at
 * the batch after the one the last pass looked at, and a batch that comes back short sends the
 * next pass back to the first: so the candidates beyond a batch's worth of healthy ones (sweeps
 * whose trials run for days, a long backlog of queued runs, none of which a pass writes) are
 * looked at too, instead of the same first batch at every pass. The position is kept in Redis
 * beside the pass's lock, as the next pass may be another worker's; a deployment whose passes
 * stop for a day starts from the first again.
 *
 * A pass moves the position on only from where it began: the lock is held for an interval, not
 * for as long as a pass takes, so a pass slower than the interval may end after a later pass
 * moved the position on, and writing its own then would send the passes back over batches
 * already looked at.
 */
import { firstPosition, type PassPosition } from '../db/pass-order.ts';
import type { Redis } from '../queue/connection.ts';
import { withCommands } from '../queue/defined-commands.ts';

/** How long a position is kept without a pass that moves it. */
const keptMs = 24 * 3600_000;

/** The position becomes ARGV[2] (none when empty, kept ARGV[3] ms) if it still is ARGV[1] (none when empty). */
const scripts = {
  passCursorMove: {
    numberOfKeys: 1,
    lua: `
      if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
      if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
      return 1`,
  },
};

interface CursorCommands {
  passCursorMove(key: string, from: Buffer | string, to: string, keptMs: number): Promise<number>;
}

/** A position as stored: empty for before the first candidate. */
const stored = (position: PassPosition | undefined): string => (position ? `${position.updatedAt.getTime()} ${position.id}` : '');

export interface PassStart {
  readonly position: PassPosition;
  /** After the pass over `batch`, read with at most `limit`: the next begins after its last, or from the first when it was short; false when another pass moved the position meanwhile (it is left as that pass wrote it). */
  passed(batch: readonly PassPosition[], limit: number): Promise<boolean>;
}

export function createPassCursor(redis: Redis, key: string) {
  const commands = withCommands<CursorCommands>(redis, scripts);
  return {
    /** Where this pass begins: after the last pass's batch, or before the first candidate. */
    async begin(): Promise<PassStart> {
      // Its bytes as stored are what the move compares, whatever they are: read as text, bytes that
      // are no UTF-8 would never compare equal again, and the position would stay for good.
      const from = (await redis.getBuffer(key)) ?? '';
      const match = /^(\d+) (.+)$/.exec(from.toString());
      return {
        position: match ? { updatedAt: new Date(Number(match[1])), id: match[2]! } : firstPosition,
        async passed(batch, limit) {
          const to = batch.length < limit ? '' : stored(batch.at(-1));
          return (await commands.passCursorMove(key, from, to, keptMs)) === 1;
        },
      };
    },
  };
}
