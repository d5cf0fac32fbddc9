import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRangeSteps } from '../../../src/db/metric-rollups.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { runChannel, type RunEvent } from '../../../src/queue/run-events.ts';
import { createRunEnqueuer } from '../../../src/queue/runs-queue.ts';
import { eventually } from '../../support/eventually.ts';
import {
  compareTrajectories, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, waitForRun, useTestApi, type TestWorker,
} from './support.ts';

describe('the run worker drives the core loop in slices and stores every recorded step', () => {
  const api = useTestApi();
  let worker: TestWorker;
  let subscriber: Redis;

  beforeAll(async () => {
    // Tiny slices: many transactions and checkpoints per run, as in a long run.
    worker = await startTestWorker(api.services, { sliceMs: 1, maxRowsPerSlice: 7 });
    subscriber = createRedis(api.services.config.redisUrl, 'fail-fast');
    await subscriber.connect();
  });
  afterAll(async () => {
    await worker.close();
    await closeRedis(subscriber);
  });

  it('a run completes with metrics bit-identical to the CLI trajectory, progress and a result', async () => {
    const spec = {
      objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
      optimizer: { name: 'adam', learningRate: 0.01 },
      training: { maxSteps: 300 },
      record: { every: 3, params: true },
    };
    const response = await postRun(api.app, api.authorization, spec);
    expect(response.statusCode).toBe(201);
    const id = response.json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    const reference = referenceTrajectory(spec);

    expect(view.status).toBe('completed');
    expect(view.result).toMatchObject({ stopReason: 'max_steps', steps: 300, message: reference.result.message });
    expect(view.result!.params).toEqual(reference.result.params);
    expect(view.progress).toMatchObject({ step: 300, totalSteps: 300, fraction: 1, etaSeconds: 0 });
    expect(view.progress!.stepsPerSecond).toBeGreaterThan(0);
    expect(view.earlyStoppingState).toMatchObject({ enabled: false, stopped: false });
    expect(view.earlyStopping).toEqual(view.earlyStoppingState);
    const stored = await storedMetrics(worker.pool, id);
    expect(compareTrajectories(stored, reference.records)).toEqual([]);
    expect(stored.every((row) => row.elapsedSeconds !== null && row.elapsedSeconds >= 0)).toBe(true);
    // A finished run keeps no checkpoint: nothing resumes from it. A run this short keeps no rollups.
    const { rows } = await worker.pool.query('SELECT step FROM checkpoints WHERE run_id = $1', [id]);
    expect(rows).toEqual([]);
    const { rows: rollups } = await worker.pool.query('SELECT count(*)::int AS n FROM metric_rollups WHERE run_id = $1', [id]);
    expect(rollups).toEqual([{ n: 0 }]);
  });

  it.each(['logistic', 'svm'])('stores validation loss and accuracy of a classifier where the loop measured them, %s', async (model) => {
    const spec = {
      objective: { type: 'model', model, data: { builtin: 'moons', rows: 120, seed: 5 }, validationSplit: 0.25, seed: 5 },
      optimizer: { name: 'adam', learningRate: 0.05 },
      training: { epochs: 6, batchSize: 16, seed: 5, validationEvery: 4 },
      record: { every: 2 },
    };
    const response = await postRun(api.app, api.authorization, spec);
    const view = await waitForRun(api.app, api.authorization, response.json().id, isFinal);
    expect(view.status).toBe('completed');
    const stored = await storedMetrics(worker.pool, view.id);
    expect(compareTrajectories(stored, referenceTrajectory(spec).records)).toEqual([]);
    const measured = stored.filter((row) => row.valAccuracy !== null);
    expect(measured.length).toBeGreaterThan(3);
    expect(measured.every((row) => row.valAccuracy! >= 0 && row.valAccuracy! <= 1 && row.valLoss !== null)).toBe(true);
    const page = await api.app.inject({ url: `/v1/runs/${view.id}/metrics?fields=valAccuracy&maxPoints=5`, headers: { authorization: api.authorization } });
    expect(page.json().points.some((bucket: { valAccuracyMax: number | null }) => bucket.valAccuracyMax !== null)).toBe(true);
  });

  it('publishes status, metrics and progress events on the run channel', async () => {
    const events: RunEvent[] = [];
    const id = randomUUID();
    const spec = {
      objective: { type: 'benchmark', name: 'booth' },
      optimizer: { name: 'sgd', learningRate: 0.01 },
      training: { maxSteps: 200 },
      record: { every: 1 },
    };
    // Store and enqueue the run directly so the subscription is in place before it starts.
    const tenant = await api.services.database.tenant.create({ data: { name: `events-${id}` } });
    await api.services.database.run.create({ data: { id, tenantId: tenant.id, spec } });
    await subscriber.subscribe(runChannel(id));
    subscriber.on('message', (_channel, message) => events.push(JSON.parse(message)));
    await createRunEnqueuer(api.services.runsQueue).enqueue(id);
    await eventually(() => events, (seen) => seen.some((event) => event.type === 'status' && event.status === 'completed'));
    await subscriber.unsubscribe(runChannel(id));

    expect(events[0]).toEqual({ type: 'status', runId: id, status: 'running', result: null });
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed', result: { stopReason: 'max_steps', steps: 200 } });
    const metrics = events.filter((event) => event.type === 'metrics');
    // Consecutive step ranges covering 1 … 200 without gaps or overlaps.
    expect(metrics[0]).toMatchObject({ firstStep: 1 });
    for (let i = 1; i < metrics.length; i++) expect(metrics[i].firstStep).toBe(metrics[i - 1].lastStep + 1);
    expect(metrics.at(-1)).toMatchObject({ lastStep: 200 });
    expect(metrics.reduce((sum, event) => sum + event.count, 0)).toBe(200);
    expect(metrics[0].rows[0]).toMatchObject({ step: 1, loss: expect.any(Number), gradNorm: expect.any(Number) });
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ progress: { step: 200, totalSteps: 200, fraction: 1 }, earlyStoppingState: { enabled: false }, earlyStopping: { enabled: false } });
  });

  it('publishes nothing for a run nobody follows: a pattern subscription, which PUBSUB NUMSUB does not count, sees none of its events', async () => {
    const id = randomUUID();
    const spec = { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 50 } };
    const tenant = await api.services.database.tenant.create({ data: { name: `unfollowed-${id}` } });
    await api.services.database.run.create({ data: { id, tenantId: tenant.id, spec } });
    const watcher = createRedis(api.services.config.redisUrl, 'fail-fast');
    const seen: string[] = [];
    try {
      await watcher.psubscribe(runChannel(id));
      watcher.on('pmessage', (_pattern, _channel, message: string) => seen.push(message));
      await createRunEnqueuer(api.services.runsQueue).enqueue(id);
      const run = await eventually(() => api.services.database.run.findUniqueOrThrow({ where: { id } }), (stored) => stored.status === 'completed');
      expect(run.status).toBe('completed');
      // A message published at the end would have arrived before the round trip of this one.
      await watcher.ping();
      expect(seen).toEqual([]);
    } finally {
      await closeRedis(watcher);
    }
  });

  it('early stopping ends the run early_stopped with its monitor state', async () => {
    const spec = {
      objective: { type: 'benchmark', name: 'rastrigin', initial: [3.2, -2.1] },
      optimizer: { name: 'sgd', learningRate: 0.5 },
      training: { maxSteps: 5000 },
      earlyStopping: { monitor: 'loss', patience: 20 },
    };
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    const reference = referenceTrajectory(spec);
    expect(reference.result.stopReason).toBe('early_stopping');
    expect(view.status).toBe('early_stopped');
    expect(view.result).toMatchObject({ stopReason: 'early_stopping', steps: reference.result.steps });
    expect(view.earlyStoppingState).toMatchObject({ enabled: true, monitor: 'loss', patience: 20, stopped: true, stepsSinceBest: 20 });
    expect(compareTrajectories(await storedMetrics(worker.pool, id), reference.records)).toEqual([]);
  });

  it("serves as result.best the loss at the last parameters when it is below every update's, and restoreBest keeps them", async () => {
    // SGD on the saddle: every update goes further down, so the parameters the last one left are the best.
    const spec = {
      objective: { type: 'benchmark', name: 'saddle' },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 2000 },
      earlyStopping: { monitor: 'loss', patience: 5000, restoreBest: true },
    };
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    const reference = referenceTrajectory(spec);
    const result = view.result!;
    expect(result).toMatchObject({ stopReason: 'unbounded', steps: reference.result.steps, params: reference.result.params, restoredBest: false });
    expect(result.best).toEqual({ metric: 'loss', value: result.finalLoss, step: result.steps, atEnd: true });
    const stored = await storedMetrics(worker.pool, id);
    expect(compareTrajectories(stored, reference.records)).toEqual([]);
    expect(result.best!.value).toBeLessThan(Math.min(...stored.map((row) => row.loss)));
    // Early stopping's own best is the updates' alone: above the last parameters' loss.
    expect(view.earlyStoppingState!.best!).toBeGreaterThan(result.best!.value);
  });

  it('a diverging run ends diverged, with the steps before it stored', async () => {
    const spec = {
      objective: { type: 'expression', expression: 'x^4', variables: ['x'], initial: [3] },
      optimizer: { name: 'sgd', learningRate: 1 },
      training: { maxSteps: 100 },
    };
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    const reference = referenceTrajectory(spec);
    expect(view.status).toBe('diverged');
    expect(view.result).toMatchObject({ stopReason: 'diverged', message: reference.result.message });
    expect(compareTrajectories(await storedMetrics(worker.pool, id), reference.records)).toEqual([]);
  });

  it('a run whose stored spec can never succeed fails at once, without retries, saying why', async () => {
    const id = randomUUID();
    const tenant = await api.services.database.tenant.create({ data: { name: `broken-${id}` } });
    await api.services.database.run.create({ data: { id, tenantId: tenant.id, spec: { objective: { id: randomUUID() }, optimizer: { name: 'adam' } } } });
    await createRunEnqueuer(api.services.runsQueue).enqueue(id);
    const run = await eventually(() => api.services.database.run.findUniqueOrThrow({ where: { id } }), (stored) => stored.status === 'failed');
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    expect(run.result).toMatchObject({ stopReason: 'error', message: expect.stringMatching(/There is no stored objective /) });
    const job = await eventually(() => Job.fromId(api.services.runsQueue, id), (found) => found !== undefined && found.finishedOn !== undefined && found.failedReason !== undefined);
    expect(await job!.isFailed()).toBe(true);
    expect(job!.attemptsMade).toBe(1);
  });
});

describe('the run worker records a long run whose metric sums pass the range of a double', () => {
  const api = useTestApi();
  let worker: TestWorker;

  beforeAll(async () => {
    worker = await startTestWorker(api.services, { sliceMs: 60_000, maxRowsPerSlice: 1000 });
  });
  afterAll(async () => {
    await worker.close();
  });

  it('a run longer than its raw reads whose losses are huge but finite completes with every step and its rollups', async () => {
    // Eleven of these losses sum within the range of a double, twelve past it: slices of 1000
    // rows split buckets of 16 into halves whose finite sums the rollups' upsert adds.
    const steps = rawRangeSteps + 100;
    const spec = {
      objective: { type: 'expression', expression: '1.5e307 + (x - 1)^2', variables: ['x'], initial: [0] },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: steps },
      record: { every: 1 },
    };
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    expect(view.status).toBe('completed');
    const { rows: [stored] } = await worker.pool.query(
      `SELECT (SELECT count(*)::int FROM run_metrics WHERE run_id = $1) AS rows,
              (SELECT sum(count)::int FROM metric_rollups WHERE run_id = $1 AND level = 2) AS summarised`, [id]);
    expect(stored).toEqual({ rows: steps, summarised: steps });
    const page = await api.app.inject({ url: `/v1/runs/${id}/metrics?fields=loss&maxPoints=50`, headers: { authorization: api.authorization } });
    expect(page.statusCode).toBe(200);
    // Each bucket's sum passes the range: its mean is still the constant loss.
    expect(page.json().points.every((bucket: { loss: number; lossMax: number }) => bucket.loss === bucket.lossMax && bucket.loss === 1.5e307)).toBe(true);
  });

  it('a slowly diverging run reads the true mean of its losses, whose rollup sums pass the range', async () => {
    // Each step multiplies x by −1.02 and the loss by 1.0404: it passes the largest double at step 17,922.
    const spec = {
      objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] },
      optimizer: { name: 'sgd', learningRate: 1.01 },
      training: { maxSteps: 20_000 },
      record: { every: 1 },
    };
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    expect(view.status).toBe('diverged');
    const { rows } = await worker.pool.query<{ step: number; loss: number }>('SELECT step, loss FROM run_metrics WHERE run_id = $1 ORDER BY step', [id]);
    expect(rows.length).toBeGreaterThan(rawRangeSteps);
    const page = await api.app.inject({ url: `/v1/runs/${id}/metrics?fields=loss&maxPoints=2`, headers: { authorization: api.authorization } });
    expect(page.statusCode).toBe(200);
    const points = page.json().points as { step: number; stepEnd: number; loss: number; lossMax: number }[];
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) {
      const values = rows.filter((row) => row.step >= point.step && row.step <= point.stepEnd && Number.isFinite(row.loss)).map((row) => row.loss);
      const trueMean = (values.reduce((sum, value) => sum + value * 2 ** -64, 0) / values.length) * 2 ** 64;
      // Read from rollups whose bucket sums passed the range: formerly their max, some hundred times the mean.
      expect(Math.abs(point.loss - trueMean), `[${point.step}, ${point.stepEnd}]: ${point.loss} for ${trueMean}`).toBeLessThan(1e-12 * trueMean);
      expect(point.loss).toBeLessThan(point.lossMax / 100);
    }
  });
});
