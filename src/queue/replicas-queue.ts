/**
 * The `replicas` queue: one job per replica of a concurrent downpour, easgd or adaptive-revision
 * run, taken by any worker process, so a run's replicas spread over every worker on every
 * machine. The run's own job (on the `runs` queue) is their parent: it starts the parameter
 * server, adds them, watches the server and ends the run once every replica is done. A job's id
 * is `<run>-r<replica>`, so adding a run's replicas again (its coordinator resumed elsewhere)
 * adds none twice; a replica whose worker died is taken again by another and resumes from the
 * server.
 */
import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Redis } from './connection.ts';

export const replicasQueueName = 'replicas';
export const replicaJobName = 'replica';

export const replicaJobDataSchema = z.object({ runId: z.uuid(), replica: z.number().int().min(0) });
export type ReplicaJobData = z.infer<typeof replicaJobDataSchema>;

export type ReplicasQueue = Queue<ReplicaJobData, void, typeof replicaJobName>;

export function createReplicasQueue(connection: Redis, prefix: string): ReplicasQueue {
  const queue = new Queue<ReplicaJobData, void, typeof replicaJobName>(replicasQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      // A replica handed back (its worker stopping, Redis away) is taken again and resumes from the server.
      attempts: 50,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  queue.on('error', () => undefined);
  return queue;
}

function replicaJobId(runId: string, replica: number): string {
  return `${runId}-r${replica}`;
}

/**
 * Adds the jobs of a run's `replicas` (those it has already are left as they are): all of them at
 * its start, and again any whose job is gone while the replica is not done (Redis lost the job,
 * or the replica's finish with the server).
 */
export async function addReplicaJobs(queue: ReplicasQueue, runId: string, replicas: readonly number[]): Promise<void> {
  await queue.addBulk(replicas.map((replica) => ({
    name: replicaJobName,
    data: { runId, replica },
    opts: { jobId: replicaJobId(runId, replica) },
  })));
}

/** Replica `replica`'s job in the queue: its state ('unknown': not there) and, when it failed, why. */
export async function replicaJobState(queue: ReplicasQueue, runId: string, replica: number): Promise<{ state: string; failedReason: string | null }> {
  const job = await queue.getJob(replicaJobId(runId, replica));
  if (!job) return { state: 'unknown', failedReason: null };
  return { state: await job.getState(), failedReason: job.failedReason || null };
}

/** The key of replica `replica`'s job's lock: it holds the token of the delivery holding the job, and is gone when none does. */
function lockKey(queue: ReplicasQueue, runId: string, replica: number): string {
  return `${queue.toKey(replicaJobId(runId, replica))}:lock`;
}

/** The tokens of the deliveries holding the jobs of `replicas` (null: none does), in one round trip. */
export async function replicaJobHolders(redis: Redis, queue: ReplicasQueue, runId: string, replicas: readonly number[]): Promise<(string | null)[]> {
  if (replicas.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const replica of replicas) pipeline.get(lockKey(queue, runId, replica));
  return ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as string | null;
  });
}

/** Where a begun replica's job is: failed for good (and why), gone, held by a delivery (its token), or present and held by none. */
export interface BegunReplicaJob {
  readonly replica: number;
  readonly state: 'failed' | 'unknown' | 'held' | 'present';
  readonly failedReason: string | null;
  readonly holder: string | null;
}

/**
 * Whether the jobs of `replicas` (begun: their replica reached a worker) failed for good, are
 * gone or are held by a delivery, in one round trip and at a cost that does not grow with the
 * queue: the job's key, the failed set and the job's lock are asked directly, where getState
 * searches the queue's lists (its active list for a running job), a cost of every job in it for
 * each job asked. `state` is 'failed', 'unknown' (gone), 'held' (its lock taken: `holder` the
 * delivery's token) or 'present' (held by none: waiting to be taken, again after its worker died).
 */
export async function begunReplicaJobStates(redis: Redis, queue: ReplicasQueue, runId: string, replicas: readonly number[]): Promise<BegunReplicaJob[]> {
  if (replicas.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const replica of replicas) {
    const id = replicaJobId(runId, replica);
    pipeline.exists(queue.toKey(id)).zscore(queue.keys.failed!, id).hget(queue.toKey(id), 'failedReason').get(lockKey(queue, runId, replica));
  }
  const answers = (await pipeline.exec()) ?? [];
  return replicas.map((replica, i): BegunReplicaJob => {
    const [exists, failed, reason, holder] = answers.slice(4 * i, 4 * i + 4).map(([error, value]: [Error | null, unknown]) => {
      if (error) throw error;
      return value;
    });
    if (exists === 0) return { replica, state: 'unknown', failedReason: null, holder: null };
    if (failed !== null) return { replica, state: 'failed', failedReason: (reason as string | null) || null, holder: null };
    return { replica, state: holder !== null ? 'held' : 'present', failedReason: null, holder: holder as string | null };
  });
}

/** How long a count of the replicas queue's workers serves every run of this process. */
const workersCountMs = 5_000;
const workersCounts = new Map<string, { readonly at: number; readonly count: Promise<number> }>();

/**
 * The worker processes serving the replicas queue under `prefix`, as Redis's client list names
 * them (CLIENT LIST: its cost grows with the deployment's connections), counted once every
 * `workersCountMs` for all the runs of this process. A Redis that refuses the question (an ACL
 * without CLIENT) answers 1: the queue is taken to be served, as BullMQ takes it, and a waiting
 * job waits as it would without the question.
 */
export function replicaWorkersCount(queue: ReplicasQueue, prefix: string, now = Date.now()): Promise<number> {
  const counted = workersCounts.get(prefix);
  if (counted && now - counted.at < workersCountMs) return counted.count;
  const count = queue.getWorkersCount().catch(() => 1);
  workersCounts.set(prefix, { at: now, count });
  return count;
}

/**
 * Removes the jobs of `replicas` of a run that ended without them: no worker took them, and none
 * need ever do. A job a worker has just taken stays (BullMQ leaves a locked job); it finds the run ended.
 */
export async function removeReplicaJobs(queue: ReplicasQueue, runId: string, replicas: readonly number[]): Promise<void> {
  await Promise.all(replicas.map((replica) => queue.remove(replicaJobId(runId, replica))));
}
