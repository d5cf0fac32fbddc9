/**
 * A queued trial cancelled (by a client's cancel of it, by a client's cancel of its sweep, by its
 * sweep's own stop) is told ended once on its sweep's channel, whoever holds its job: the cancel
 * tells it when it removed the job, and the worker that holds the job (it took it before the
 * cancel committed, and has not written its first slice) finds the run ended and tells it itself.
 * Before, the cancel told it whatever became of the job: a job left in the queue, or held, was
 * told again by the worker that went on with it.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { addRunJobs, runsQueueName } from '../../../src/queue/runs-queue.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { heardDuring } from '../support/channel-listener.ts';
import { eventually } from '../../support/eventually.ts';
import { quadraticBase, queueTrials, startTestSweepWorker, useTestSweepCoordinator } from './support.ts';

describe("a queued trial's cancel, told once", () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api);
  const headers = () => ({ authorization: api.authorization });
  const jobStates = (runIds: readonly string[]) => Promise.all(runIds.map((runId) => api.services.runsQueue.getJobState(runId)));

  /** The trial events heard on the sweep's channel while `work` runs. */
  const trialEventsDuring = (sweepId: string, work: () => Promise<void>) => heardDuring(api.services.config.redisUrl, sweepChannel(sweepId), 'trial', work);
  /**
   * The trial events heard, by trial number: a sweep's trials are told concurrently, in no order
   * the service promises (the order of the rows a statement returned), each once.
   */
  const byTrialNumber = (heard: readonly unknown[]) => [...heard].sort((a, b) => (a as { trialNumber: number }).trialNumber - (b as { trialNumber: number }).trialNumber);

  it("a client's cancel of the sweep removes its queued trials' jobs: a runs worker started after it tells none of them again", async () => {
    const { id, trials } = await queueTrials(api, sweeping, { maxTrials: 8 }, { parallelism: 2 });
    const heard = await trialEventsDuring(id, async () => {
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(await jobStates(trials)).toEqual(['unknown', 'unknown']);
      const worker = await startTestSweepWorker(api.services);
      try {
        // Nothing left for it: had a job stayed, it would take it, find its run ended and tell it.
        await eventually(() => jobStates(trials), (states) => states.every((state) => state === 'unknown'), { timeoutMs: 30_000, intervalMs: 50 });
      } finally {
        await worker.close();
      }
    });
    expect(byTrialNumber(heard)).toEqual(trials.map((runId, trialNumber) => ({ type: 'trial', sweepId: id, runId, trialNumber, status: 'cancelled' })));
  });

  /**
   * A worker takes the first trial's job (active, locked: BullMQ will not remove it), and the run
   * is still queued (its first slice not written); `cancel` cancels it; then the worker goes on
   * with its delivery, as its run processor does.
   */
  async function cancelledWhileHeld(cancel: (sweepId: string, runId: string) => Promise<void>) {
    const { id, trials: [first] } = await queueTrials(api, sweeping, { maxTrials: 8, timeLimitSeconds: 3600 }, { parallelism: 1 });
    const connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    const worker = new Worker(runsQueueName, null, { connection, prefix: api.services.config.queuePrefix, autorun: false });
    try {
      const heard = await trialEventsDuring(id, async () => {
        const job = await worker.getNextJob(randomUUID(), { block: false });
        expect(job?.id).toBe(first);
        await cancel(id, first);
        expect(await api.services.runsQueue.getJobState(first)).toBe('active');
        const processor = createRunProcessor({
          database: api.services.database, pool: sweeping.pool, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix, sweepsQueue: sweeping.sweepsQueue,
        });
        await processor(job!);
      });
      expect(heard).toEqual([{ type: 'trial', sweepId: id, runId: first, trialNumber: 0, status: 'cancelled' }]);
      const { rows: [trial] } = await sweeping.pool.query('SELECT status FROM runs WHERE id = $1', [first]);
      expect(trial).toEqual({ status: 'cancelled' });
    } finally {
      await worker.close(true);
      await closeRedis(connection);
      await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
    }
  }

  it("a client's cancel of a queued trial whose job a worker holds leaves its end to that worker", async () => {
    await cancelledWhileHeld(async (_, runId) => {
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: headers() });
      expect(cancel.json()).toMatchObject({ status: 'cancelled' });
    });
  });

  it("a client's cancel of the sweep leaves the end of a queued trial whose job a worker holds to that worker", async () => {
    await cancelledWhileHeld(async (sweepId) => {
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel`, headers: headers() });
      expect(cancel.statusCode, cancel.body).toBe(200);
    });
  });

  it("the sweep's own stop (its time limit) leaves the end of a queued trial whose job a worker holds to that worker", async () => {
    await cancelledWhileHeld(async (sweepId) => {
      await sweeping.pool.query("UPDATE sweeps SET started_at = now() - interval '2 hours' WHERE id = $1", [sweepId]);
      await sweeping.coordinator.wake(sweepId);
    });
  });

  /**
   * A client's cancel of the sweep while a round sits between committing its new trials and
   * adding their jobs: the cancel's removals find no job (BullMQ answers a removal of a missing
   * job as done) and tell the trials' ends; the round then adds the jobs. Before, a worker took
   * each, found the run ended and told it again, and the jobs woke the ended sweep.
   */
  it("a cancel between a round's commit and the jobs of its trials: each trial told ended once, and no job left", async () => {
    let entered = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runsQueue = api.services.runsQueue;
    // The round's runs queue, held at the jobs' addition until the cancel answered.
    const held = new Proxy(runsQueue, {
      get(target, property) {
        if (property === 'addBulk') {
          return async (...args: Parameters<typeof runsQueue.addBulk>) => {
            entered = true;
            await gate;
            return target.addBulk(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const coordinator = createSweepProcessor({ pool: sweeping.pool, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix, runsQueue: held, sweepsQueue: sweeping.sweepsQueue });
    const created = await api.app.inject({ method: 'POST', url: '/v1/sweeps', headers: headers(), payload: {
      base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, metric: { name: 'finalLoss' },
      sampler: { type: 'random', seed: 1 }, budget: { maxTrials: 8 }, parallelism: 2,
    } });
    const id = created.json().id as string;
    const connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    const worker = new Worker(runsQueueName, null, { connection, prefix: api.services.config.queuePrefix, autorun: false });
    try {
      let trials: string[] = [];
      const heard = await trialEventsDuring(id, async () => {
        const woken = coordinator.wake(id);
        await eventually(() => entered, (came) => came, { timeoutMs: 30_000, intervalMs: 20 });
        const { rows } = await sweeping.pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [id]);
        trials = rows.map((row) => row.id);
        expect(trials).toHaveLength(2);
        const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
        expect(cancel.statusCode, cancel.body).toBe(200);
        release();
        await woken;
        expect(await jobStates(trials)).toEqual(['unknown', 'unknown']);
        // A worker finds nothing to take; had a job stayed, it would tell its trial's end again.
        const processor = createRunProcessor({ database: api.services.database, pool: sweeping.pool, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix, sweepsQueue: sweeping.sweepsQueue });
        for (let job = await worker.getNextJob(randomUUID(), { block: false }); job; job = await worker.getNextJob(randomUUID(), { block: false })) await processor(job);
      });
      expect(byTrialNumber(heard)).toEqual(trials.map((runId, trialNumber) => ({ type: 'trial', sweepId: id, runId, trialNumber, status: 'cancelled' })));
    } finally {
      release();
      await worker.close(true);
      await closeRedis(connection);
      await coordinator.close();
    }
  });

  /**
   * The same trial's end come to be told again (a worker that takes a job of a trial whose end a
   * cancel told: one added after the cancel's removal): the worker finds it ended and tells nothing.
   */
  it("a worker that takes the job of a trial whose end was told tells it no more", async () => {
    const { id, trials: [first] } = await queueTrials(api, sweeping, { maxTrials: 8 }, { parallelism: 1 });
    const connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    const worker = new Worker(runsQueueName, null, { connection, prefix: api.services.config.queuePrefix, autorun: false });
    try {
      const heard = await trialEventsDuring(id, async () => {
        const cancel = await api.app.inject({ method: 'POST', url: `/v1/runs/${first}/cancel`, headers: headers() });
        expect(cancel.json()).toMatchObject({ status: 'cancelled' });
        // Its job again, as a round that added it after the cancel's removal would have.
        await addRunJobs(api.services.runsQueue, [first]);
        const processor = createRunProcessor({ database: api.services.database, pool: sweeping.pool, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix, sweepsQueue: sweeping.sweepsQueue });
        const taken: string[] = [];
        for (let job = await worker.getNextJob(randomUUID(), { block: false }); job; job = await worker.getNextJob(randomUUID(), { block: false })) {
          taken.push(job.id!);
          await processor(job);
        }
        expect(taken).toContain(first);
      });
      expect(heard).toEqual([{ type: 'trial', sweepId: id, runId: first, trialNumber: 0, status: 'cancelled' }]);
    } finally {
      await worker.close(true);
      await closeRedis(connection);
      await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
    }
  });
});
