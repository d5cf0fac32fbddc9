/**
 * The API's rate-limit counters in Redis, shared by every API process: one counter per key and
 * window, incremented by each request and expiring with its window. The increments of
 * concurrent requests go out together as one pipeline (see Coalescer): under load, a round trip
 * per request to count it would cost more than the request's own work.
 */
import type { Result } from 'ioredis';
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Redis } from './connection.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Counts a request in KEYS[1]'s window of ARGV[1] ms; answers [count, ms left]. */
    descentRateLimitIncrement(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

/** INCR, starting the window on the first request (and on a counter that somehow lost its expiry). */
const incrementScript = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { current, ttl }`;

export interface Count {
  /** Requests counted in the current window, this one included. */
  readonly current: number;
  /** Milliseconds until the window ends. */
  readonly ttl: number;
}

interface Increment {
  readonly key: string;
  readonly windowMs: number;
}

/** Increments per pipeline, at most, and pipelines in flight at once. */
const batching = { maxBatch: 128, concurrency: 2 };

export function createRateLimitCounters(redis: Redis) {
  // Defining it again on a connection that has it (two apps sharing one) replaces it with itself.
  redis.defineCommand('descentRateLimitIncrement', { numberOfKeys: 1, lua: incrementScript });
  const coalescer = new Coalescer<Increment, Count>(async (increments) => {
    const pipeline = redis.pipeline();
    for (const { key, windowMs } of increments) pipeline.descentRateLimitIncrement(key, windowMs);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply]) => {
      if (error) return { error };
      const [current, ttl] = reply as [number, number];
      return { value: { current, ttl } };
    });
  }, batching);

  return {
    increment: (key: string, windowMs: number): Promise<Count> => coalescer.submit({ key, windowMs }),
  };
}

export type RateLimitCounters = ReturnType<typeof createRateLimitCounters>;
