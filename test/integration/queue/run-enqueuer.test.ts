import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunEnqueuer, runJobName } from '../../../src/queue/runs-queue.ts';
import { openTestServices, type TestServices } from '../support/services.ts';
import { countWrites } from '../support/socket-writes.ts';

describe('run enqueuer (concurrent runs share a round trip to Redis)', () => {
  let services: TestServices;

  beforeAll(async () => {
    services = await openTestServices();
    // The queue's scripts loaded, so that none is sent again on its first use below.
    await createRunEnqueuer(services.runsQueue).enqueue(randomUUID());
  });
  afterAll(() => services.close());

  it('adds concurrent runs in shared writes, each as a job whose id is the run id, with the queue’s default options', async () => {
    const enqueuer = createRunEnqueuer(services.runsQueue);
    const runIds = Array.from({ length: 40 }, () => randomUUID());
    const waiting = await services.runsQueue.getJobCountByTypes('waiting', 'prioritized');
    const writes = countWrites(services.redis);

    await Promise.all(runIds.map((runId) => enqueuer.enqueue(runId)));

    // Made in one turn: all in one write.
    expect(writes.count()).toBe(1);
    const defaults = services.runsQueue.defaultJobOptions;
    expect(defaults).toMatchObject({ attempts: 3, backoff: { type: 'exponential' } });
    for (const runId of runIds) {
      const job = await services.runsQueue.getJob(runId);
      expect(job).toMatchObject({ id: runId, name: runJobName, data: { runId } });
      expect(job!.opts).toMatchObject({ ...defaults, jobId: runId });
    }
    expect(await services.runsQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(waiting + 40);
    // The same options as a job added alone.
    const single = randomUUID();
    await services.runsQueue.add(runJobName, { runId: single }, { jobId: single, priority: 1 });
    const { opts: singleOpts } = (await services.runsQueue.getJob(single))!;
    expect((await services.runsQueue.getJob(runIds[7]!))!.opts).toEqual({ ...singleOpts, jobId: runIds[7] });

    // Enqueued again (a replayed submission): still one job per run.
    await Promise.all(runIds.slice(0, 10).map((runId) => enqueuer.enqueue(runId)));
    expect(await services.runsQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(waiting + 41);
  });

  it('fails the run whose job the queue refuses, and none of the others of its batch', async () => {
    const enqueuer = createRunEnqueuer(services.runsQueue);
    const [alone, before, after] = [randomUUID(), randomUUID(), randomUUID()];

    // BullMQ refuses a job id that is an integer.
    const settled = await Promise.allSettled([alone, before, '42', after].map((runId) => enqueuer.enqueue(runId)));

    expect(settled.map(({ status }) => status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    for (const runId of [alone, before, after]) expect(await services.runsQueue.getJob(runId)).toBeDefined();
  });
});
