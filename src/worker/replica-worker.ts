/**
 * A BullMQ Worker on the `replicas` queue, beside the runs worker in every worker process: it
 * runs replicas of concurrent downpour, easgd and adaptive-revision runs, REPLICA_CONCURRENCY
 * at a time. On close its replicas hand their jobs back after their current exchange, and
 * another worker resumes them from the parameter server. Through an outage of PostgreSQL or Redis
 * a replica's job is kept and tried again (outages.ts), as a run's is, without spending its
 * attempts: an outage never fails the replica, and with it the run. A delivery that lost its job's
 * lock (its event loop held past the lock, or cut off from Redis, and the job taken again by
 * another worker, or by this one) stops its replica at once and leaves the job alone: two copies
 * of a replica would do its steps twice.
 */
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { ReplicaProcessor } from '../concurrent-runs/replica-processor.ts';
import { ReplicaInterrupted, ReplicaSuperseded } from '../concurrent-runs/replica-loop.ts';
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
  /** This process's delivery of each job it runs, aborted once it lost the job's lock. */
  const deliveries = new Map<string, AbortController>();
  const worker = new Worker<ReplicaJobData>(
    replicasQueueName,
    async (job: Job<ReplicaJobData>, token?: string) => {
      if (job.name !== replicaJobName) throw new Error(`unknown job name ${job.name}`);
      const jobId = job.id!;
      // A delivery of this job still running here lost it: the job was taken again.
      deliveries.get(jobId)?.abort();
      const lost = new AbortController();
      deliveries.set(jobId, lost);
      // A replica its worker's stop interrupted goes back to the queue without spending an attempt,
      // as a run's job does: worker restarts would otherwise use up its attempts, and its run would
      // wait for a replica whose job failed for good.
      const attempt = () => processor(job, stopping.signal, lost.signal).catch((error: unknown) => {
        throw error instanceof ReplicaInterrupted ? new WorkerStoppingError() : error;
      });
      try {
        await processThroughOutages(job, token, attempt, {
          jobId, logger, signal: stopping.signal, ...(outageDelays ? { delays: outageDelays } : {}), statementBoundMs: config.databaseStatementTimeoutMs,
        });
      } catch (error) {
        // The job is the other delivery's: this one neither fails nor completes it.
        if (error instanceof ReplicaSuperseded || lost.signal.aborted) {
          logger.warn({ jobId }, 'replica job lost its lock to another delivery; this one stopped');
          throw new WaitingError();
        }
        throw error;
      } finally {
        if (deliveries.get(jobId) === lost) deliveries.delete(jobId);
      }
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
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) deliveries.get(jobId)?.abort();
  });
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
