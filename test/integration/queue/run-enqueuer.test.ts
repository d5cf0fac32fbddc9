import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunEnqueuer, runJobName, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { openTestServices, type TestServices } from '../support/services.ts';

describe('run enqueuer (concurrent runs share a round trip to Redis)', () => {
  let services: TestServices;
  /** The sizes of the bulks the queue was given. */
  const bulks: number[] = [];

  beforeAll(async () => {
    services = await openTestServices();
    const queue: RunsQueue = services.runsQueue;
    const addBulk = queue.addBulk.bind(queue);
    queue.addBulk = (jobs) => {
      bulks.push(jobs.length);
      return addBulk(jobs);
    };
  });
  afterAll(() => services.close());

  it('adds concurrent runs in shared bulks, each as a job whose id is the run id, with the queue’s default options', async () => {
    const enqueuer = createRunEnqueuer(services.runsQueue);
    const runIds = Array.from({ length: 40 }, () => randomUUID());
    bulks.length = 0;

    await Promise.all(runIds.map((runId) => enqueuer.enqueue(runId)));

    // Made in one tick: the first goes out alone (one bulk in flight at most), the other 39 together.
    expect(bulks).toEqual([1, 39]);
    const defaults = services.runsQueue.defaultJobOptions;
    expect(defaults).toMatchObject({ attempts: 3, backoff: { type: 'exponential' } });
    for (const runId of runIds) {
      const job = await services.runsQueue.getJob(runId);
      expect(job).toMatchObject({ id: runId, name: runJobName, data: { runId } });
      expect(job!.opts).toMatchObject({ ...defaults, jobId: runId });
    }
    expect(await services.runsQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(40);
    // The same options as a job added alone.
    const single = randomUUID();
    await services.runsQueue.add(runJobName, { runId: single }, { jobId: single, priority: 1 });
    const { opts: singleOpts } = (await services.runsQueue.getJob(single))!;
    expect((await services.runsQueue.getJob(runIds[7]!))!.opts).toEqual({ ...singleOpts, jobId: runIds[7] });

    // Enqueued again (a replayed submission): still one job per run.
    await Promise.all(runIds.slice(0, 10).map((runId) => enqueuer.enqueue(runId)));
    expect(await services.runsQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(41);
  });

  it('fails every run of a bulk the queue refuses, and none of the others', async () => {
    const enqueuer = createRunEnqueuer(services.runsQueue);
    const [alone, before, after] = [randomUUID(), randomUUID(), randomUUID()];
    bulks.length = 0;

    // BullMQ refuses a job id that is an integer, and with it the whole bulk.
    const settled = await Promise.allSettled([alone, before, '42', after].map((runId) => enqueuer.enqueue(runId)));

    expect(bulks).toEqual([1, 3]);
    expect(settled.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(await services.runsQueue.getJob(alone)).toBeDefined();
    expect(await services.runsQueue.getJob(before)).toBeUndefined();
    expect(await services.runsQueue.getJob(after)).toBeUndefined();
  });
});
