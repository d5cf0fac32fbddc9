/**
 * The `runs` queue. A job's id is its run's id, so enqueueing the same run twice (a retried
 * POST, a re-delivered message) yields one job.
 */
import { Queue, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import { Coalescer, type CoalescerOptions } from '../concurrency/coalescer.ts';
import type { Redis } from './connection.ts';

export const runsQueueName = 'runs';
export const runJobName = 'run';

/**
 * A run's job: its run, and the run's tenant (whose running runs the worker counts, see
 * src/worker/tenant-admission.ts). A run submitted through the API also carries its spec as
 * stored (see `jobSpecMaxBytes`), so that the worker starting it for the first time need not read
 * it back from PostgreSQL (src/worker/processors/run.ts); its own parse of the spec validates it.
 */
export const runJobDataSchema = z.object({ runId: z.uuid(), tenantId: z.uuid().optional(), spec: z.unknown().optional() });
export type RunJobData = z.infer<typeof runJobDataSchema>;

export type RunsQueue = Queue<RunJobData, void, typeof runJobName>;

export function createRunsQueue(connection: Redis, prefix: string): RunsQueue {
  const queue = new Queue<RunJobData, void, typeof runJobName>(runsQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      // A crashed worker's job is retried; the processor resumes the run from its checkpoint.
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      // The run row holds everything a finished run has to say; its job is of no further use.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  // The queue repeats its connection's errors (Redis down); the connection remembers them
  // already (see connection.ts), and the command that failed rejects: without a listener the
  // repeat would crash the process.
  queue.on('error', () => undefined);
  return queue;
}

/**
 * Where each run's job goes: its priority, its place in its tenant's backlog
 * (src/db/tenant-backlog.ts), so tenants take turns (BullMQ takes jobs by priority, 1 first, in
 * order of arrival within one); and its tenant, carried in the job.
 */
export interface RunPlace {
  readonly priority: number;
  readonly tenantId: string;
}

export type RunPriorities = (runIds: readonly string[]) => Promise<ReadonlyMap<string, RunPlace>>;

/** No ranks: every job first in line (priority 1), taken in order of arrival, with no tenant. */
const inArrivalOrder: RunPriorities = async () => new Map();

/**
 * A spec goes in its run's job up to this many bytes of JSON: a small run's spec costs Redis
 * less than the read it spares the worker; a large one (inline data, a long expression) is read.
 */
export const jobSpecMaxBytes = 2_048;

/**
 * Whether a worker may start a run from the spec its job carries before reading the run: not a
 * concurrent parallel run, whose start has effects outside the run's rows (a parameter server in
 * Redis and its replicas' jobs, or threads) that a run cancelled while queued must never have.
 */
export function startsWithoutReading(spec: unknown): boolean {
  const parallel = (spec as { parallel?: { execution?: unknown } } | null)?.parallel;
  return typeof spec === 'object' && spec !== null && (parallel === undefined || parallel.execution === 'simulated');
}

/** The spec to carry in a run's job: the stored one when it is small (see jobSpecMaxBytes) and may start unread, else none. */
function carriedSpec(spec: unknown): { spec?: unknown } {
  if (!startsWithoutReading(spec)) return {};
  const json = JSON.stringify(spec);
  return json !== undefined && json.length <= jobSpecMaxBytes ? { spec } : {};
}

/** BullMQ's largest priority. */
const lowestPriority = 2_097_152;

/**
 * A run's job. Only its id and priority are given: the queue's `defaultJobOptions` (attempts,
 * backoff, retention) apply to every job, whether added alone (`add`) or in bulk (`addBulk`).
 * Every run's job has a priority (a run whose rank is unknown gets 1): BullMQ would take a job
 * without one before all prioritized ones.
 */
function runJob(runId: string, place?: RunPlace, spec?: unknown): { name: typeof runJobName; data: RunJobData; opts: JobsOptions } {
  const data = place ? { runId, tenantId: place.tenantId, ...carriedSpec(spec) } : { runId };
  return { name: runJobName, data, opts: { jobId: runId, priority: Math.min(lowestPriority, place?.priority ?? 1) } };
}

/** Adds the runs' jobs in one round trip, each with its tenant-fair priority; a run whose job exists keeps it. */
export async function addRunJobs(queue: RunsQueue, runIds: readonly string[], priorities: RunPriorities = inArrivalOrder): Promise<void> {
  if (runIds.length === 0) return;
  const places = await priorities(runIds);
  await queue.addBulk(runIds.map((runId) => runJob(runId, places.get(runId))));
}

const enqueueBatchLimits: CoalescerOptions = {
  /** Jobs per round trip: more than a burst of submissions brings at once. */
  maxBatch: 64,
  /** One batch in flight: Redis runs commands one at a time, so a second would mostly wait behind the first there. */
  concurrency: 1,
  /** The runs whose checks were answered together are enqueued in one turn: one batch, not the first alone and then the others. */
  gatherTurn: true,
};

/** A run to enqueue, with its place when the caller knows it already, and then its spec as stored. */
interface Enqueued {
  readonly runId: string;
  readonly place: RunPlace | undefined;
  readonly spec: unknown;
}

/**
 * Enqueues runs as the API submits them: a run enqueued while an earlier batch is in flight
 * goes with the others in the next one, in one round trip; the runs enqueued in one turn of the
 * event loop go together, when it ends (a lone run then goes at once). A run given
 * without its place gets it from `priorities`.
 *
 * A batch's jobs are added one by one in the same turn of the event loop, and its connection
 * sends the commands of one turn in one write (src/queue/connection.ts), as a pipeline would.
 * `addBulk`'s pipeline cost more: ioredis copies every script defined on the connection into
 * each pipeline it makes, BullMQ's dozens on the API's connection, and a pipeline's failure
 * failed every run of its batch; a job the queue refuses now fails its own run only.
 */
export function createRunEnqueuer(queue: RunsQueue, priorities: RunPriorities = inArrivalOrder) {
  const batches = new Coalescer<Enqueued, void>(async (runs) => {
    const unranked = runs.filter((run) => run.place === undefined).map((run) => run.runId);
    const places = unranked.length > 0 ? await priorities(unranked) : new Map<string, RunPlace>();
    const jobs = runs.map(({ runId, place, spec }) => (place ? runJob(runId, place, spec) : runJob(runId, places.get(runId))));
    return Promise.all(jobs.map(({ name, data, opts }) => queue.add(name, data, opts).then(
      () => ({ value: undefined }),
      (error: unknown) => ({ error }),
    )));
  }, enqueueBatchLimits);
  return {
    /**
     * Enqueues the run's job at `place` (its priority, its place in its tenant's backlog, and its
     * tenant), or the one `priorities` gives it. With `place`, `spec` (the run's spec as stored)
     * goes in the job too, when small.
     */
    enqueue(runId: string, place?: RunPlace, spec?: unknown): Promise<void> {
      return batches.submit({ runId, place, spec });
    },
  };
}

export type RunEnqueuer = ReturnType<typeof createRunEnqueuer>;
