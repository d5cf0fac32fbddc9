/**
 * The API's composition root. `buildApp` wires fastify to the given connections without
 * listening, so tests drive it with `app.inject` and the CLI decides where it listens.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../observability/metrics-registry.ts';
import { createAppContext, type AppDependencies } from './app-context.ts';
import { registerDocumentation } from './plugins/documentation.ts';
import { answerClientError, answerFrameworkError, installErrorHandling } from './plugins/error-handler.ts';
import { installJsonBodyParser } from './plugins/json-body.ts';
import { installRequestMetrics } from './plugins/request-metrics.ts';
import { installShutdownRefusal } from './plugins/shutdown-refusal.ts';
import { validatorCompiler } from './plugins/validator-compiler.ts';
import { registerRoutes } from './routes/index.ts';

export type { AppDependencies };

const packageVersion: string = createRequire(import.meta.url)('../../package.json').version;

export interface BuildAppOptions {
  /** fastify's logger option; defaults to JSON lines at the configured level. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Where GET /metrics reads from; default a registry of the API's own (a process running a worker too shares it). */
  readonly metricsRegistry?: Registry;
}

export async function buildApp(dependencies: AppDependencies, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: dependencies.config.logLevel },
    bodyLimit: dependencies.config.bodyLimitBytes,
    // Fastify's default is none: a body announced and never sent held its connection for good.
    requestTimeout: dependencies.config.requestTimeoutMs,
    // While shutting down, requests get a 503 problem of ours (see shutdown-refusal.ts), not Fastify's plain one.
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // `/v1/runs/` is the list, `/v1/runs/{id}/` the run: without this, the slash read as an empty id.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Bodies are JSON; anything else is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.decorateRequest('principal', null);

  installErrorHandling(app);
  installShutdownRefusal(app);
  // Documentation first: it collects the routes registered after it.
  await registerDocumentation(app, packageVersion);
  installRequestMetrics(app, dependencies.runsQueue, options.metricsRegistry ?? createMetricsRegistry());
  await registerRoutes(app, createAppContext(dependencies));
  await app.ready();
  return app;
}
