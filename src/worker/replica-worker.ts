/**
 * A BullMQ Worker on the `replicas` queue, beside the runs worker in every worker process: it
 * runs replicas of concurrent downpour, easgd and adaptive-revision runs, REPLICA_CONCURRENCY
 * at a time. On close its replicas hand their jobs back after their current exchange, and
 * another worker resumes them from the parameter server. Through an outage of PostgreSQL or Redis
 * a replica's job is kept and tried again (outages.ts), as a run's is, without spending its
 * attempts: an outage never fails the replica, and with it the run.
 */
import { Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { ReplicaProcessor } from '../concurrent-runs/replica-processor.ts';
import { ReplicaInterrupted } from '../concurrent-runs/replica-loop.ts';
import type { Redis } from '../queue/connection.ts';
import { replicaJobName, replicasQueueName, type ReplicaJobData } from '../queue/replicas-queue.ts';
import { processThroughOutages, WorkerStoppingError, type OutageDelays } from './outages.ts';

export interface ReplicaWorkerDependencies {
  readonly config: Pick<Config, 'queuePrefix' | 'replicaConcurrency' | 'workerLocks'> & Partial<Pick<Config, 'databaseStatementTimeoutMs'>>;
  readonly connection: Redis;
  readonly processor: ReplicaProcessor;
  readonly logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** The waits between tries through an outage (outages.ts's when absent). */
  readonly outageDelays?: OutageDelays;
}

export interface RunningReplicaWorker {
  close(): Promise<void>;
}

export async function startReplicaWorker({ config, connection, processor, logger, outageDelays }: ReplicaWorkerDependencies): Promise<RunningReplicaWorker> {
  const stopping = new AbortController();
  const worker = new Worker<ReplicaJobData>(
    replicasQueueName,
    async (job: Job<ReplicaJobData>, token?: string) => {
      if (job.name !== replicaJobName) throw new Error(`unknown job name ${job.name}`);
      // A replica its worker's stop interrupted goes back to the queue without spending an attempt,
      // as a run's job does: worker restarts would otherwise use up its attempts, and its run would
      // wait for a replica whose job failed for good.
      const attempt = () => processor(job, stopping.signal).catch((error: unknown) => {
        throw error instanceof ReplicaInterrupted ? new WorkerStoppingError() : error;
      });
      await processThroughOutages(job, token, attempt, {
        jobId: job.id, logger, signal: stopping.signal, ...(outageDelays ? { delays: outageDelays } : {}), statementBoundMs: config.databaseStatementTimeoutMs,
      });
    },
    {
      connection,
      prefix: config.queuePrefix,
      concurrency: config.replicaConcurrency,
      lockDuration: config.workerLocks.lockDurationMs,
      stalledInterval: config.workerLocks.stalledIntervalMs,
      // A replica's worker may die any number of times: each time another resumes it from the server.
      maxStalledCount: 1_000,
      autorun: false,
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'replica worker error'));
  void worker.run().catch((error: unknown) => logger.error({ err: error }, 'replica worker stopped'));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    close() {
      stopping.abort();
      closing ??= worker.close();
      return closing;
    },
  };
}
