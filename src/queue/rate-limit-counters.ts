/**
 * The API's rate-limit counters in Redis, shared by every API process: one counter per key and
 * window, incremented by each request and expiring with its window. The increments made during
 * one turn of the event loop (requests whose key checks were answered together) go out together,
 * those of one key as one script call, when the turn ends: the connection sends a turn's commands
 * only then anyway (src/queue/connection.ts), so gathering them (a coalescer's `gatherTurn`) costs
 * a request no wait, where a call per request, or a first call sent alone, cost the API and Redis
 * more than counting. The calls are sent one after the other, not as an ioredis pipeline,
 * which copies every script defined on the connection (BullMQ's dozens, on the API's connection)
 * into each pipeline it makes: a turn mostly counts one key, one call.
 */
import type { Result } from 'ioredis';
import { Coalescer, type CoalescerOptions } from '../concurrency/coalescer.ts';
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
}

/**
 * Every turn's increments in one batch, sent when the turn ends, whatever is in flight: Redis
 * answers them in order anyway, and a turn's batch held back behind the last would only wait.
 */
const batching: CoalescerOptions<Increment> = { maxBatch: Number.POSITIVE_INFINITY, concurrency: Number.POSITIVE_INFINITY, gatherTurn: true };

export function createRateLimitCounters(redis: Redis) {
  // Defining it again on a connection that has it (two apps sharing one) replaces it with itself.
  redis.defineCommand('descentRateLimitIncrement', { numberOfKeys: 1, lua: incrementScript });
  const coalescer = new Coalescer<Increment, Count>(async (increments) => {
    // The requests of one key (and window) are counted by one call: the k-th of n gets the count
    // after the n less n − k.
    const groups = new Map<string, { key: string; windowMs: number; requests: number }>();
    const places = increments.map(({ key, windowMs }) => {
      const group = `${windowMs}:${key}`;
      let counted = groups.get(group);
      if (!counted) groups.set(group, (counted = { key, windowMs, requests: 0 }));
      return { counted, index: counted.requests++ };
    });
    const answers = new Map(await Promise.all([...groups.values()].map(async (counted) => {
      const { key, windowMs, requests } = counted;
      const answer = await redis.descentRateLimitIncrement(key, windowMs, requests).then((reply) => ({ reply }), (error: unknown) => ({ error }));
      return [counted, answer] as const;
    })));
    return places.map(({ counted, index }) => {
      const answer = answers.get(counted)!;
      if ('error' in answer) return { error: answer.error };
      const [current, ttl] = answer.reply;
      return { value: { current: current - counted.requests + index + 1, ttl } };
    });
  }, batching);

  return {
    increment: (key: string, windowMs: number): Promise<Count> => coalescer.submit({ key, windowMs }),
  };
}

export type RateLimitCounters = ReturnType<typeof createRateLimitCounters>;
