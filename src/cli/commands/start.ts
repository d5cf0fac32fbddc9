/** `descent start`: migrate, then the API and one worker in this process. */
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../config/logger.ts';
import { createMetricsRegistry } from '../../observability/metrics-registry.ts';
import type { RunningWorker } from '../../worker/worker.ts';
import type { Command } from '../main.ts';
import { processOutput } from '../output.ts';
import { errorMessage } from '../../core/error-message.ts';
import { assertReachable, openServices, type Services } from '../services.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { migrateDatabase } from './migrate.ts';
import { listen } from './serve.ts';
import { startRunWorker } from './worker.ts';

export const command: Command = {
  summary: 'migrate, then serve the API with one worker (what `npm start` runs)',
  help: `Usage: descent start

Applies pending migrations (creating the database if needed), then serves the HTTP API and runs
one worker in the same process: everything a development machine needs. In production run
'descent migrate' once and 'descent serve' and 'descent worker' as separate processes.
SIGTERM or SIGINT shuts both down gracefully.

Environment: as for 'descent serve' and 'descent worker' (see README).`,
  async execute() {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const migrated = await migrateDatabase(config, processOutput, logger);
    if (migrated !== 0) return migrated;
    const apiServices = openServices(config, 'client');
    const workerServices = openServices(config, 'worker');
    const closeServices = async (all: Services[]) => { for (const services of all) await services.close(); };
    let app: FastifyInstance;
    let worker: RunningWorker;
    try {
      await assertReachable(config, apiServices);
      // One registry: the API's /metrics shows the worker's metrics too.
      const registry = createMetricsRegistry();
      worker = await startRunWorker(config, workerServices, registry);
      app = await listen(config, apiServices, registry).catch(async (error: unknown) => {
        await worker.close();
        throw error;
      });
    } catch (error) {
      processOutput.err(`descent start: ${errorMessage(error)}`);
      await closeServices([apiServices, workerServices]);
      return 1;
    }
    return onShutdownSignal(async () => {
      await Promise.all([app.close(), worker.close()]);
      await closeServices([apiServices, workerServices]);
    }, logger, config.shutdownGraceMs);
  },
};
