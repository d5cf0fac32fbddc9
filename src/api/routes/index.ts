/**
 * Every route of the API, one folder per resource. Routes under /v1 need an API key and share
 * a per-key rate limit; the operational probes and /metrics need neither.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { requireApiKey } from '../plugins/authentication.ts';
import { registerRateLimit } from '../plugins/rate-limit.ts';
import { healthRoutes } from './health/index.ts';
import { runRoutes } from './runs/index.ts';

export async function registerRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { config } = context.dependencies;
  await app.register(healthRoutes, context.dependencies);

  await app.register(async (v1) => {
    v1.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [{ apiKey: [] }] };
    });
    requireApiKey(v1, context.repositories.apiKeys);
    await registerRateLimit(v1, context.dependencies.redis, {
      max: config.rateLimit.max,
      windowSeconds: config.rateLimit.windowSeconds,
      namespace: config.queuePrefix,
    });
    await v1.register(runRoutes, { runService: context.services.runs });
  }, { prefix: '/v1' });
}
