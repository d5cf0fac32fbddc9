/**
 * Sweeps under concurrency: several workers and API instances on one sweep, coordination rounds
 * racing each other, and a worker killed mid-trial.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createPool } from '../../../src/db/pool.ts';
import { createSweepsQueue, wakeSweep } from '../../../src/queue/sweeps-queue.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';
import { buildTestApp } from '../support/services.ts';
import { useTestApi } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';
import { leaderboard, quadraticBase, startTestSweepWorker, waitForSweep, type TestSweepWorker } from './support.ts';

describe('sweeps under concurrency', () => {
  const api = useTestApi();
  const workers: TestSweepWorker[] = [];
  const apps: FastifyInstance[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(apps.map((app) => app.close()));
  });

  const post = (app: FastifyInstance, body: unknown) =>
    app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization }, payload: body as object });

  it('runs every grid point exactly once with 4 workers and 2 API instances waking it at once', async () => {
    for (let i = 0; i < 4; i++) workers.push(await startTestSweepWorker(api.services));
    apps.push(await buildTestApp(api.services));
    const response = await post(api.app, {
      base: { ...quadraticBase, training: { maxSteps: 50 } },
      parameters: {
        'optimizer.name': { type: 'categorical', values: ['sgd', 'momentum', 'rmsprop'] },
        'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.004, step: 0.001 },
        'training.seed': { type: 'int', low: 1, high: 2 },
      },
      sampler: { type: 'grid' },
      parallelism: 8,
    });
    expect(response.statusCode).toBe(201);
    const id = response.json().id;
    // Both API instances and a stream of wake-ups with distinct causes race the coordinators.
    const queue = createSweepsQueue(api.services.redis, api.services.config.queuePrefix);
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => wakeSweep(queue, id, `race-${i}`)),
      ...Array.from({ length: 10 }, () => apps[0].inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: { authorization: api.authorization } })),
    ]);
    await queue.close();
    const done = await waitForSweep(apps[0], api.authorization, id, 120_000);
    expect(done).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' }, trials: { total: 24, completed: 24 } });
    const trials = await leaderboard(api.app, api.authorization, id);
    expect(trials.map((t) => t.trialNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(new Set(trials.map((t) => JSON.stringify(t.parameters))).size).toBe(24);
    // No run was executed twice: every trial was started once.
    const { rows } = await workers[0].pool.query<{ attempts: number }>('SELECT attempts FROM runs WHERE sweep_id = $1', [id]);
    expect(rows.map((row) => row.attempts)).toEqual(new Array(24).fill(1));
  });

  it('never creates more trials than the budget, however many rounds run at once', async () => {
    // The workers' rounds (woken by submission and by trials ending) race 40 rounds started here at once.
    const prefix = `${api.services.config.queuePrefix}-budget`;
    const response = await post(api.app, {
      base: { ...quadraticBase, training: { maxSteps: 10 } },
      parameters: {
        'optimizer.name': { type: 'categorical', values: ['sgd', 'adam'] },
        'optimizer.learningRate': { type: 'float', low: 1e-3, high: 1e-1, log: true },
        'optimizer.beta1': { type: 'float', values: [0.9] },
      },
      sampler: { type: 'tpe', constantLiar: true, startupTrials: 2 },
      // However many sgd trials fail in a row, the sweep goes on to its budget.
      budget: { maxTrials: 15, maxFailedTrials: 15 },
      parallelism: 15,
    });
    const id = response.json().id;
    const pool = createPool(testDatabaseUrl, 8);
    const queue = createSweepsQueue(api.services.redis, prefix);
    const runsQueue = api.services.runsQueue;
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: prefix, runsQueue, sweepsQueue: queue });
    try {
      await Promise.all(Array.from({ length: 40 }, () => processor({ data: { sweepId: id } } as never)));
      const { rows } = await pool.query<{ count: number; numbers: number }>(
        'SELECT count(*)::int AS count, count(DISTINCT trial_number)::int AS numbers FROM runs WHERE sweep_id = $1',
        [id],
      );
      // sgd takes no beta1: those trials fail at once, freeing their places; adam's run.
      expect(rows[0]).toEqual({ count: 15, numbers: 15 });
      // The database itself refuses a second claim of a trial number.
      await expect(pool.query(
        `INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number) SELECT gen_random_uuid(), tenant_id, spec, sweep_id, 3 FROM runs WHERE sweep_id = $1 LIMIT 1`,
        [id],
      )).rejects.toThrow(/runs_sweep_id_trial_number_key/);
      const done = await waitForSweep(api.app, api.authorization, id);
      expect(done).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' }, trials: { total: 15 } });
      expect(done.trials.failed + done.trials.completed).toBe(15);
      expect(done.trials.failed).toBeGreaterThan(0);
      expect(done.trials.completed).toBeGreaterThan(0);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await pool.end();
    }
  });

  it("resumes a killed worker's trial from its checkpoint instead of starting a new trial", async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    const start = () => {
      const child = spawnWorkerProcess(api.services);
      children.push(child);
      return child;
    };
    const first = start();
    const response = await post(api.app, {
      base: { ...quadraticBase, optimizer: { name: 'adam', learningRate: 0.0001 }, training: { maxSteps: 400_000 }, record: { every: 100 } },
      parameters: { 'training.seed': { type: 'int', values: [7] } },
      sampler: { type: 'grid' },
      parallelism: 1,
    });
    const id = response.json().id;
    const pool = createPool(testDatabaseUrl, 2);
    try {
      const latestCheckpoint = async () => (await pool.query<{ step: number | null }>(
        'SELECT max(c.step)::int AS step FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE r.sweep_id = $1', [id])).rows[0]?.step ?? 0;
      const checkpointed = await eventually(latestCheckpoint, (step) => step > 0, { timeoutMs: 60_000, intervalMs: 50 });
      expect(checkpointed).toBeGreaterThan(0);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      start();
      const done = await waitForSweep(api.app, api.authorization, id, 180_000);
      expect(done).toMatchObject({ status: 'completed', trials: { total: 1, completed: 1 } });
      const { rows } = await pool.query<{ attempts: number; steps: number }>(
        `SELECT attempts, (result->>'steps')::int AS steps FROM runs WHERE sweep_id = $1`,
        [id],
      );
      expect(rows).toEqual([{ attempts: 2, steps: 400_000 }]);
    } finally {
      await pool.end();
    }
  });
});
