/**
 * Every route of the API, one folder per resource. Routes under /v1 need an API key and share
 * a per-key rate limit; the operational probes and /metrics need neither.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { requireApiKey } from '../plugins/authentication.ts';
import { createBadKeyGuard } from '../plugins/bad-key-guard.ts';
import { createRateLimitCounters } from '../../queue/rate-limit-counters.ts';
import { registerRateLimit } from '../plugins/rate-limit.ts';
import { benchmarkRoutes } from './benchmarks/index.ts';
import { metricFieldRoutes } from './metric-fields/index.ts';
import { dashboardRoutes } from './dashboard/index.ts';
import { datasetRoutes } from './datasets/index.ts';
import { healthRoutes } from './health/index.ts';
import { objectiveRoutes } from './objectives/index.ts';
import { optimizerRoutes } from './optimizers/index.ts';
import { parallelAlgorithmRoutes } from './parallel-algorithms/index.ts';
import { runEventRoutes } from './runs/events.ts';
import { runRoutes } from './runs/index.ts';
import { runLandscapeRoutes } from './runs/landscape.ts';
import { runMetricsRoutes } from './runs/metrics.ts';
import { runParameterRoutes } from './runs/parameters.ts';
import { sweepRoutes } from './sweeps/index.ts';
import { sweepEventRoutes } from './sweeps/events.ts';

export async function registerRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { config } = context.dependencies;
  app.addHook('onClose', context.close);
  await app.register(healthRoutes, context.dependencies);
  await app.register(dashboardRoutes);

  await app.register(async (v1) => {
    v1.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [{ apiKey: [] }] };
    });
    requireApiKey(v1, context.repositories.apiKeys, createBadKeyGuard(createRateLimitCounters(context.dependencies.redis), {
      maxFailures: config.authFailuresMax,
      windowSeconds: config.rateLimit.windowSeconds,
      namespace: config.queuePrefix,
    }));
    await registerRateLimit(v1, context.dependencies.redis, {
      max: config.rateLimit.max,
      windowSeconds: config.rateLimit.windowSeconds,
      namespace: config.queuePrefix,
    });
    await v1.register(runRoutes, { runService: context.services.runs });
    await v1.register(objectiveRoutes, { objectiveService: context.services.objectives });
    await v1.register(optimizerRoutes);
    await v1.register(parallelAlgorithmRoutes);
    await v1.register(benchmarkRoutes);
    await v1.register(metricFieldRoutes);
    await v1.register(runMetricsRoutes, {
      metricsQuery: context.repositories.metrics,
      metricsExport: context.repositories.metricsExport, sharedPages: context.sharedPages, exportSlots: context.tenantSlots.exports,
    });
    await v1.register(runLandscapeRoutes, {
      runService: context.services.runs, metricsQuery: context.repositories.metrics,
      objectives: context.repositories.objectives, datasets: context.repositories.datasets,
      objectiveService: context.services.objectives,
    });
    await v1.register(runParameterRoutes, {
      runService: context.services.runs, objectives: context.repositories.objectives, datasets: context.repositories.datasets,
      objectiveService: context.services.objectives,
    });
    const keyIsLive = async (key: string) => (await context.repositories.apiKeys.authenticate(key)) !== null;
    await v1.register(runEventRoutes, { runService: context.services.runs, events: context.events, keyIsLive });
    await v1.register(sweepRoutes, { sweepService: context.services.sweeps });
    await v1.register(sweepEventRoutes, { sweepService: context.services.sweeps, events: context.events, keyIsLive });
    await v1.register(datasetRoutes, { datasetService: context.services.datasets, limits: config.datasetLimits, uploadSlots: context.tenantSlots.uploads });
  }, { prefix: '/v1' });
}
