/** The rate-limit counters against the real Redis: exact counts per key, windows that expire, shared round trips. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRateLimitCounters } from '../../../src/queue/rate-limit-counters.ts';
import { testConfig } from '../support/services.ts';

let redis: Redis;
let pipelines = 0;

beforeAll(async () => {
  redis = createRedis(testConfig().redisUrl, 'fail-fast');
  await redis.connect();
  const pipeline = redis.pipeline.bind(redis);
  redis.pipeline = ((...args: Parameters<typeof pipeline>) => {
    pipelines++;
    return pipeline(...args);
  }) as typeof redis.pipeline;
});

afterAll(async () => {
  await closeRedis(redis);
});

describe('rate-limit counters', () => {
  it('counts concurrent requests of several keys exactly, in fewer round trips than requests', async () => {
    const counters = createRateLimitCounters(redis);
    const keys = Array.from({ length: 4 }, () => `test:rate:${randomUUID()}`);
    const before = pipelines;
    const counts = await Promise.all(Array.from({ length: 60 }, (_, i) => counters.increment(keys[i % 4], 60_000)));
    expect(pipelines - before).toBeLessThan(60);
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
