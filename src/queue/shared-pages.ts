/**
 * Pages computed once for every API process: a dashboard page (a run's downsampled metrics at
 * one revision, say) is keyed by its ETag, which names the run, its revision and the query, so a
 * stored page never goes stale; it only stops being asked for.
 *
 * `getOrCompute(key, compute)`:
 *   1. concurrent calls in this process for one key share one promise (single flight);
 *   2. that promise reads the page from Redis; on a miss it takes the key's compute lock
 *      (`SET … NX PX`): the holder computes and stores the page, the others poll Redis for it
 *      every few milliseconds until it appears or the lock's time is up, then compute themselves.
 * So N viewers of one run on M API processes cost one computation per revision, not N. Redis is
 * a cache here, never a dependency: when it fails, the page is computed and served all the same.
 */
import type { Redis } from './connection.ts';

export interface StoredPage {
  readonly contentType: string;
  readonly body: string;
  /** For pages whose next cursor travels in a header (CSV). */
  readonly nextCursor: string | null;
}

export interface SharedPagesOptions {
  /** Key namespace: the deployment's queue prefix. */
  readonly namespace: string;
  /** How long a stored page lives in Redis. */
  readonly ttlSeconds?: number;
  /** How long one process may hold a key's compute lock; waiters compute themselves after it. */
  readonly lockMs?: number;
  /** Pages larger than this are computed by each process instead of being stored. */
  readonly maxStoredBytes?: number;
}

interface SharedPageStats {
  /** Pages this process computed. */
  computed: number;
  /** Pages this process took from Redis (stored by itself or another process). */
  shared: number;
  /** Calls that joined a computation already in flight in this process. */
  joined: number;
}

const pollMs = 5;

export function createSharedPages(redis: Redis, { namespace, ttlSeconds = 60, lockMs = 5_000, maxStoredBytes = 8 * 1024 * 1024 }: SharedPagesOptions) {
  const inFlight = new Map<string, Promise<StoredPage>>();
  const stats: SharedPageStats = { computed: 0, shared: 0, joined: 0 };
  // One hash tag per page, so the page and its lock share a Redis Cluster slot (read together by MGET).
  const pageKey = (key: string) => `${namespace}:page:{${key}}`;
  const lockKey = (key: string) => `${namespace}:page-lock:{${key}}`;

  const encode = (page: StoredPage) => `${JSON.stringify([page.contentType, page.nextCursor])}\n${page.body}`;
  const decode = (text: string): StoredPage => {
    const newline = text.indexOf('\n');
    const [contentType, nextCursor] = JSON.parse(text.slice(0, newline)) as [string, string | null];
    return { contentType, nextCursor, body: text.slice(newline + 1) };
  };

  async function stored(key: string): Promise<StoredPage | null> {
    const text = await redis.get(pageKey(key));
    return text === null ? null : decode(text);
  }

  async function computeAndStore(key: string, compute: () => Promise<StoredPage>, locked: boolean): Promise<StoredPage> {
    let page: StoredPage;
    try {
      page = await compute();
    } catch (error) {
      // Let the waiters compute (and fail) for themselves instead of waiting out the lock.
      if (locked) await redis.del(lockKey(key)).catch(() => undefined);
      throw error;
    }
    stats.computed++;
    try {
      const text = encode(page);
      const pipeline = redis.pipeline();
      if (text.length <= maxStoredBytes) pipeline.set(pageKey(key), text, 'EX', ttlSeconds);
      if (locked) pipeline.del(lockKey(key));
      await pipeline.exec();
    } catch {
      // Not stored: the next process computes it again. The page itself is good.
    }
    return page;
  }

  async function resolve(key: string, compute: () => Promise<StoredPage>): Promise<StoredPage> {
    let locked: boolean;
    try {
      const found = await stored(key);
      if (found) {
        stats.shared++;
        return found;
      }
      locked = (await redis.set(lockKey(key), '1', 'PX', lockMs, 'NX')) === 'OK';
    } catch {
      return computeAndStore(key, compute, false);
    }
    if (locked) return computeAndStore(key, compute, true);
    const deadline = Date.now() + lockMs;
    try {
      while (Date.now() < deadline) {
        await new Promise((wake) => setTimeout(wake, pollMs));
        // The page and the lock in one round trip: a page ends the wait, a lock gone without a
        // page means the holder gave up (its computation failed or its process ended).
        const [text, lock] = await redis.mget(pageKey(key), lockKey(key));
        if (text !== null) {
          stats.shared++;
          return decode(text);
        }
        if (lock === null) break;
      }
    } catch {
      // Redis went away while waiting: compute it here.
    }
    return computeAndStore(key, compute, false);
  }

  return {
    stats,
    /** The page stored under `key`, computing it once across every process that asks at the same time. */
    getOrCompute(key: string, compute: () => Promise<StoredPage>): Promise<StoredPage> {
      const running = inFlight.get(key);
      if (running) {
        stats.joined++;
        return running;
      }
      const promise = resolve(key, compute).finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
  };
}

export type SharedPages = ReturnType<typeof createSharedPages>;
