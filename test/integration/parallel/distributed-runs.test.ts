/**
 * Concurrent downpour, easgd and adaptive-revision through the service, against the real Redis
 * and PostgreSQL: the run's job starts the parameter server and one replica job per replica,
 * the replicas exchange with the server, the run records the server's parameters and ends once
 * every replica has pushed its last steps; a replica's job waiting behind a busy replica slot
 * longer than REPLICA_START_TIMEOUT_MS does not fail the run (that bound counts only while no
 * worker will take a job: replica-loop.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ParallelReport } from '../../../src/core/parallel/index.ts';
import { createPool } from '../../../src/db/pool.ts';
import { createReplicasQueue } from '../../../src/queue/replicas-queue.ts';
import { getRun, isFinal, postRun, storedMetrics, useTestApi, type RunViewBody } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { spawnStartedWorkerProcess, spawnWorkerProcess } from '../support/worker-process.ts';

const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, seed: 5 }, validationSplit: 0.25 } as const;

/** Two downpour replicas on the moons, pushing every 4 steps. */
const downpourOnMoons = {
  objective: moons,
  optimizer: { name: 'momentum', learningRate: 0.05 },
  parallel: { algorithm: 'downpour', replicas: 2, execution: 'concurrent', communicationPeriod: 4 },
} as const;

const cases = [
  { algorithm: 'downpour', optimizer: { name: 'momentum', learningRate: 0.05 }, parallel: { communicationPeriod: 4, shards: 2 } },
  { algorithm: 'easgd', optimizer: { name: 'nesterov', learningRate: 0.05 }, parallel: { communicationPeriod: 4, movingRate: 0.2 } },
  { algorithm: 'adaptive-revision', optimizer: { name: 'adagrad', learningRate: 0.3 }, parallel: { shards: 3 } },
] as const;

describe('concurrent replicas on a parameter server', () => {
  const api = useTestApi();

  /** Polls the run every 200 ms (a run of many replicas takes seconds: the API's rate limit allows 600 requests a minute). */
  async function finalView(id: string, timeoutMs = 60_000): Promise<RunViewBody> {
    const view = await eventually(() => getRun(api.app, api.authorization, id), isFinal, { timeoutMs, intervalMs: 200 });
    if (isFinal(view)) return view;
    const meta = await api.services.redis.hgetall(`{${api.services.config.queuePrefix}:ps:${id}:0}:meta`);
    throw new Error(`run ${id} did not end; last seen ${JSON.stringify(view).slice(0, 400)}; server ${JSON.stringify(meta)}`);
  }

  it.each(cases)('$algorithm: replica jobs run to the total steps, the run records and returns the server', async ({ algorithm, optimizer, parallel }) => {
    const spec = {
      objective: moons,
      optimizer,
      training: { maxSteps: 2400, batchSize: 8, seed: 3, validationEvery: 200 },
      record: { every: 100 },
      parallel: { algorithm, replicas: 3, execution: 'concurrent', ...parallel },
    };
    // Two replicas per worker process at most: three replicas take both processes.
    const processes = await Promise.all([0, 1].map(() => spawnStartedWorkerProcess(api.services, { REPLICA_CONCURRENCY: '2' })));
    const pool = createPool(api.services.config.databaseUrl, 1);
    const replicas = createReplicasQueue(api.services.redis, api.services.config.queuePrefix);
    try {
      // Both processes have started (spawnStartedWorkerProcess) and take replicas before the run
      // starts: on a busy machine one process's two replicas could otherwise make all the steps
      // while the other is still starting.
      expect(await replicas.getWorkersCount()).toBeGreaterThanOrEqual(2);
      const response = await postRun(api.app, api.authorization, spec);
      expect(response.statusCode, response.body).toBe(201);
      const view = await finalView(response.json().id);
      expect(view.status, JSON.stringify(view.result)).toBe('completed');
      const report = (view.result as { parallel: ParallelReport }).parallel;
      expect(report).toMatchObject({ algorithm, execution: 'concurrent', replicas: 3 });
      // Every step given out was made and pushed: the run's total, over the three replicas.
      expect(report.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(2400);
      expect(view.result!.steps).toBe(2400);
      // Every replica ran on a worker process and made its share of the steps, whoever started first.
      for (const replica of report.perReplica) expect(replica.worker).toMatch(/:\d+$/);
      expect(report.perReplica.map((replica) => replica.steps)).toEqual([800, 800, 800]);
      // The replicas spread over both worker processes.
      expect(new Set(report.perReplica.map((replica) => replica.worker!.split(':').at(-1)))).toEqual(new Set(processes.map((child) => String(child.pid))));
      expect(report.staleness!.updates).toBeGreaterThan(0);
      expect(report.stepsPerSecond).toBeGreaterThan(0);
      if (algorithm !== 'adaptive-revision') expect(report.centerDistance).not.toBeNull();
      const rows = await storedMetrics(pool, view.id);
      expect(rows.at(-1)!.step).toBe(2400);
      expect(rows.at(-1)!.valLoss).toBeLessThan(0.5);
      // The server is gone from Redis once the run is over.
      expect(await api.services.redis.keys(`{${api.services.config.queuePrefix}:ps:${view.id}:*`)).toEqual([]);
    } finally {
      for (const child of processes) child.kill('SIGKILL');
      await pool.end();
      await replicas.close();
    }
  }, 90_000);

  it('stops early on the server\'s loss (stopWhen) and on a cancel: the replicas push what they have and the run ends with every pushed step', async () => {
    const base = { ...downpourOnMoons, training: { maxSteps: 1_000_000, batchSize: 8, seed: 3 }, record: { every: 200 } };
    const processes = [spawnWorkerProcess(api.services)];
    try {
      const target = (await postRun(api.app, api.authorization, { ...base, stopWhen: { lossBelow: 0.4 } })).json().id as string;
      const reached = await finalView(target);
      expect(reached.status).toBe('completed');
      expect(reached.result).toMatchObject({ stopReason: 'loss_target' });
      const reachedReport = (reached.result as { parallel: ParallelReport }).parallel;
      expect(reached.result!.steps).toBeLessThan(1_000_000);
      expect(reachedReport.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(reached.result!.steps);

      const cancelled = (await postRun(api.app, api.authorization, base)).json().id as string;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const response = await api.app.inject({ method: 'POST', url: `/v1/runs/${cancelled}/cancel`, headers: { authorization: api.authorization } });
      expect(response.statusCode, response.body).toBe(202);
      const view = await finalView(cancelled);
      expect(view.status).toBe('cancelled');
      const report = (view.result as { parallel: ParallelReport }).parallel;
      expect(report.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(view.result!.steps);
      expect(await api.services.redis.keys(`{${api.services.config.queuePrefix}:ps:${cancelled}:*`)).toEqual([]);
    } finally {
      for (const child of processes) child.kill('SIGKILL');
    }
  }, 120_000);

  it('ends a run that epochs end after their ticks, storing no more rows than the metric rows bound its submission reserved', async () => {
    // 300 training rows over 2 replicas: shards of 150, 19 batches of 8; 4 epochs of 2·19 ticks, every 7th and the last recorded.
    const spec = { ...downpourOnMoons, training: { epochs: 4, batchSize: 8, seed: 3 }, record: { every: 7 } };
    const processes = [spawnWorkerProcess(api.services)];
    const pool = createPool(api.services.config.databaseUrl, 1);
    try {
      const response = await postRun(api.app, api.authorization, spec);
      expect(response.statusCode, response.body).toBe(201);
      const { rows: [reserved] } = await pool.query<{ bound: string }>('SELECT metric_rows_bound AS bound FROM runs WHERE id = $1', [response.json().id]);
      expect(Number(reserved!.bound)).toBe(Math.floor(152 / 7) + 1);
      const view = await finalView(response.json().id);
      expect(view.status, JSON.stringify(view.result)).toBe('completed');
      expect(view.result!.steps).toBe(152);
      const rows = await storedMetrics(pool, view.id);
      expect(rows.at(-1)).toMatchObject({ step: 152, epoch: 4 });
      expect(rows.length).toBeLessThanOrEqual(Number(reserved!.bound));
    } finally {
      for (const child of processes) child.kill('SIGKILL');
      await pool.end();
    }
  }, 120_000);

  it('replicas of a run that ended without them (failed elsewhere) stop within their next run check', async () => {
    const processes = [spawnWorkerProcess(api.services)];
    const pool = createPool(api.services.config.databaseUrl, 1);
    const metaKey = (id: string) => `{${api.services.config.queuePrefix}:ps:${id}:0}:meta`;
    const pushed = async (id: string) => {
      const meta = await api.services.redis.hgetall(metaKey(id));
      return Number(meta['steps:0'] ?? 0) + Number(meta['steps:1'] ?? 0);
    };
    try {
      const id = (await postRun(api.app, api.authorization, {
        objective: moons,
        optimizer: { name: 'momentum', learningRate: 0.05 },
        training: { maxSteps: 1_000_000, batchSize: 8, seed: 3 },
        parallel: { algorithm: 'easgd', replicas: 2, execution: 'concurrent', communicationPeriod: 4 },
      })).json().id as string;
      if ((await eventually(() => pushed(id), (count) => count >= 2000, { timeoutMs: 60_000, intervalMs: 100 })) < 2000) throw new Error('the replicas did not start');
      await pool.query(`UPDATE runs SET status = 'failed', finished_at = now() WHERE id = $1`, [id]);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const settled = await pushed(id);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await pushed(id)).toBe(settled);
      expect(settled).toBeLessThan(1_000_000);
      await api.services.redis.del(...(await api.services.redis.keys(`{${api.services.config.queuePrefix}:ps:${id}:*`)));
    } finally {
      for (const child of processes) child.kill('SIGKILL');
      await pool.end();
    }
  }, 120_000);
  it('a cancel or the time limit reaches replicas in the middle of a τ of 1,000,000 steps: the run ends within moments, each replica pushing what it made', async () => {
    const base = {
      objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 3000 },
      optimizer: { name: 'sgd', learningRate: 0.0001 },
      record: { every: 1000 },
    } as const;
    const processes = [spawnWorkerProcess(api.services)];
    try {
      const timed = (await postRun(api.app, api.authorization, {
        ...base,
        training: { maxSteps: 1_000_000_000, timeLimitSeconds: 2 },
        parallel: { algorithm: 'easgd', replicas: 2, execution: 'concurrent', communicationPeriod: 1_000_000 },
      })).json().id as string;
      const limited = await finalView(timed, 30_000);
      expect(limited.status).toBe('completed');
      expect(limited.result).toMatchObject({ stopReason: 'time_limit' });
      const limitedReport = (limited.result as { parallel: ParallelReport }).parallel;
      // Both replicas made steps, and pushed them, well short of their grants of 1,000,000.
      for (const replica of limitedReport.perReplica) expect(replica.steps).toBeGreaterThan(0);
      expect(limited.result!.steps).toBeLessThan(1_000_000);
      expect(limitedReport.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(limited.result!.steps);
      expect(limited.result!.best).not.toBeNull();

      const id = (await postRun(api.app, api.authorization, {
        ...base,
        training: { maxSteps: 1_000_000_000 },
        parallel: { algorithm: 'downpour', replicas: 4, execution: 'concurrent', communicationPeriod: 1_000_000 },
      })).json().id as string;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const response = await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } });
      expect(response.statusCode, response.body).toBe(202);
      const cancelledAt = Date.now();
      const view = await finalView(id, 30_000);
      expect(view.status).toBe('cancelled');
      expect(Date.now() - cancelledAt).toBeLessThan(10_000);
      expect(view.result).toMatchObject({ stopReason: 'cancelled' });
      expect(view.result!.steps).toBeGreaterThan(0);
      expect(view.result!.steps).toBeLessThan(1_000_000);
      expect(view.result!.best).not.toBeNull();
    } finally {
      for (const child of processes) child.kill('SIGKILL');
    }
  }, 120_000);

  it('does not fail a run whose replica waits behind a busy replica slot past REPLICA_START_TIMEOUT_MS: its time limit ends it, with the steps of the replica that ran', async () => {
    // One replica slot: the run's first replica holds it for the whole run, the second waits.
    const processes = [await spawnStartedWorkerProcess(api.services, { REPLICA_CONCURRENCY: '1', REPLICA_START_TIMEOUT_MS: '1000' })];
    try {
      const response = await postRun(api.app, api.authorization, {
        ...downpourOnMoons, training: { maxSteps: 1_000_000_000, batchSize: 8, seed: 3, timeLimitSeconds: 4 }, record: { every: 1000 },
      });
      expect(response.statusCode, response.body).toBe(201);
      const view = await finalView(response.json().id, 30_000);
      expect(view.status, JSON.stringify(view.result)).toBe('completed');
      expect(view.result).toMatchObject({ stopReason: 'time_limit' });
      const steps = (view.result as { parallel: ParallelReport }).parallel.perReplica.map((replica) => replica.steps).sort((a, b) => b - a);
      expect(steps[0]).toBe(view.result!.steps);
      expect(steps).toEqual([expect.any(Number), 0]);
      expect(view.result!.steps).toBeGreaterThan(0);
    } finally {
      for (const child of processes) child.kill('SIGKILL');
    }
  }, 60_000);

  it('replicas share maxSteps whatever τ: each makes its share, as the simulation deals the ticks', async () => {
    const processes = [spawnWorkerProcess(api.services)];
    try {
      const response = await postRun(api.app, api.authorization, {
        objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 20 },
        optimizer: { name: 'sgd', learningRate: 0.0001 },
        training: { maxSteps: 20_002 },
        record: { every: 1000 },
        parallel: { algorithm: 'downpour', replicas: 4, execution: 'concurrent', communicationPeriod: 1_000_000 },
      });
      expect(response.statusCode, response.body).toBe(201);
      const view = await finalView(response.json().id);
      expect(view.status, JSON.stringify(view.result)).toBe('completed');
      const report = (view.result as { parallel: ParallelReport }).parallel;
      expect(report.perReplica.map((replica) => replica.steps)).toEqual([5001, 5001, 5000, 5000]);
      expect(view.result!.steps).toBe(20_002);
    } finally {
      for (const child of processes) child.kill('SIGKILL');
    }
  }, 120_000);
});

