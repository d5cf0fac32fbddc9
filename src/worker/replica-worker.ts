/**
 * A BullMQ Worker on the `replicas` queue, beside the runs worker in every worker process: it
 * runs replicas of concurrent downpour, easgd and adaptive-revision runs, REPLICA_CONCURRENCY
 * at a time. On close its replicas hand their jobs back after their current exchange, and
 * another worker resumes them from the parameter server. Through an outage of PostgreSQL or Redis
 * a replica's job is kept and tried again (outages.ts), as a run's is, without spending its
 * attempts: an outage never fails the replica, and with it the run. A delivery that lost its job's
 * lock (its event loop held past the lock, or cut off from Redis, and the job taken again by
 * another worker, or by this one) stops its replica at once and leaves the job alone: two copies
 * of a replica would do its steps twice. Each delivery keeps its lock with its own token
 * (deliveryLock): the worker's own renewal keeps one per job, which the old delivery's end would
 * take from the new one, and so leave the job to stall and be taken again and again. Each
 * delivery also gives its processor the replica's heartbeat (replica-heartbeat.ts), which the
 * processor beats as it starts the replica and the replica's loop as it runs: its run's
 * coordinator waits for a replica a worker is starting, however slowly, and finds one whose loop
 * hangs while the worker keeps its job.
 */
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { ReplicaProcessor } from '../concurrent-runs/replica-processor.ts';
import { replicaHeartbeat } from '../concurrent-runs/replica-heartbeat.ts';
import { ReplicaInterrupted, ReplicaSuperseded } from '../concurrent-runs/replica-loop.ts';
import type { Redis } from '../queue/connection.ts';
import { replicaJobDataSchema, replicaJobName, replicasQueueName, type ReplicaJobData } from '../queue/replicas-queue.ts';
import { defaultOutageDelays, processThroughOutages, WorkerStoppingError, type OutageDelays } from './outages.ts';

export interface ReplicaWorkerDependencies {
  readonly config: Pick<Config, 'queuePrefix' | 'replicaConcurrency' | 'workerLocks'> & Partial<Pick<Config, 'databaseStatementTimeoutMs'>>;
  readonly connection: Redis;
  /**
   * The connection of the processor's parameter server, on which the replicas' heartbeats go: a
   * replica's last beat then reaches Redis before its finish, and its run, ending, removes it for
   * good. Absent: `connection`.
   */
  readonly commands?: Redis;
  readonly processor: ReplicaProcessor;
  readonly logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** The waits between tries through an outage (outages.ts's when absent). */
  readonly outageDelays?: OutageDelays;
}

export interface RunningReplicaWorker {
  close(): Promise<void>;
}

/**
 * A delivery's hold on its job: `holds()` extends the lock with the delivery's token once a
 * quarter of its duration has passed since it last did (sooner asks share the answer), false
 * once the lock is another delivery's or lapsed. A timer asks too, for the stretches outside the
 * replica's steps (building its objective, waiting out an outage).
 */
function deliveryLock(job: Job, token: string, durationMs: number) {
  let extendedAt = performance.now();
  let asking: Promise<boolean> | null = null;
  let lost = false;
  const holds = (): Promise<boolean> => {
    if (lost) return Promise.resolve(false);
    if (asking) return asking;
    if (performance.now() - extendedAt < durationMs / 4) return Promise.resolve(true);
    extendedAt = performance.now();
    asking = job.extendLock(token, durationMs).then(
      (extended) => {
        lost ||= extended === 0;
        return !lost;
      },
      // Redis away: the next ask tries again; a lock lapsed meanwhile is found then.
      () => true,
    ).finally(() => {
      asking = null;
    });
    return asking;
  };
  const timer = setInterval(() => void holds(), durationMs / 4);
  return { holds, lost: () => lost, release: () => clearInterval(timer) };
}

export async function startReplicaWorker({ config, connection, commands, processor, logger, outageDelays }: ReplicaWorkerDependencies): Promise<RunningReplicaWorker> {
  const stopping = new AbortController();
  const worker = new Worker<ReplicaJobData>(
    replicasQueueName,
    async (job: Job<ReplicaJobData>, token?: string) => {
      if (job.name !== replicaJobName) throw new Error(`unknown job name ${job.name}`);
      const jobId = job.id!;
      const lock = deliveryLock(job, token!, config.workerLocks.lockDurationMs);
      const payload = replicaJobDataSchema.safeParse(job.data);
      const timing = { lockDurationMs: config.workerLocks.lockDurationMs, statementTimeoutMs: config.databaseStatementTimeoutMs, outageRetryMs: (outageDelays ?? defaultOutageDelays).maxMs };
      const beat = payload.success ? replicaHeartbeat(commands ?? connection, config.queuePrefix, payload.data.runId, payload.data.replica, token!, timing) : () => {};
      // A replica its worker's stop interrupted goes back to the queue without spending an attempt,
      // as a run's job does: worker restarts would otherwise use up its attempts, and its run would
      // wait for a replica whose job failed for good.
      const attempt = () => processor(job, stopping.signal, lock.holds, beat).catch((error: unknown) => {
        throw error instanceof ReplicaInterrupted ? new WorkerStoppingError() : error;
      });
      try {
        await processThroughOutages(job, token, attempt, {
          jobId, logger, signal: stopping.signal, ...(outageDelays ? { delays: outageDelays } : {}), statementBoundMs: config.databaseStatementTimeoutMs,
        });
      } catch (error) {
        // The job is the other delivery's: this one neither fails nor completes it.
        if (error instanceof ReplicaSuperseded || lock.lost()) {
          logger.warn({ jobId }, 'replica job lost its lock to another delivery; this one stopped');
          throw new WaitingError();
        }
        throw error;
      } finally {
        lock.release();
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
