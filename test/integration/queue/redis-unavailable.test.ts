/**
 * Redis that answers but serves no command of the kind now is an outage as much as one that does
 * not answer: out of memory under `maxmemory` with no eviction, a read-only replica. Its errors
 * are read from a Redis of the test's own, put in each state.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedisUnavailable } from '../../../src/queue/redis-unavailable.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services.ts';

describe('a Redis that serves no write now', () => {
  let server: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
  });

  const refusal = (command: Promise<unknown>) => command.then(() => null, (error: unknown) => error);

  it('is unavailable when out of memory or a read-only replica, and a command of its own that fails is not', async () => {
    // A command Redis refuses for what it is, whatever its state.
    const wrongType = await refusal(redis.set('text', 'x').then(() => redis.lpush('text', 'y')));
    expect(wrongType).toBeInstanceOf(Error);
    expect(isRedisUnavailable(wrongType)).toBe(false);

    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    const outOfMemory = await refusal(redis.set('key', 'value'));
    await redis.config('SET', 'maxmemory', '0');
    expect(String(outOfMemory)).toMatch(/^ReplyError: OOM /);
    expect(isRedisUnavailable(outOfMemory)).toBe(true);

    // A replica of a primary that is not there: it refuses writes.
    await redis.replicaof('127.0.0.1', '1');
    const readOnly = await refusal(redis.set('key', 'value'));
    await redis.replicaof('NO', 'ONE');
    expect(String(readOnly)).toMatch(/^ReplyError: READONLY /);
    expect(isRedisUnavailable(readOnly)).toBe(true);
  });
});
