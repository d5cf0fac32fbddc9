/**
 * Fault injection for what runs beside single runs: sweeps (a grid of concurrent trials, and an
 * ASHA-pruned random search) and parallel runs (simulated algorithms, concurrent hogwild threads,
 * concurrent parameter-server runs with replica jobs), over worker processes and a PostgreSQL and
 * a Redis of the file's own, through a worker killed with SIGKILL mid-way, PostgreSQL crashed and
 * restarted, and Redis restarted empty. Every sweep ends with its reason, its trial counts those
 * of its trials, each trial number once; every run ends with its reason; what the design makes
 * reproducible (simulated runs, sweep trials) stores the trajectory of an uninterrupted run, bit
 * for bit, and a concurrent run's replicas make their steps once.
 */
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, storedMetrics, waitForRun, type RunViewBody } from '../runs/support.ts';
import { getSweep, leaderboard, waitForSweep } from '../sweeps/support.ts';
import { eventually } from '../../support/eventually.ts';
import { useFaultServices } from './support.ts';

const rosenbrock = { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] };
const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, seed: 5 }, validationSplit: 0.25 };

/** Five learning rates, three trials at a time, each recording every step and its parameters. */
const gridSweep = {
  base: { objective: rosenbrock, optimizer: { name: 'adam', learningRate: 0.001 }, training: { maxSteps: 40_000 }, record: { every: 1, params: true } },
  parameters: { 'optimizer.learningRate': { type: 'float', values: [0.0005, 0.001, 0.0015, 0.002, 0.0025] } },
  metric: { name: 'bestLoss', goal: 'minimize' },
  sampler: { type: 'grid' },
  parallelism: 3,
};

/** Six random learning rates, three at a time, halved at 2,000 and 4,000 steps. */
const ashaSweep = {
  base: { objective: moons, optimizer: { name: 'momentum', learningRate: 0.01, momentum: 0.9 }, training: { maxSteps: 16_000, batchSize: 4, seed: 2 }, record: { every: 10 } },
  parameters: { 'optimizer.learningRate': { type: 'float', low: 1e-4, high: 0.5, log: true } },
  metric: { name: 'bestLoss', goal: 'minimize' },
  sampler: { type: 'random', seed: 1 },
  pruner: { type: 'asha', minSteps: 2000, reductionFactor: 2 },
  budget: { maxTrials: 6 },
  parallelism: 3,
};

const simulated = (['easgd', 'downpour', 'adaptive-revision', 'hogwild'] as const).map((algorithm) => ({
  objective: moons,
  optimizer: { easgd: { name: 'momentum', learningRate: 0.02 }, downpour: { name: 'momentum', learningRate: 0.02 }, 'adaptive-revision': { name: 'adagrad', learningRate: 0.1 }, hogwild: { name: 'sgd', learningRate: 0.05 } }[algorithm],
  training: { maxSteps: 60_000, batchSize: 8, seed: 3, validationEvery: 1000 },
  record: { every: 5, params: true },
  parallel: { algorithm, replicas: 3, execution: 'simulated', ...{ easgd: { communicationPeriod: 4 }, downpour: { communicationPeriod: 4 }, 'adaptive-revision': { delay: 2 }, hogwild: {} }[algorithm] },
}));

const concurrentHogwild = {
  objective: moons, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 4_000_000, batchSize: 1, seed: 3 }, record: { every: 1000 },
  parallel: { algorithm: 'hogwild', replicas: 2, execution: 'concurrent' },
};
const parameterServer = (['downpour', 'easgd'] as const).map((algorithm) => ({
  objective: moons, optimizer: { name: 'momentum', learningRate: 0.02 }, training: { maxSteps: 60_000, batchSize: 8, seed: 3, validationEvery: 1000 }, record: { every: 500 },
  parallel: { algorithm, replicas: 3, execution: 'concurrent', communicationPeriod: 4, shards: 2 },
}));

/** A concurrent run's replicas made its steps once each. */
function expectEveryStepOnce(view: RunViewBody, maxSteps: number): void {
  expect(view, JSON.stringify(view.result)).toMatchObject({ status: 'completed', result: { stopReason: 'max_steps', steps: maxSteps } });
  expect(view.result!.parallel!.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(maxSteps);
}

/** A grid of four trials, two at a time, each a concurrent run of two replica jobs. */
const parameterServerSweep = {
  base: { ...parameterServer[0]!, training: { ...parameterServer[0]!.training, maxSteps: 20_000 }, parallel: { ...parameterServer[0]!.parallel, replicas: 2 } },
  parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] }, 'parallel.algorithm': { type: 'categorical', values: ['downpour', 'easgd'] } },
  metric: { name: 'bestLoss', goal: 'minimize' },
  sampler: { type: 'grid' },
  parallelism: 2,
};

describe('sweeps and parallel runs through worker kills and crashes of PostgreSQL and Redis', () => {
  const statementBound = { DATABASE_STATEMENT_TIMEOUT_MS: '3000' };
  // The tests poll every 20 ms: the key's rate limit would answer 429.
  const faults = useFaultServices({ ...statementBound, RATE_LIMIT_MAX: '1000000' });
  let workers: ChildProcess[] = [];

  /** Two worker processes of two run slots each, reconciling every second. */
  const startWorkers = () => {
    workers = [0, 1].map(() => faults.startWorker({ WORKER_CONCURRENCY: '2', REPLICA_CONCURRENCY: '2', RECONCILE_INTERVAL_MS: '1000', ...statementBound }));
  };
  /** SIGKILL to every worker process, once each has exited, two new ones. */
  const killWorkers = async () => {
    await Promise.all(workers.map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    })));
    startWorkers();
  };

  const post = async (url: string, payload: object): Promise<string> => {
    const response = await faults.app.inject({ method: 'POST', url, headers: { authorization: faults.authorization }, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  };
  /** Runs (of the sweep `sweepId`, or those given) that are running and have stored a checkpoint. */
  const checkpointed = async (ids: { sweepId?: string; runIds?: readonly string[] }): Promise<string[]> => {
    const { rows } = await faults.reader.query<{ id: string }>(
      `SELECT r.id FROM runs r WHERE (r.sweep_id = $1 OR r.id = ANY($2::uuid[])) AND r.status = 'running' AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.run_id = r.id)`,
      [ids.sweepId ?? null, ids.runIds ?? []],
    );
    return rows.map((row) => row.id);
  };
  const untilCheckpointed = async (ids: { sweepId?: string; runIds?: readonly string[] }, count: number) => {
    const found = await eventually(() => checkpointed(ids), (running) => running.length >= count, { timeoutMs: 60_000, intervalMs: 10 });
    expect(found.length).toBeGreaterThanOrEqual(count);
    return found;
  };

  /** A finished sweep's trials: each number once, counts as the trials are, each trial final with its reason and, if it ran to its end or was pruned, the trajectory of an uninterrupted run. */
  async function expectConsistentSweep(sweepId: string, trials: number): Promise<RunViewBody[]> {
    const { app, authorization, reader } = faults;
    const sweep = await getSweep(app, authorization, sweepId);
    const board = await leaderboard(app, authorization, sweepId);
    expect(board.map((trial) => trial.trialNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: trials }, (_, i) => i));
    expect(sweep.trials.total).toBe(trials);
    for (const status of Object.keys(sweep.trials).filter((key) => key !== 'total')) {
      expect(sweep.trials[status as keyof typeof sweep.trials], status).toBe(board.filter((trial) => trial.status === status).length);
    }
    const views: RunViewBody[] = [];
    for (const trial of board) {
      const view = await getRun(app, authorization, trial.runId);
      views.push(view);
      expect(isFinal(view) && view.result?.stopReason, JSON.stringify(view.result)).toBeTruthy();
      if (view.status !== 'completed' && view.status !== 'pruned') continue;
      const reference = referenceTrajectory(view.spec);
      const upTo = reference.records.filter((record) => record.step <= view.result!.steps);
      expect(compareTrajectories(await storedMetrics(reader, view.id), upTo), `trial ${trial.trialNumber}`).toEqual([]);
      if (view.status === 'completed') expect(view.result!.params).toEqual(reference.result.params);
    }
    return views;
  }

  it('a grid sweep of three concurrent trials: every worker killed mid-trial, then Redis restarted empty; each grid point runs once, resumed, bit-identical', async () => {
    const { redis } = faults;
    startWorkers();
    const sweepId = await post('/v1/sweeps', gridSweep);
    const killed = await untilCheckpointed({ sweepId }, 2);
    await killWorkers();
    // Then Redis loses every queue, wake-up and lock while other trials run.
    await untilCheckpointed({ sweepId }, 1);
    await redis.kill({ wipe: true });
    await redis.start();
    const sweep = await waitForSweep(faults.app, faults.authorization, sweepId, 150_000);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' }, trials: { completed: 5, total: 5 } });
    const views = await expectConsistentSweep(sweepId, 5);
    // The trials the kill interrupted were resumed, not started again as new trials.
    for (const id of killed) expect(views.find((view) => view.id === id)!.attempts).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('an ASHA-pruned random search: PostgreSQL crashed mid-trials; the budget is spent exactly, each trial ends with its reason', async () => {
    const { postgres, reader } = faults;
    startWorkers();
    const sweepId = await post('/v1/sweeps', ashaSweep);
    await untilCheckpointed({ sweepId }, 2);
    await postgres.stop('immediate');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await postgres.start();
    await reader.query('SELECT 1').catch(() => undefined);
    const sweep = await waitForSweep(faults.app, faults.authorization, sweepId, 150_000);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' }, trials: { total: 6 } });
    const views = await expectConsistentSweep(sweepId, 6);
    expect(views.filter((view) => view.status === 'pruned').length).toBeGreaterThan(0);
  }, 180_000);

  it('simulated parallel runs: every worker killed mid-run, then Redis restarted empty; each resumes bit-identical', async () => {
    const { app, authorization, redis, reader } = faults;
    startWorkers();
    const ids = [];
    for (const spec of simulated) ids.push((await postRun(app, authorization, spec)).json().id as string);
    const killed = await untilCheckpointed({ runIds: ids }, 2);
    await killWorkers();
    await untilCheckpointed({ runIds: ids }, 1);
    await redis.kill({ wipe: true });
    await redis.start();
    for (const [i, id] of ids.entries()) {
      const view = await waitForRun(app, authorization, id, isFinal, 150_000);
      const reference = referenceTrajectory(simulated[i]);
      expect(view, simulated[i]!.parallel.algorithm).toMatchObject({ status: 'completed', result: { stopReason: 'max_steps', params: reference.result.params } });
      expect(compareTrajectories(await storedMetrics(reader, id), reference.records), simulated[i]!.parallel.algorithm).toEqual([]);
      if (killed.includes(id)) expect(view.attempts).toBeGreaterThanOrEqual(2);
    }
  }, 180_000);

  it('concurrent hogwild and parameter-server runs: PostgreSQL crashed, then every worker killed mid-run; each completes with every step made once', async () => {
    const { app, authorization, postgres, reader } = faults;
    startWorkers();
    const specs = [concurrentHogwild, ...parameterServer];
    const ids = [];
    for (const spec of specs) ids.push((await postRun(app, authorization, spec)).json().id as string);
    await untilCheckpointed({ runIds: ids }, 2);
    await postgres.stop('immediate');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await postgres.start();
    await reader.query('SELECT 1').catch(() => undefined);
    // The hogwild run's threads are running past the ticks of its checkpoint when their worker dies.
    await untilCheckpointed({ runIds: [ids[0]!] }, 1);
    await killWorkers();
    for (const [i, id] of ids.entries()) {
      const spec = specs[i]!;
      const view = await waitForRun(app, authorization, id, isFinal, 150_000);
      expectEveryStepOnce(view, spec.training.maxSteps);
      if (i === 0) expect(view.attempts).toBeGreaterThanOrEqual(2);
      const steps = (await storedMetrics(reader, id)).map((row) => row.step);
      expect(new Set(steps).size).toBe(steps.length);
      // Concurrent hogwild stores a row at every step record.every names, also across its resumes.
      if (spec.parallel.algorithm === 'hogwild') expect(steps).toEqual(Array.from({ length: spec.training.maxSteps / spec.record.every }, (_, k) => (k + 1) * spec.record.every));
    }
  }, 180_000);

  it('a grid sweep of concurrent parameter-server trials: every worker killed mid-trial, then Redis restarted empty; each point runs once, with every step made once', async () => {
    const { app, authorization, redis } = faults;
    startWorkers();
    const sweepId = await post('/v1/sweeps', parameterServerSweep);
    await untilCheckpointed({ sweepId }, 2);
    await killWorkers();
    await untilCheckpointed({ sweepId }, 1);
    await redis.kill({ wipe: true });
    await redis.start();
    const sweep = await waitForSweep(app, authorization, sweepId, 150_000);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' }, trials: { completed: 4, total: 4 } });
    const board = await leaderboard(app, authorization, sweepId);
    expect(board.map((trial) => trial.trialNumber).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(new Set(board.map((trial) => JSON.stringify(trial.parameters))).size).toBe(4);
    for (const trial of board) expectEveryStepOnce(await getRun(app, authorization, trial.runId), parameterServerSweep.base.training.maxSteps);
  }, 180_000);
});
