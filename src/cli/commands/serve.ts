/** `descent serve`: the HTTP API. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.ts';
import type { Config } from '../../config/config.ts';
import type { Command } from '../main.ts';
import type { Registry } from 'prom-client';
import { runUntilSignal, type Services } from '../services.ts';

/** Builds the API over `services` and listens on the configured host and port. */
export async function listen(config: Config, services: Services, metricsRegistry?: Registry): Promise<FastifyInstance> {
  const app = await buildApp({ config, ...services }, metricsRegistry ? { metricsRegistry } : {});
  await app.listen({ host: config.host, port: config.port });
  return app;
}

export const command: Command = {
  summary: 'serve the HTTP API',
  help: `Usage: descent serve

Serves the HTTP API (runs, /docs, /healthz, /readyz, /metrics) on HOST:PORT. Exits with one
line naming PostgreSQL or Redis if either is unreachable at start. On SIGTERM or SIGINT it
stops accepting connections, finishes the requests in flight and closes its connections.
Run 'descent migrate' first (or use 'descent start').

Environment:
  HOST, PORT (default 0.0.0.0:3000), DATABASE_URL, REDIS_URL, BODY_LIMIT_BYTES, REQUEST_TIMEOUT_MS,
  RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_SECONDS, QUEUE_PREFIX, LOG_LEVEL (see README)`,
  execute: () => runUntilSignal('serve', 'client', (config, services) => listen(config, services), (app) => app.close()),
};
