/**
 * A reconciler's position among its candidates: after a full batch, the next pass begins after
 * its last candidate; after a short one (the end of the candidates), from the first again.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { firstPosition } from '../../../src/db/pass-order.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createPassCursor } from '../../../src/worker/pass-cursor.ts';

describe('a pass cursor', () => {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
  afterAll(() => closeRedis(redis));

  it('goes on after a full batch and back to the first after a short one', async () => {
    const key = `pass-cursor-test-${randomUUID()}`;
    const cursor = createPassCursor(redis, key);
    expect(await cursor.position()).toEqual(firstPosition);
    const batch = [
      { updatedAt: new Date('2026-12-06T10:00:00.123Z'), id: randomUUID() },
      { updatedAt: new Date('2026-12-06T10:00:00.123Z'), id: randomUUID() },
    ];
    await cursor.passed(batch, 2);
    expect(await cursor.position()).toEqual(batch[1]);
    await cursor.passed(batch.slice(0, 1), 2);
    expect(await cursor.position()).toEqual(firstPosition);
    await cursor.passed([], 2);
    expect(await cursor.position()).toEqual(firstPosition);
    await redis.del(key);
  });
});
