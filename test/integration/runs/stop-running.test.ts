/**
 * stopRunning, which a client's cancel of a running run and a stopping sweep share: a running run
 * whose job no worker holds is ended at once, its job removed; one whose job a worker holds is
 * left to that worker, told to stop by its flag. The job's removal decides which, in one step with
 * any worker's take of it: a worker that takes the job before the removal keeps its run, whatever
 * it wrote meanwhile, and none can take a removed one.
 */
import { FlowProducer } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createStrandedRuns } from '../../../src/db/stranded-runs.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { cancelFlagKey, stopRunning, type RunStopping } from '../../../src/queue/run-cancellation.ts';
import { runChannel } from '../../../src/queue/run-events.ts';
import { createRunsQueue, runJobName, runsQueueName, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { eventually } from '../../support/eventually.ts';
import { listenTo } from '../support/channel-listener.ts';
import { relayTo } from '../support/tcp-proxy.ts';
import { useTestJobHolder, useTestPool } from '../sweeps/support.ts';
import { postRun, startTestWorker, useTestApi } from './support.ts';

const longSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 }, training: { maxSteps: 1e8 }, record: { every: 1000 },
};

const message = 'Cancelled while no worker was running it.';

describe('stopRunning', () => {
  const api = useTestApi();
  const jobs = useTestJobHolder(api);
  const db = useTestPool(api);

  const stopping = (runsQueue: RunsQueue = api.services.runsQueue): RunStopping => ({
    redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue, strandedRuns: createStrandedRuns(db.pool),
  });
  /** The queue, but with `before` done as its removal of a job is about to go to Redis. */
  const removingAfter = (before: (runId: string) => Promise<void>): RunsQueue => new Proxy(api.services.runsQueue, {
    get(target, key) {
      if (key === 'remove') return async (runId: string) => (await before(runId), target.remove(runId));
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const cancelFlag = (runId: string) => api.services.redis.get(cancelFlagKey(api.services.config.queuePrefix, runId));
  const runOf = async (runId: string) => (await db.pool.query('SELECT status, result FROM runs WHERE id = $1', [runId])).rows[0];
  /** A run a worker had begun and let go of since (a graceful shutdown, a killed worker): running, its job back in the queue. */
  async function strandedRun(): Promise<string> {
    const created = await postRun(api.app, api.authorization, longSpec);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await db.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [id]);
    return id;
  }

  it('leaves to its worker a run whose job a worker takes as the stop comes, its first slice committed: the removal is refused, the flag raised, and the run completes as its last slice lands', async () => {
    const id = await strandedRun();
    const events = await listenTo(api.services.config.redisUrl, runChannel(id));
    try {
      const runsQueue = removingAfter(async (runId) => {
        await jobs.take(runId);
        await db.pool.query('UPDATE runs SET updated_at = now() WHERE id = $1', [runId]);
      });
      expect(await stopRunning(stopping(runsQueue), id, message)).toBeNull();
      expect(await runOf(id)).toMatchObject({ status: 'running', result: null });
      expect(await api.services.runsQueue.getJobState(id)).toBe('active');
      expect(await cancelFlag(id)).toBe('1');
      // Its last slice lands before its worker reads the flag (the slice's write needs only status = 'running').
      const landed = await db.pool.query(
        `UPDATE runs SET status = 'completed', finished_at = now(), result = '{"stopReason":"max_steps","finalLoss":0.25,"steps":100}' WHERE id = $1 AND status = 'running'`, [id],
      );
      expect(landed.rowCount).toBe(1);
      // The stop told nobody the run ended.
      expect(await events.heard()).toEqual([]);
    } finally {
      await events.close();
    }
  });

  it('a worker that takes the job as the stop comes, and drives the run, stops it on the flag: the run is cancelled once, by that worker', async () => {
    const created = await postRun(api.app, api.authorization, longSpec);
    const id = created.json().id as string;
    const events = await listenTo(api.services.config.redisUrl, runChannel(id));
    let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
    try {
      const runsQueue = removingAfter(async (runId) => {
        worker = await startTestWorker(api.services);
        await eventually(async () => (await db.pool.query('SELECT count(*)::int AS n FROM checkpoints WHERE run_id = $1', [runId])).rows[0].n, (n) => n > 0, { timeoutMs: 30_000, intervalMs: 50 });
      });
      expect(await stopRunning(stopping(runsQueue), id, message)).toBeNull();
      const ended = await eventually(() => runOf(id), (run) => run.status !== 'running', { timeoutMs: 30_000, intervalMs: 50 });
      expect(ended).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled' } });
      expect(ended.result.message).not.toBe(message);
      // The worker has let its job go once it told the run's end.
      await eventually(() => api.services.runsQueue.getJobState(id), (state) => state !== 'active', { timeoutMs: 30_000, intervalMs: 50 });
      const statuses = (await events.heard()).filter((event) => (event as { type: string }).type === 'status').map((event) => (event as { status: string }).status);
      expect(statuses).toEqual(['running', 'cancelled']);
    } finally {
      await worker?.close();
      await events.close();
    }
  }, 60_000);

  describe('ends at once a running run whose job no worker holds, removing its job, whatever state the job is in', () => {
    const prefix = () => `${api.services.config.queuePrefix}:${runsQueueName}`;
    const states: Record<string, (runId: string) => Promise<unknown>> = {
      // As submitted.
      prioritized: async () => undefined,
      // Added without a priority (an earlier release).
      waiting: async (runId) => {
        await api.services.runsQueue.remove(runId);
        await api.services.runsQueue.add(runJobName, { runId }, { jobId: runId });
      },
      // Its worker's retry waits its backoff.
      delayed: async (runId) => {
        await api.services.runsQueue.remove(runId);
        await api.services.runsQueue.add(runJobName, { runId }, { jobId: runId, delay: 3_600_000 });
      },
      'waiting-children': async (runId) => {
        await api.services.runsQueue.remove(runId);
        const flows = new FlowProducer({ connection: api.services.redis, prefix: api.services.config.queuePrefix });
        try {
          await flows.add({ name: runJobName, queueName: runsQueueName, data: { runId }, opts: { jobId: runId }, children: [{ name: 'child', queueName: 'stop-running-children', data: {} }] });
        } finally {
          await flows.close();
        }
      },
      // Its attempts spent (the reconciler fails its run at its next pass).
      failed: async (runId) => {
        await api.services.redis.multi().zrem(`${prefix()}:prioritized`, runId).zadd(`${prefix()}:failed`, Date.now(), runId).exec();
      },
      unknown: (runId) => api.services.runsQueue.remove(runId),
    };
    for (const [state, put] of Object.entries(states)) {
      it(state, async () => {
        const id = await strandedRun();
        await put(id);
        expect(await api.services.runsQueue.getJobState(id)).toBe(state);
        const events = await listenTo(api.services.config.redisUrl, runChannel(id));
        try {
          const result = await stopRunning(stopping(), id, message);
          expect(result).toMatchObject({ stopReason: 'cancelled', message, steps: 0 });
          expect(await runOf(id)).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled', message } });
          expect(await api.services.runsQueue.getJobState(id)).toBe('unknown');
          await expect(jobs.take(id)).rejects.toThrow('is not in the queue');
          expect(await cancelFlag(id)).toBeNull();
          expect(await events.heard()).toEqual([{ type: 'status', runId: id, status: 'cancelled', result }]);
        } finally {
          await events.close();
        }
      });
    }
  });

  it('while Redis is unreachable, rejects with nothing ended or flagged: the job may be held by a worker, for all it knows', async () => {
    const id = await strandedRun();
    const relay = await relayTo(api.services.config.redisUrl);
    const connection = createRedis(relay.url, 'fail-fast');
    const runsQueue = createRunsQueue(connection, api.services.config.queuePrefix);
    try {
      await relay.proxy.stop();
      await expect(stopRunning({ ...stopping(runsQueue), redis: connection }, id, message)).rejects.toThrow();
      expect(await runOf(id)).toMatchObject({ status: 'running', result: null });
      expect(await api.services.runsQueue.getJobState(id)).toBe('prioritized');
      expect(await cancelFlag(id)).toBeNull();
    } finally {
      await runsQueue.close().catch(() => undefined);
      await closeRedis(connection);
      await relay.proxy.close();
    }
  });
});
