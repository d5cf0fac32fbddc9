/**
 * The API's rate-limit counters in Redis, shared by every API process: one counter per key and
 * window, incremented by each request and expiring with its window. The increments made during
 * one turn of the event loop (requests whose key checks were answered together) go out together,
 * those of one key as one script call, when the turn ends: the connection sends a turn's commands
 * only then anyway (src/queue/connection.ts), so gathering them costs a request no wait, where a
 * call per request, or per batch of a coalescer that sends its first call alone, cost the API and
 * Redis more than counting. The calls are sent one after the other, not as an ioredis pipeline,
 * which copies every script defined on the connection (BullMQ's dozens, on the API's connection)
 * into each pipeline it makes: a turn mostly counts one key, one call.
 */
import type { Result } from 'ioredis';
import type { Redis } from './connection.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Counts ARGV[2] requests in KEYS[1]'s window of ARGV[1] ms; answers [count after them, ms left]. */
    descentRateLimitIncrement(key: string, windowMs: number, requests: number): Result<[number, number], Context>;
  }
}

/** INCRBY, starting the window with the first requests (and on a counter that somehow lost its expiry). */
const incrementScript = `
local requests = tonumber(ARGV[2])
local current = redis.call('INCRBY', KEYS[1], requests)
local ttl = redis.call('PTTL', KEYS[1])
if current == requests or ttl < 0 then
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
  readonly resolve: (count: Count) => void;
  readonly reject: (error: unknown) => void;
}

export function createRateLimitCounters(redis: Redis) {
  // Defining it again on a connection that has it (two apps sharing one) replaces it with itself.
  redis.defineCommand('descentRateLimitIncrement', { numberOfKeys: 1, lua: incrementScript });
  /** The increments of the current turn, counted as it ends. */
  let turn: Increment[] = [];

  /** Counts the requests of one key (and window) by one call: the k-th of n gets the count after the n less n − k. */
  function count(increments: readonly Increment[]): void {
    const groups = new Map<string, Increment[]>();
    for (const increment of increments) {
      const group = `${increment.windowMs}:${increment.key}`;
      const counted = groups.get(group);
      if (counted) counted.push(increment);
      else groups.set(group, [increment]);
    }
    for (const counted of groups.values()) {
      const { key, windowMs } = counted[0]!;
      redis.descentRateLimitIncrement(key, windowMs, counted.length).then(([current, ttl]) => {
        counted.forEach((increment, index) => increment.resolve({ current: current - counted.length + index + 1, ttl }));
      }, (error: unknown) => {
        for (const increment of counted) increment.reject(error);
      });
    }
  }

  return {
    increment: (key: string, windowMs: number): Promise<Count> => new Promise<Count>((resolve, reject) => {
      if (turn.length === 0) {
        process.nextTick(() => {
          const increments = turn;
          turn = [];
          count(increments);
        });
      }
      turn.push({ key, windowMs, resolve, reject });
    }),
  };
}

export type RateLimitCounters = ReturnType<typeof createRateLimitCounters>;
