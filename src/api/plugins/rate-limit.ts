/**
 * Per-key rate limit, counted in Redis so every API process shares one budget per key (the
 * counters of src/queue/rate-limit-counters.ts, whose increments share round trips). If Redis
 * is unreachable the limit is skipped rather than failing requests (readiness reports it).
 */
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from '../../queue/connection.ts';
import { createRateLimitCounters, type RateLimitCounters } from '../../queue/rate-limit-counters.ts';
import { AppError } from '../errors/app-error.ts';

export interface RateLimitSettings {
  readonly max: number;
  readonly windowSeconds: number;
  /** Redis key namespace. */
  readonly namespace: string;
}

/** The plugin's store over our counters, under `prefix` (a route of its own extends it). */
function counterStore(counters: RateLimitCounters, prefix: string): FastifyRateLimitStoreCtor {
  class CounterStore implements FastifyRateLimitStore {
    constructor(_options: unknown, private readonly keyPrefix = prefix) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counters.increment(this.keyPrefix + key, timeWindow).then(
        (count) => callback(null, count),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: { method: string | string[]; url: string }): FastifyRateLimitStore {
      return new CounterStore(routeOptions, `${this.keyPrefix}${String(routeOptions.method)}${routeOptions.url}-`);
    }
  }
  return CounterStore;
}

export async function registerRateLimit(scope: FastifyInstance, redis: Redis, settings: RateLimitSettings): Promise<void> {
  await scope.register(rateLimit, {
    max: settings.max,
    timeWindow: settings.windowSeconds * 1_000,
    store: counterStore(createRateLimitCounters(redis), `${settings.namespace}:rate-limit:`),
    skipOnError: true,
    // Runs after authentication (an instance hook of the same scope), so the key is known.
    hook: 'onRequest',
    keyGenerator: (request) => request.principal?.apiKeyId ?? request.ip,
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1_000));
      return new AppError(429, 'rate_limited', 'Too many requests', {
        detail: `This API key may make ${context.max} requests per ${settings.windowSeconds} s; retry in ${retryAfterSeconds} s.`,
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    },
  });
}
