/**
 * The `sweeps` queue: wake-ups of sweep coordinators. A job only names its sweep; the round it
 * triggers reads everything from PostgreSQL under the sweep's row lock (src/db/sweep-coordination.ts),
 * so wake-ups can be repeated freely and a lost one is repaired by the next (or by the periodic
 * check each round schedules, or, with no check left to come, by the sweep reconciler:
 * src/worker/sweep-reconciler.ts). Job ids say why the sweep woke: a job id is kept while its job
 * waits, so the same cause never queues twice.
 */
import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Redis } from './connection.ts';

export const sweepsQueueName = 'sweeps';
export const sweepJobName = 'coordinate';

export const sweepJobDataSchema = z.object({ sweepId: z.uuid() });
export type SweepJobData = z.infer<typeof sweepJobDataSchema>;

export type SweepsQueue = Queue<SweepJobData, void, typeof sweepJobName>;

/** How often a running sweep is looked at even when nothing wakes it (a crash between a trial's end and its wake-up). */
export const sweepCheckMs = 30_000;

export function createSweepsQueue(connection: Redis, prefix: string): SweepsQueue {
  const queue = new Queue<SweepJobData, void, typeof sweepJobName>(sweepsQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    },
  });
  // As the runs queue's (see runs-queue.ts): Redis errors are the connection's to report.
  queue.on('error', () => undefined);
  return queue;
}

/** Wakes the sweep's coordinator now; `cause` (a run id, "created", …) keeps distinct causes distinct. */
export async function wakeSweep(queue: SweepsQueue, sweepId: string, cause: string): Promise<void> {
  await queue.add(sweepJobName, { sweepId }, { jobId: `${sweepId}-${cause}` });
}

/** Wakes it at `at` (ms since the epoch): the periodic check and the time limit. */
export async function wakeSweepAt(queue: SweepsQueue, sweepId: string, cause: string, at: number, now: number): Promise<void> {
  await queue.add(sweepJobName, { sweepId }, { jobId: `${sweepId}-${cause}`, delay: Math.max(0, at - now) });
}
