/**
 * A BullMQ Worker on the `sweeps` queue, beside the runs worker in every worker process: it runs
 * coordination rounds. Rounds of one sweep serialise on the sweep's row lock, so any number of
 * these, in any processes, may take that sweep's wake-ups.
 */
import { Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { Redis } from '../queue/connection.ts';
import { sweepJobName, sweepsQueueName, type SweepJobData } from '../queue/sweeps-queue.ts';
import { isInfrastructureError, processThroughOutages } from './outages.ts';
import type { SweepProcessor } from './processors/sweep.ts';

export interface SweepWorkerDependencies {
  readonly config: Pick<Config, 'queuePrefix'> & Partial<Pick<Config, 'databaseStatementTimeoutMs'>>;
  readonly connection: Redis;
  readonly processor: SweepProcessor;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly concurrency?: number;
  /** Aborted when the worker process stops: a round waiting out an outage hands its job back. */
  readonly stopping?: AbortSignal;
}

export async function startSweepWorker(dependencies: SweepWorkerDependencies): Promise<Worker<SweepJobData>> {
  const { config, connection, processor, logger, concurrency = 2 } = dependencies;
  const stopping = dependencies.stopping ?? new AbortController().signal;
  const worker = new Worker<SweepJobData>(
    sweepsQueueName,
    async (job: Job<SweepJobData>, token?: string) => {
      if (job.name !== sweepJobName) throw new Error(`unknown job name ${job.name}`);
      // A round is repeatable under the sweep's lock: through an outage it is tried again, not failed.
      await processThroughOutages(job, token, () => processor(job), { jobId: job.id, logger, signal: stopping, statementBoundMs: config.databaseStatementTimeoutMs });
    },
    { connection, prefix: config.queuePrefix, concurrency, autorun: false },
  );
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error }, 'sweep job failed'));
  worker.on('error', (error) => {
    if (isInfrastructureError(error)) logger.warn({ err: error }, 'Redis unreachable; reconnecting');
    else logger.error({ err: error }, 'sweep worker error');
  });
  void worker.run().catch((error: unknown) => logger.error({ err: error }, 'sweep worker stopped'));
  await worker.waitUntilReady();
  return worker;
}
