/**
 * The `runs` queue. A job's id is its run's id, so enqueueing the same run twice (a retried
 * POST, a re-delivered message) yields one job.
 */
import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Redis } from './connection.ts';

export const runsQueueName = 'runs';
export const runJobName = 'run';

export const runJobDataSchema = z.object({ runId: z.uuid() });
export type RunJobData = z.infer<typeof runJobDataSchema>;

export type RunsQueue = Queue<RunJobData, void, typeof runJobName>;

export function createRunsQueue(connection: Redis, prefix: string): RunsQueue {
  return new Queue<RunJobData, void, typeof runJobName>(runsQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      // A crashed worker's job is retried; the processor resumes the run from its checkpoint.
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export async function enqueueRun(queue: RunsQueue, runId: string): Promise<void> {
  await queue.add(runJobName, { runId }, { jobId: runId });
}
