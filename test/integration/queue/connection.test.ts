/**
 * The connections' writes, against the real Redis: the commands issued during one callback (and
 * the promise continuations it sets off) leave in one write to the socket, each with its own
 * reply, in order; a command issued later leaves in a write of its own; work that is about to
 * hold the event loop sends what is corked first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, sendCorkedWrites, type Redis } from '../../../src/queue/connection.ts';
import { testConfig } from '../support/services.ts';
import { countWrites as countWritesOf } from '../support/socket-writes.ts';

let redis: Redis;

beforeAll(async () => {
  redis = createRedis(testConfig().redisUrl, 'fail-fast');
  await redis.connect();
});

afterAll(async () => {
  await closeRedis(redis);
});

const countWrites = () => countWritesOf(redis);

describe('Redis connection', () => {
  it('sends the commands issued during one callback in one write, each answered in order', async () => {
    const writes = countWrites();
    const messages = Array.from({ length: 16 }, (_, i) => `message ${i}`);
    // As concurrent runs do when one reply settles them all: each sends from a promise continuation.
    const replies = await Promise.all(messages.map(async (message) => {
      await Promise.resolve();
      return redis.echo(message);
    }));
    expect(replies).toEqual(messages);
    expect(writes.count()).toBe(1);

    expect(await redis.echo('alone')).toBe('alone');
    expect(writes.count()).toBe(2);
  });

  it('sends what is corked at once before work that holds the event loop', async () => {
    const writes = countWrites();
    const other = createRedis(testConfig().redisUrl, 'fail-fast');
    await other.connect();
    try {
      const otherWrites = (() => {
        let count = 0;
        const socket = other.stream;
        const write = socket._write.bind(socket);
        socket._write = (...args) => {
          count++;
          write(...args);
        };
        return { count: () => count };
      })();
      await Promise.resolve();
      const first = redis.echo('before the slice');
      const second = other.echo('before the slice too');
      expect([writes.count(), otherWrites.count()]).toEqual([0, 0]);
      sendCorkedWrites();
      // Handed to the system before the synchronous work that would follow, not after it.
      expect([writes.count(), otherWrites.count()]).toEqual([1, 1]);
      expect(await Promise.all([first, second])).toEqual(['before the slice', 'before the slice too']);
    } finally {
      await closeRedis(other);
    }
  });
});
