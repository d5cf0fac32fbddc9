/**
 * The reconciler brings the database and the queue back into agreement: a queued run whose job
 * is gone is enqueued again and completes; a run whose job failed (its workers died more often
 * than WORKER_MAX_STALLED_COUNT) is marked failed with the cause, and a sweep's trial so failed
 * wakes its sweep and is told on its channel; and a running run that no worker drives is
 * cancelled at once.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createStrandedRuns } from '../../../src/db/stranded-runs.ts';
import { isDatabaseUnavailable } from '../../../src/db/database-unavailable.ts';
import { createTenantBacklog } from '../../../src/db/tenant-backlog.ts';
import { createReconciler, type Reconciler } from '../../../src/worker/reconciler.ts';
import { getRun, isFinal, postRun, startTestWorker, useTestApi, waitForRun } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { listenTo } from '../support/channel-listener.ts';
import { sweepChannel, type SweepEvent } from '../../../src/queue/sweep-events.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';
import { dropScheduledWakeUps, quadraticBase, useTestSweepCoordinator, waitForSweep } from '../sweeps/support.ts';

const shortSpec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 0.1 },
  training: { maxSteps: 50 },
};

const longSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 1e8 },
  record: { every: 1 },
};

describe('the reconciler', () => {
  const api = useTestApi();
  // A sweeps worker takes the wake-ups of the sweeps of the trials it fails.
  const sweeping = useTestSweepCoordinator(api, { worker: true });
  let pool: Pool;
  let reconciler: Reconciler;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    pool = createPool(api.services.config.databaseUrl, 2);
    reconciler = reconcilerOf();
  });

  /** A reconciler of the test's runs; `batchLimit` given, it looks at that many per pass. */
  const reconcilerOf = (batchLimit?: number) => createReconciler({
    strandedRuns: createStrandedRuns(pool),
    runsQueue: api.services.runsQueue,
    sweepsQueue: sweeping.sweepsQueue,
    priorities: createTenantBacklog(pool).ranks,
    redis: api.services.redis,
    queuePrefix: api.services.config.queuePrefix,
    staleAfterMs: 1_000,
    // No lock left between the test's own reconciliations.
    intervalMs: 1,
    logger: createLogger('silent'),
    ...(batchLimit === undefined ? {} : { batchLimit }),
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await pool.end();
  });

  it('enqueues again a queued run whose job is gone, and it completes', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id as string;
    await api.services.runsQueue.remove(id);
    expect(await api.services.runsQueue.getJobState(id)).toBe('unknown');

    const reconciled = await reconciler.reconcile();
    expect(reconciled.requeued).toContain(id);
    const worker = await startTestWorker(api.services);
    try {
      expect(await waitForRun(api.app, api.authorization, id, isFinal)).toMatchObject({ status: 'completed', result: { steps: 50 } });
    } finally {
      await worker.close();
    }
  });

  it('looks at every candidate over its passes, a batch after the other, not at the same first batch each time', async () => {
    const paged = reconcilerOf(2);
    // Three queued runs with their jobs and a fourth whose job is gone, all written by one statement
    // (one updated_at: the batches go on by id within it); no worker takes any.
    const queued: string[] = [];
    for (let i = 0; i < 4; i++) queued.push((await postRun(api.app, api.authorization, shortSpec)).json().id as string);
    const lost = queued.at(-1)!;
    try {
      await pool.query(`UPDATE runs SET updated_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [queued]);
      await api.services.runsQueue.remove(lost);

      const requeued: string[] = [];
      for (let pass = 0; pass < 10 && !requeued.includes(lost); pass++) {
        // Each pass its own: no lock left by the one before.
        await api.services.redis.del(`${api.services.config.queuePrefix}:reconciler:lock`);
        const reconciled = await paged.reconcile();
        expect(reconciled.ran).toBe(true);
        requeued.push(...reconciled.requeued);
      }
      expect(requeued).toEqual([lost]);
      expect(await api.services.runsQueue.getJobState(lost)).not.toBe('unknown');
    } finally {
      for (const id of queued) await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } });
      await api.services.redis.del(`${api.services.config.queuePrefix}:reconciler:cursor`);
    }
  });

  it('goes on past a run whose repair fails with an error of its own, and moves its position on', async () => {
    const paged = reconcilerOf(2);
    // The first run's failed job is held in a form that no longer parses; the second's job is gone.
    const [corrupt, lost] = [(await postRun(api.app, api.authorization, shortSpec)).json().id as string, (await postRun(api.app, api.authorization, shortSpec)).json().id as string];
    const prefix = `${api.services.config.queuePrefix}:runs`;
    const cursor = `${api.services.config.queuePrefix}:reconciler:cursor`;
    try {
      await pool.query(`UPDATE runs SET updated_at = now() - interval '2 hours' WHERE id = $1`, [corrupt]);
      await pool.query(`UPDATE runs SET updated_at = now() - interval '1 hour' WHERE id = $1`, [lost]);
      await api.services.redis.del(cursor);
      await api.services.redis.multi().zrem(`${prefix}:prioritized`, corrupt).zadd(`${prefix}:failed`, Date.now(), corrupt)
        .hset(`${prefix}:${corrupt}`, 'data', '{not json').exec();
      await api.services.runsQueue.remove(lost);

      const reconciled = await paged.reconcile();
      expect(reconciled).toMatchObject({ ran: true, skipped: [corrupt], requeued: [lost] });
      expect(await api.services.runsQueue.getJobState(lost)).not.toBe('unknown');
      // Its batch was full: the next pass begins after it, not at the run that cannot be repaired.
      expect(await api.services.redis.get(cursor)).toMatch(new RegExp(` ${lost}$`));
    } finally {
      await api.services.redis.multi().zrem(`${prefix}:failed`, corrupt).del(`${prefix}:${corrupt}`).del(cursor).exec();
      for (const id of [corrupt, lost]) await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } });
    }
  });

  it('ends its pass, moving nothing on, when PostgreSQL takes no writes (a read-only standby after a failover): an outage, not each run\'s own error', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id as string;
    const prefix = `${api.services.config.queuePrefix}:runs`;
    const cursor = `${api.services.config.queuePrefix}:reconciler:cursor`;
    // Its job failed for good: the pass would end the run failed.
    await api.services.redis.multi().zrem(`${prefix}:prioritized`, id).zadd(`${prefix}:failed`, Date.now(), id)
      .hset(`${prefix}:${id}`, 'failedReason', 'attempts spent').exec();
    // The first candidate of a pass: written before any other.
    await pool.query(`UPDATE runs SET updated_at = '2000-01-01' WHERE id = $1`, [id]);
    const readOnly = createPool(api.services.config.databaseUrl, 2);
    // Its connections' transactions are read-only, as a standby's are (the first statement a connection runs).
    readOnly.on('connect', (client) => void client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY'));
    try {
      await api.services.redis.del(cursor);
      const standby = createReconciler({
        strandedRuns: createStrandedRuns(readOnly), runsQueue: api.services.runsQueue, sweepsQueue: sweeping.sweepsQueue, priorities: createTenantBacklog(readOnly).ranks,
        redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, staleAfterMs: 1_000, intervalMs: 1, logger: createLogger('silent'), batchLimit: 1,
      });
      const error = await standby.reconcile().then(() => null, (failure: unknown) => failure);
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(await api.services.redis.get(cursor)).toBeNull();
      expect((await getRun(api.app, api.authorization, id)).status).toBe('queued');
      // Once PostgreSQL takes writes again, the next pass ends it.
      for (let pass = 0; pass < 10 && (await getRun(api.app, api.authorization, id)).status === 'queued'; pass++) await reconciler.reconcile();
      expect(await getRun(api.app, api.authorization, id)).toMatchObject({ status: 'failed', result: { message: expect.stringContaining('attempts spent') } });
    } finally {
      await readOnly.end();
      await api.services.redis.multi().zrem(`${prefix}:failed`, id).del(`${prefix}:${id}`).del(cursor).exec();
    }
  });

  it('wakes the sweep of a trial whose job failed as it fails the trial: the sweep ends then, not at its periodic check', async () => {
    const created = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, sampler: { type: 'random', seed: 1 }, budget: { maxTrials: 1 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const sweepId = created.json().id as string;
    const trialOf = async () => (await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1', [sweepId])).rows[0]?.id;
    const id = (await eventually(trialOf, (trial) => trial !== undefined, { timeoutMs: 30_000, intervalMs: 50 }))!;
    expect(await eventually(() => api.services.runsQueue.getJobState(id), (state) => state === 'prioritized')).toBe('prioritized');
    // Only the trial's end wakes the sweep from now on.
    await dropScheduledWakeUps(sweeping.sweepsQueue, sweepId);
    const prefix = `${api.services.config.queuePrefix}:runs`;
    // Its job failed for good.
    await api.services.redis.multi().zrem(`${prefix}:prioritized`, id).zadd(`${prefix}:failed`, Date.now(), id)
      .hset(`${prefix}:${id}`, 'failedReason', 'attempts spent').exec();
    const events = await listenTo(api.services.config.redisUrl, sweepChannel(sweepId));
    try {
      for (let pass = 0; pass < 10 && (await getRun(api.app, api.authorization, id)).status === 'queued'; pass++) await reconciler.reconcile();
      expect((await getRun(api.app, api.authorization, id)).status).toBe('failed');
      expect(await waitForSweep(api.app, api.authorization, sweepId, 30_000)).toMatchObject({
        status: 'failed', result: { reason: 'too_many_failures', message: expect.stringContaining('attempts spent') },
      });
      // Its end is told on the sweep's channel, as a worker tells the end of a trial it ran.
      expect((await events.heard()).filter((event) => (event as SweepEvent).type === 'trial')).toEqual([{ type: 'trial', sweepId, runId: id, trialNumber: 0, status: 'failed' }]);
    } finally {
      await events.close();
      await api.services.redis.multi().zrem(`${prefix}:failed`, id).del(`${prefix}:${id}`).exec();
    }
  });

  it('cancels at once a running run that no worker drives, instead of raising a flag nobody reads', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id as string;
    await api.services.runsQueue.remove(id);
    await pool.query(`UPDATE runs SET status = 'running', started_at = now() WHERE id = $1`, [id]);

    const response = await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'cancelled', result: { stopReason: 'cancelled', steps: 0 } });
  });

  it('marks failed, with the cause, a run whose worker was killed four times (WORKER_MAX_STALLED_COUNT is 3)', async () => {
    const env = { RECONCILE_INTERVAL_MS: '500' };
    const id = (await postRun(api.app, api.authorization, longSpec)).json().id as string;
    // Read from the database: polling through the API would spend the key's rate limit.
    const stepAt = async () => (await pool.query<{ step: number | null }>(`SELECT (progress->>'step')::int AS step FROM runs WHERE id = $1`, [id])).rows[0]!.step ?? 0;
    // Each worker is killed once it has stored progress past the previous one's.
    let reached = 0;
    for (let kill = 0; kill < 4; kill++) {
      const child = spawnWorkerProcess(api.services, env);
      children.push(child);
      reached = await eventually(stepAt, (step) => step > reached, { timeoutMs: 60_000 });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(reached).toBeGreaterThan(0);
    // The next worker finds the job stalled once too often: BullMQ fails it, and the reconciler the run.
    children.push(spawnWorkerProcess(api.services, env));
    const statusOf = async () => (await pool.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [id])).rows[0]!.status;
    await eventually(statusOf, (status) => !['queued', 'running'].includes(status), { timeoutMs: 60_000, intervalMs: 200 });
    const view = await getRun(api.app, api.authorization, id);
    expect(view.status).toBe('failed');
    expect(view.result).toMatchObject({ stopReason: 'error' });
    expect(view.result!.message).toMatch(/job failed.*stalled/);
    expect(view.result!.steps).toBeGreaterThan(0);
  }, 120_000);
});
