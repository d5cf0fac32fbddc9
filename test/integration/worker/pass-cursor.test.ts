/**
 * A reconciler's position among its candidates: after a full batch, the next pass begins after
 * its last candidate; after a short one (the end of the candidates), from the first again; and a
 * pass that ends after a later pass moved the position on leaves it where that pass put it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { firstPosition } from '../../../src/db/pass-order.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createPassCursor } from '../../../src/worker/pass-cursor.ts';

describe('a pass cursor', () => {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
  afterAll(() => closeRedis(redis));

  const batchOf = (size: number) => Array.from({ length: size }, () => ({ updatedAt: new Date('2026-12-06T10:00:00.123Z'), id: randomUUID() }));

  it('goes on after a full batch and back to the first after a short one', async () => {
    const key = `pass-cursor-test-${randomUUID()}`;
    const cursor = createPassCursor(redis, key);
    let pass = await cursor.begin();
    expect(pass.position).toEqual(firstPosition);
    const batch = batchOf(2);
    expect(await pass.passed(batch, 2)).toBe(true);
    pass = await cursor.begin();
    expect(pass.position).toEqual(batch[1]);
    expect(await pass.passed(batch.slice(0, 1), 2)).toBe(true);
    pass = await cursor.begin();
    expect(pass.position).toEqual(firstPosition);
    expect(await pass.passed([], 2)).toBe(true);
    expect((await cursor.begin()).position).toEqual(firstPosition);
    await redis.del(key);
  });

  it('is not sent back by a pass that ends after a later one moved it on', async () => {
    const key = `pass-cursor-test-${randomUUID()}`;
    const cursor = createPassCursor(redis, key);
    const [first, second] = [batchOf(2), batchOf(2)];
    const slow = await cursor.begin();
    // A later pass (the lock held for an interval only) begins at the same place and ends first.
    const fast = await cursor.begin();
    expect(await fast.passed(first, 2)).toBe(true);
    const next = await cursor.begin();
    expect(next.position).toEqual(first[1]);
    expect(await next.passed(second, 2)).toBe(true);
    // The slow pass ends last, with the batch the first fast pass already looked at; and short.
    expect(await slow.passed(first, 2)).toBe(false);
    expect(await slow.passed(first.slice(0, 1), 2)).toBe(false);
    expect((await cursor.begin()).position).toEqual(second[1]);
    // A position stored in a form it does not read is a first position, and moved on from.
    await redis.set(key, 'not a position');
    const fresh = await cursor.begin();
    expect(fresh.position).toEqual(firstPosition);
    expect(await fresh.passed(first, 2)).toBe(true);
    expect((await cursor.begin()).position).toEqual(first[1]);
    await redis.del(key);
  });
});
