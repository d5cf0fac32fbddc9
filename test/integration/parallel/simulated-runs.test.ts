/**
 * Simulated parallel runs through the service: the same contract, the same worker loop, the same
 * bit-exact trajectory as the local engine; precise 400s for parallel blocks that cannot run;
 * the parallel-algorithm catalogue.
 */
import { describe, expect, it } from 'vitest';
import { describeParallelAlgorithms } from '../../../src/core/parallel/index.ts';
import { compareTrajectories, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, storedRuns, useTestApi, waitForRun } from '../runs/support.ts';

const spec = {
  objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 80, seed: 5 }, validationSplit: 0.25 },
  optimizer: { name: 'nesterov', learningRate: 0.1 },
  training: { maxSteps: 3001, batchSize: 4, seed: 9 },
  record: { every: 7, params: true },
  parallel: { algorithm: 'easgd', replicas: 4, execution: 'simulated', communicationPeriod: 4, movingRate: 0.1 },
};

describe('simulated parallel runs in the service', () => {
  const api = useTestApi();

  it('runs through the worker to the trajectory of the local engine, bit for bit, final exchanges included', async () => {
    const response = await postRun(api.app, api.authorization, spec);
    expect(response.statusCode).toBe(201);
    // Small slices: the run crosses many checkpoints on its way.
    const worker = await startTestWorker(api.services, { sliceMs: 1, maxRowsPerSlice: 20 });
    try {
      const view = await waitForRun(api.app, api.authorization, response.json().id, isFinal, 60_000);
      expect(view.status).toBe('completed');
      const reference = referenceTrajectory(spec);
      expect(compareTrajectories(await storedMetrics(worker.pool, view.id), reference.records)).toEqual([]);
      expect(view.result).toMatchObject({ stopReason: 'max_steps', steps: 3001, params: reference.result.params });
      // result.parallel across the checkpoints equals the local engine's, all but the time-dependent throughput.
      const { stepsPerSecond, ...parallel } = (view.result as { parallel?: unknown }).parallel as NonNullable<typeof reference.result.parallel>;
      expect(stepsPerSecond).toBeGreaterThan(0);
      expect(parallel).toEqual({ ...reference.result.parallel, stepsPerSecond: undefined });
    } finally {
      await worker.close();
    }
  });

  it('a parallel block that cannot run → 400 problem+json naming every field, nothing stored', async () => {
    const before = await storedRuns(api);
    const response = await postRun(api.app, api.authorization, {
      ...spec,
      optimizer: { name: 'adam' },
      schedule: { type: 'cosine' },
      parallel: { algorithm: 'adaptive-revision', replicas: 2, execution: 'concurrent', delay: 3, movingRate: 0.5 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const paths = (response.json().errors as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(['optimizer.name', 'parallel.delay', 'parallel.movingRate', 'schedule']);
    expect(await storedRuns(api)).toBe(before);
  });

  it('more replicas than training rows → 400 naming parallel.replicas', async () => {
    const response = await postRun(api.app, api.authorization, {
      ...spec,
      objective: { type: 'model', model: 'linear', data: { features: [[1], [2], [3]], targets: [1, 2, 3] } },
      parallel: { algorithm: 'hogwild', replicas: 4, execution: 'simulated' },
      optimizer: { name: 'sgd' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'parallel.replicas', code: 'too_many_replicas', message: '4 replicas need at least 4 training rows; the data has 3.' }],
    });
  });

  it('GET /v1/parallel-algorithms lists every algorithm of the registry with its parameters', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/parallel-algorithms', headers: { authorization: api.authorization } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.algorithms.map((algorithm: { name: string }) => algorithm.name)).toEqual(describeParallelAlgorithms().map((algorithm) => algorithm.name));
    expect(body.replicas).toEqual({ minimum: 1, maximum: 64 });
    expect(body.algorithms.find((algorithm: { name: string }) => algorithm.name === 'easgd')).toMatchObject({
      optimizer: null,
      parameters: [
        { name: 'communicationPeriod', type: 'integer', minimum: 1, default: 1 },
        { name: 'movingRate', type: 'number', minimum: 0, maximum: 1, default: null },
        { name: 'shards', type: 'integer', default: 1 },
      ],
    });
    expect(body.algorithms.find((algorithm: { name: string }) => algorithm.name === 'adaptive-revision')).toMatchObject({
      optimizer: 'adagrad',
      schedules: false,
      parameters: [{ name: 'delay', simulatedOnly: true, default: 0 }, { name: 'shards' }],
    });
  });
});
