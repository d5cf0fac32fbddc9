/**
 * The worker's composition root: a BullMQ Worker on the `runs` queue that hands each job to
 * the processor it is given. `close()` stops taking jobs and waits for the active ones, which
 * the processors keep short by running in slices.
 */
import { Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { Redis } from '../queue/connection.ts';
import { runJobName, runsQueueName, type RunJobData } from '../queue/runs-queue.ts';
import type { RunProcessor } from './processors/run.ts';

export interface WorkerProcessors {
  readonly run: RunProcessor;
}

export interface WorkerDependencies {
  readonly config: Pick<Config, 'workerConcurrency' | 'queuePrefix' | 'workerLocks'>;
  /** A `worker`-role connection (`maxRetriesPerRequest: null`); BullMQ opens its blocking connection from it. */
  readonly connection: Redis;
  readonly processors: WorkerProcessors;
  readonly logger: Logger;
}

export interface RunningWorker {
  readonly worker: Worker<RunJobData>;
  /** Stops taking jobs, lets the active ones finish, closes the worker's own connections. */
  close(): Promise<void>;
}

export async function startWorker(dependencies: WorkerDependencies): Promise<RunningWorker> {
  const { config, connection, processors, logger } = dependencies;
  const worker = new Worker<RunJobData>(
    runsQueueName,
    async (job: Job<RunJobData>) => {
      if (job.name !== runJobName) throw new Error(`unknown job name ${job.name}`);
      await processors.run(job);
    },
    {
      connection,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      lockDuration: config.workerLocks.lockDurationMs,
      stalledInterval: config.workerLocks.stalledIntervalMs,
      maxStalledCount: config.workerLocks.maxStalledCount,
      autorun: false,
    },
  );
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error }, 'job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  void worker.run().catch((error: unknown) => logger.error({ err: error }, 'worker stopped'));
  await worker.waitUntilReady();
  logger.info({ queue: runsQueueName, concurrency: config.workerConcurrency }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      closing ??= worker.close().then(() => logger.info({}, 'worker stopped'));
      return closing;
    },
  };
}
