/**
 * The worker's composition root: a BullMQ Worker on the `runs` queue that hands each job to
 * the processor it is given, through outages of PostgreSQL and Redis (see outages.ts).
 * `close()` stops taking jobs and tells the active ones to stop at their next slice boundary:
 * their jobs go back to the queue and their runs resume elsewhere from their checkpoints.
 */
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { Redis } from '../queue/connection.ts';
import { runJobName, runsQueueName, type RunJobData } from '../queue/runs-queue.ts';
import { isInfrastructureError, processThroughOutages, type OutageDelays } from './outages.ts';
import type { RunProcessor } from './processors/run.ts';
import { createTenantAdmission, defaultParkedMs, type TenantAdmission } from './tenant-admission.ts';

interface WorkerProcessors {
  readonly run: RunProcessor;
}

export interface WorkerDependencies {
  readonly config: Pick<Config, 'workerConcurrency' | 'queuePrefix' | 'workerLocks' | 'tenantQuotas'> & Partial<Pick<Config, 'databaseStatementTimeoutMs'>>;
  /** A `worker`-role connection (`maxRetriesPerRequest: null`); BullMQ opens its blocking connection from it. */
  readonly connection: Redis;
  /**
   * A connection for the worker's own scripts (its tenant admissions), apart from BullMQ's, into
   * whose every pipeline ioredis copies each script defined on the connection. Absent: `connection`.
   */
  readonly commands?: Redis;
  readonly processors: WorkerProcessors;
  readonly logger: Logger;
  /** How long to wait between retries through an outage (defaults in outages.ts). */
  readonly outageDelays?: OutageDelays;
  /** How long a job parked at its tenant's running limit waits at most before it asks again (see tenant-admission.ts). */
  readonly parkedMs?: number;
}

export interface RunningWorker {
  readonly worker: Worker<RunJobData>;
  /** Stops taking jobs, stops the active ones at their next slice boundary, closes the worker's own connections. */
  close(): Promise<void>;
}

export async function startWorker(dependencies: WorkerDependencies): Promise<RunningWorker> {
  const { config, connection, processors, logger } = dependencies;
  const stopping = new AbortController();
  const worker = new Worker<RunJobData>(
    runsQueueName,
    async (job: Job<RunJobData>, token?: string) => {
      if (job.name !== runJobName) throw new Error(`unknown job name ${job.name}`);
      let admitted = false;
      // A run's final announcement gives its place back (and says so here).
      const place = admission.place(job);
      try {
        // Stopped at a slice boundary when the worker closes: the job goes back, another worker resumes the run.
        await processThroughOutages(job, token, async () => {
          // A tenant at its running limit: the job waits, parked, without holding this worker.
          if (!admitted && !(admitted = await admission.admit(job, token))) {
            logger.info({ jobId: job.id, tenantId: job.data.tenantId }, 'run parked: its tenant has TENANT_MAX_RUNNING_RUNS running');
            throw new DelayedError();
          }
          await processors.run(job, stopping.signal, token ? { token, durationMs: config.workerLocks.lockDurationMs } : undefined, place);
        }, { jobId: job.id, logger, signal: stopping.signal, delays: dependencies.outageDelays, statementBoundMs: config.databaseStatementTimeoutMs });
      } finally {
        if (admitted) await admission.release(job, place).catch((error: unknown) => logger.warn({ jobId: job.id, err: error }, 'could not give back the run\'s tenant place'));
      }
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
  // Used by the processor above, which runs only once the worker runs (below).
  const admission: TenantAdmission = createTenantAdmission(worker, dependencies.commands ?? connection, config.queuePrefix, {
    maxRunningRuns: config.tenantQuotas.maxRunningRuns,
    parkedMs: dependencies.parkedMs ?? defaultParkedMs,
  });
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error }, 'job failed'));
  worker.on('error', (error) => {
    // Redis going away is reported on every reconnection attempt; it is waited out, not a fault.
    if (isInfrastructureError(error)) logger.warn({ err: error }, 'Redis unreachable; reconnecting');
    else logger.error({ err: error }, 'worker error');
  });
  void worker.run().catch((error: unknown) => logger.error({ err: error }, 'worker stopped'));
  await worker.waitUntilReady();
  logger.info({ queue: runsQueueName, concurrency: config.workerConcurrency }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      stopping.abort();
      closing ??= worker.close().then(() => logger.info({}, 'worker stopped'));
      return closing;
    },
  };
}
