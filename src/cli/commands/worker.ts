/** `descent worker`: one worker process taking runs from the queue. */
import type { Config } from '../../config/config.ts';
import { createLogger } from '../../config/logger.ts';
import { createRunRepository } from '../../db/runs.ts';
import { createRunProcessor } from '../../worker/processors/run.ts';
import { startWorker, type RunningWorker } from '../../worker/worker.ts';
import type { Command } from '../main.ts';
import { runUntilSignal, type Services } from '../services.ts';

/** Starts a worker over `services` (opened with the `worker` role) with the production processors. */
export function startRunWorker(config: Config, services: Services): Promise<RunningWorker> {
  return startWorker({
    config,
    connection: services.redis,
    processors: { run: createRunProcessor({ runs: createRunRepository(services.database) }) },
    logger: createLogger(config.logLevel),
  });
}

export const command: Command = {
  summary: 'run one worker process',
  help: `Usage: descent worker

Takes runs from the queue and executes them, WORKER_CONCURRENCY at a time. Start as many
workers as you like, on any machine that reaches PostgreSQL and Redis. On SIGTERM or SIGINT it
stops taking jobs, lets the active ones finish their current slice and closes its connections.

Environment:
  DATABASE_URL, REDIS_URL, WORKER_CONCURRENCY (default 2), QUEUE_PREFIX, LOG_LEVEL (see README)`,
  execute: () => runUntilSignal('worker', 'worker', startRunWorker, (running) => running.close()),
};
