/**
 * The sweep reconciler: a sweep left without any job that would wake it (its wake-up lost with
 * Redis) is woken and completes; a sweep whose every round fails is woken until its rounds have
 * failed the bound, then ends failed with the last error, its queued trials cancelled and its
 * running ones stopped (at once, one whose job no worker holds), each trial's end told.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createStrandedSweeps } from '../../../src/db/stranded-sweeps.ts';
import { createStrandedRuns } from '../../../src/db/stranded-runs.ts';
import { createSweepsQueue, type SweepJobData, type SweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { startSweepWorker } from '../../../src/worker/sweep-worker.ts';
import { createSweepReconciler, type SweepReconciler } from '../../../src/worker/sweep-reconciler.ts';
import { eventually } from '../../support/eventually.ts';
import { listenTo } from '../support/channel-listener.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { useTestApi } from '../runs/support.ts';
import { getSweep, quadraticBase, startTestSweepWorker, waitForSweep } from './support.ts';

const maxFailedRounds = 3;

describe('the sweep reconciler', () => {
  const api = useTestApi();
  let pool: Pool;
  let sweepsQueue: SweepsQueue;
  let reconciler: SweepReconciler;

  beforeAll(() => {
    pool = createPool(api.services.config.databaseUrl, 4);
    sweepsQueue = createSweepsQueue(api.services.redis, api.services.config.queuePrefix);
    reconciler = reconcilerOf();
  });

  /** A reconciler of the test's sweeps; `batchLimit` given, it looks at that many per pass. */
  const reconcilerOf = (batchLimit?: number) => createSweepReconciler({
    strandedSweeps: createStrandedSweeps(pool),
    sweepsQueue,
    redis: api.services.redis,
    queuePrefix: api.services.config.queuePrefix,
    runsQueue: api.services.runsQueue,
    strandedRuns: createStrandedRuns(pool),
    staleAfterMs: 60_000,
    maxFailedRounds,
    // No lock left between the test's own passes.
    intervalMs: 1,
    logger: createLogger('silent'),
    ...(batchLimit === undefined ? {} : { batchLimit }),
  });
  afterAll(async () => {
    await sweepsQueue?.close();
    await pool?.end();
  });

  /** Submits a sweep and loses the job that would start it, as Redis restarted empty would; its row written long ago. */
  async function strandedSweep(): Promise<string> {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] } }, sampler: { type: 'grid' }, parallelism: 2 },
    });
    expect(response.statusCode).toBe(201);
    const id = response.json().id as string;
    await sweepsQueue.remove(`${id}-created`);
    expect(await sweepsQueue.getJobState(`${id}-created`)).toBe('unknown');
    await backdate(id);
    return id;
  }

  const backdate = (id: string) => pool.query(`UPDATE sweeps SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
  const failedRounds = async (id: string) => (await pool.query<{ n: number }>('SELECT failed_rounds AS n FROM sweeps WHERE id = $1', [id])).rows[0]!.n;

  it('wakes a sweep whose wake-up was lost, and it completes', async () => {
    const id = await strandedSweep();
    expect((await getSweep(api.app, api.authorization, id)).status).toBe('queued');
    const pass = await reconciler.reconcile();
    expect(pass).toMatchObject({ ran: true, failed: [] });
    expect(pass.woken).toContain(id);
    const worker = await startTestSweepWorker(api.services);
    try {
      const sweep = await waitForSweep(api.app, api.authorization, id);
      expect(sweep.status).toBe('completed');
      expect(sweep.result?.reason).toBe('grid_exhausted');
    } finally {
      await worker.close();
    }
    // An ended sweep is no candidate any more.
    await backdate(id);
    const after = await reconciler.reconcile();
    expect(after.woken).not.toContain(id);
    expect(after.failed).not.toContain(id);
  });

  it('leaves alone a running sweep whose periodic check is queued', async () => {
    const id = await strandedSweep();
    // A round (as the sweep's creation starts) creates its trials and queues its periodic check.
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    await processor({ data: { sweepId: id } } as Job<SweepJobData>);
    await backdate(id);
    const pass = await reconciler.reconcile();
    expect(pass.woken).not.toContain(id);
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
  });

  it('looks at every stale sweep over its passes, a batch after the other, not at the same first batch each time', async () => {
    const paged = reconcilerOf(2);
    // Three running sweeps with their periodic checks queued and one whose wake-up was lost, all
    // written by one statement (one updated_at: the batches go on by id within it).
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    const healthy: string[] = [];
    let lost: string | undefined;
    try {
      for (let i = 0; i < 3; i++) {
        const id = await strandedSweep();
        healthy.push(id);
        await processor({ data: { sweepId: id } } as Job<SweepJobData>);
      }
      lost = await strandedSweep();
      await pool.query(`UPDATE sweeps SET updated_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [[...healthy, lost]]);

      const woken: string[] = [];
      for (let pass = 0; pass < 10 && !woken.includes(lost); pass++) {
        // Each pass its own: no lock left by the one before.
        await api.services.redis.del(`${api.services.config.queuePrefix}:sweep-reconciler:lock`);
        const reconciled = await paged.reconcile();
        expect(reconciled.ran).toBe(true);
        woken.push(...reconciled.woken);
      }
      expect(woken).toContain(lost);
      expect(woken.filter((id) => healthy.includes(id))).toEqual([]);
    } finally {
      for (const id of [...healthy, ...(lost ? [lost] : [])]) {
        await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
      }
      await api.services.redis.del(`${api.services.config.queuePrefix}:sweep-reconciler:cursor`);
    }
  });

  it('ends failed, with the last error, a sweep whose every round fails, once they have failed the bound: its queued trials cancelled, a running one whose job no worker holds ended at once, each end told', async () => {
    const id = await strandedSweep();
    // A first round creates the trials (queued: no runs worker here); then the sweep is one its
    // planner cannot read, so every round of it throws.
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    await processor({ data: { sweepId: id } } as Job<SweepJobData>);
    await pool.query(`UPDATE sweeps SET spec = (spec::jsonb - 'budget')::json, updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    for (const check of await sweepsQueue.getJobs(['delayed'])) if (check.data.sweepId === id) await check.remove();

    const first = await reconciler.reconcile();
    expect(first.woken).toContain(id);
    expect(first.failed).not.toContain(id);
    const connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    const worker = await startSweepWorker({ config: api.services.config, connection, processor, logger: createLogger('silent') });
    try {
      // The woken job's attempts fail, each counted on the sweep.
      await eventually(() => failedRounds(id), (n) => n >= maxFailedRounds, { timeoutMs: 30_000, intervalMs: 50 });
    } finally {
      await worker.close();
      await closeRedis(connection);
    }
    // Its first trial was begun by a worker that let its job go since: the job waits in the queue (no runs worker here).
    const { rows: [begun, queued] } = await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [id]);
    await pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [begun.id]);
    expect(await api.services.runsQueue.getJobState(begun.id)).not.toBe('active');
    const events = await listenTo(api.services.config.redisUrl, sweepChannel(id));
    let heard: unknown[];
    try {
      const second = await reconciler.reconcile();
      expect(second.failed).toContain(id);
      expect(second.woken).not.toContain(id);
      heard = await events.heard();
    } finally {
      await events.close();
    }
    // Each trial's end is told once, before the sweep's.
    expect(heard).toEqual([
      { type: 'trial', sweepId: id, runId: queued.id, trialNumber: 1, status: 'cancelled' },
      { type: 'trial', sweepId: id, runId: begun.id, trialNumber: 0, status: 'cancelled' },
      { type: 'sweep', sweepId: id, status: 'failed', result: expect.objectContaining({ reason: 'coordination_failed' }) },
    ]);

    // Read from its row: its view would read the spec its planner could not.
    const { rows: [sweep] } = await pool.query<{ status: string; result: { reason: string; message: string } }>('SELECT status, result FROM sweeps WHERE id = $1', [id]);
    expect(sweep?.status).toBe('failed');
    expect(sweep.result?.reason).toBe('coordination_failed');
    expect(sweep.result?.message).toMatch(/^\d+ rounds of its coordination failed in a row\. The last: .*maxTrials/);
    const trials = await pool.query<{ status: string; message: string }>("SELECT status, result->>'message' AS message FROM runs WHERE sweep_id = $1 ORDER BY trial_number", [id]);
    expect(trials.rows).toEqual([
      { status: 'cancelled', message: 'Cancelled while no worker was running it: its sweep failed.' },
      { status: 'cancelled', message: 'Cancelled before it started: its sweep failed.' },
    ]);
    // The running one's job is gone, and no flag waits for a worker.
    expect(await api.services.runsQueue.getJobState(begun.id)).toBe('unknown');
    expect(await api.services.redis.get(cancelFlagKey(api.services.config.queuePrefix, begun.id))).toBeNull();
  });

  it('counts failed rounds from 0 again after a round that does not fail', async () => {
    const id = await strandedSweep();
    await pool.query(`UPDATE sweeps SET failed_rounds = 2, round_error = 'an outage of the planner' WHERE id = $1`, [id]);
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    await processor({ data: { sweepId: id } } as Job<SweepJobData>);
    expect(await failedRounds(id)).toBe(0);
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
  });
});
