/** The rate-limit counters against the real Redis: exact counts per key, windows that expire, one write per turn's increments. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRateLimitCounters } from '../../../src/queue/rate-limit-counters.ts';
import { testConfig } from '../support/services.ts';
import { countWrites } from '../support/socket-writes.ts';

let redis: Redis;

beforeAll(async () => {
  redis = createRedis(testConfig().redisUrl, 'fail-fast');
  await redis.connect();
});

afterAll(async () => {
  await closeRedis(redis);
});

describe('rate-limit counters', () => {
  it('counts the requests of several keys made in one turn exactly, in one write', async () => {
    const counters = createRateLimitCounters(redis);
    // The script loaded, so that it is not sent again on its first use below.
    await counters.increment(`test:rate:${randomUUID()}`, 1_000);
    const keys = Array.from({ length: 4 }, () => `test:rate:${randomUUID()}`);
    const writes = countWrites(redis);
    // As the requests whose key checks were answered together: each from a promise continuation.
    const counts = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
      await Promise.resolve();
      return counters.increment(keys[i % 4], 60_000);
    }));
    expect(writes.count()).toBe(1);
    for (const [k, key] of keys.entries()) {
      const own = counts.filter((_, i) => i % 4 === k).map((count) => count.current).sort((a, b) => a - b);
      expect(own).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect(Number(await redis.get(key))).toBe(15);
    }
    expect(counts.every((count) => count.ttl > 0 && count.ttl <= 60_000)).toBe(true);
    await redis.del(...keys);
  });

  it('starts a new window once the old one has expired', async () => {
    const counters = createRateLimitCounters(redis);
    const key = `test:rate:${randomUUID()}`;
    expect((await counters.increment(key, 50)).current).toBe(1);
    expect((await counters.increment(key, 50)).current).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await counters.increment(key, 50)).toMatchObject({ current: 1 });
    await redis.del(key);
  });
});
