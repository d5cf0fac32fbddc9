/**
 * Per-key rate limit, counted in Redis so every API process shares one budget per key. If
 * Redis is unreachable the limit is skipped rather than failing requests (readiness reports it).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from '../../queue/connection.ts';
import { AppError } from '../errors/app-error.ts';

export interface RateLimitSettings {
  readonly max: number;
  readonly windowSeconds: number;
  /** Redis key namespace. */
  readonly namespace: string;
}

export async function registerRateLimit(scope: FastifyInstance, redis: Redis, settings: RateLimitSettings): Promise<void> {
  await scope.register(rateLimit, {
    max: settings.max,
    timeWindow: settings.windowSeconds * 1_000,
    redis,
    nameSpace: `${settings.namespace}:rate-limit:`,
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
