/**
 * Time-ordered ids (UUID version 7, RFC 9562 §5.7) for the rows the service makes: runs, sweeps,
 * trials. Their first 48 bits are the Unix time in milliseconds, so ids made one after another
 * sort one after another, and so do the index entries keyed by them: a new run's row, its metric
 * rows (run_metrics' primary key starts with run_id), checkpoints and rollups go to the right
 * edge of their B-trees, in pages already in memory, instead of into a random leaf each (with
 * UUIDv4 ids the metric rows' index insertions were about a quarter of the worker's PostgreSQL CPU).
 *
 * Within one millisecond the 12 bits after the version count up from a random start (RFC 9562
 * §6.2, method 1 with a random seed), so this process's ids are strictly increasing even when
 * the clock stands still or steps back; the remaining 62 bits are random. An id tells the time
 * it was made and is less random than a UUIDv4's 122 bits: no id is a capability (every read is
 * checked against the caller's tenant), so none needs to be unguessable. They are valid UUIDs
 * everywhere one is checked.
 */
import { randomFillSync } from 'node:crypto';

const hex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Random bytes drawn 16 at a time from a pool refilled every 256 ids (as node's own randomUUID does). */
const pool = Buffer.alloc(16 * 256);
let pooled = pool.length;

function randomBytes16(): number {
  if (pooled === pool.length) {
    randomFillSync(pool);
    pooled = 0;
  }
  const at = pooled;
  pooled += 16;
  return at;
}

/** The millisecond of the last id, and its 12-bit counter. */
let lastMs = -1;
let counter = 0;

/** A new UUIDv7, after every earlier one this process made. */
export function timeOrderedUuid(): string {
  const at = randomBytes16();
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // A random start in the lower half leaves at least 2,048 ids for this millisecond.
    counter = ((pool[at] << 8) | pool[at + 1]) & 0x7ff;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond, or a clock gone back: the ids borrow the next millisecond.
    lastMs++;
    counter = ((pool[at] << 8) | pool[at + 1]) & 0x7ff;
  }
  const high = Math.floor(lastMs / 0x1000000);
  const low = lastMs % 0x1000000;
  return `${hex[(high >>> 16) & 0xff]}${hex[(high >>> 8) & 0xff]}${hex[high & 0xff]}${hex[(low >>> 16) & 0xff]}-`
    + `${hex[(low >>> 8) & 0xff]}${hex[low & 0xff]}-`
    + `${hex[0x70 | (counter >>> 8)]}${hex[counter & 0xff]}-`
    + `${hex[0x80 | (pool[at + 2] & 0x3f)]}${hex[pool[at + 3]]}-`
    + `${hex[pool[at + 4]]}${hex[pool[at + 5]]}${hex[pool[at + 6]]}${hex[pool[at + 7]]}${hex[pool[at + 8]]}${hex[pool[at + 9]]}`;
}
