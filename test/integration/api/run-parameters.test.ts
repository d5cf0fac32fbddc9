/** GET /v1/runs/{id}/parameters (the objective's own names for the parameter vector) and the benchmark catalogue. */
import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkNames } from '../../../src/core/objectives/index.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';
import { scalarMetricFields } from '../../../src/contracts/metric-fields.ts';

describe('GET /v1/runs/{id}/parameters', () => {
  const context = useTestApp();
  let authorization: string;
  beforeAll(async () => {
    ({ authorization } = await createTenantKey(context.services.database));
  });

  const namesOf = async (objective: unknown) => {
    const submitted = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: { ...minimalSpec, objective } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const response = await context.app.inject({ url: `/v1/runs/${submitted.json().id}/parameters`, headers: { authorization } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { dimensions: number; dimension: number; names: string[] | null };
    // dimension repeats dimensions for one version.
    expect(body.dimension).toBe(body.dimensions);
    return body;
  };

  it('names an expression by its variables and a benchmark by its own names', async () => {
    expect(await namesOf(minimalSpec.objective)).toEqual(expect.objectContaining({ dimensions: 2, names: ['x', 'y'] }));
    expect(await namesOf({ type: 'benchmark', name: 'sphere', dimensions: 3 })).toEqual(expect.objectContaining({ dimensions: 3, names: ['x1', 'x2', 'x3'] }));
  });

  it('names model weights by the columns of the data', async () => {
    const logistic = await namesOf({ type: 'model', model: 'logistic', data: { features: [[1, 2], [3, 4]], targets: [0, 1] } });
    expect(logistic.names).toEqual(['w1', 'w2', 'b']);
    const softmax = await namesOf({ type: 'model', model: 'softmax', data: { builtin: 'iris' } });
    expect(softmax.dimension).toBe(15);
    expect(softmax.names!.slice(0, 5)).toEqual(['w0_sepalLength', 'w0_sepalWidth', 'w0_petalLength', 'w0_petalWidth', 'w1_sepalLength']);
    expect(softmax.names!.slice(-3)).toEqual(['b0', 'b1', 'b2']);
  });

  it('gives no list for a vector too long to name, without building it', async () => {
    expect(await namesOf({ type: 'benchmark', name: 'sphere', dimensions: 200_000 })).toEqual(expect.objectContaining({ dimensions: 200_000, names: null }));
  });

  it('is 404 for another tenant', async () => {
    const submitted = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    const other = await createTenantKey(context.services.database);
    const response = await context.app.inject({ url: `/v1/runs/${submitted.json().id}/parameters`, headers: { authorization: other.authorization } });
    expect(response.statusCode).toBe(404);
  });
});

describe('GET /v1/benchmarks', () => {
  const context = useTestApp();

  it('lists every benchmark the spec accepts, with its sizes', async () => {
    const { authorization } = await createTenantKey(context.services.database);
    const response = await context.app.inject({ url: '/v1/benchmarks', headers: { authorization } });
    expect(response.statusCode).toBe(200);
    const { benchmarks } = response.json() as { benchmarks: { name: string; dimensions: { min: number; max: number }; conditioned: boolean }[] };
    expect(benchmarks.map((benchmark) => benchmark.name)).toEqual(benchmarkNames);
    expect(benchmarks.find((benchmark) => benchmark.name === 'himmelblau')?.dimensions).toEqual({ default: 2, min: 2, max: 2 });
    expect(benchmarks.filter((benchmark) => benchmark.conditioned).map((benchmark) => benchmark.name)).toEqual(['quadratic']);
  });
});

describe('GET /v1/metric-fields', () => {
  const context = useTestApp();

  it('lists the recorded metrics of the metric-field table, with how the dashboard draws them', async () => {
    const { authorization } = await createTenantKey(context.services.database);
    const response = await context.app.inject({ url: '/v1/metric-fields', headers: { authorization } });
    expect(response.statusCode).toBe(200);
    const { fields } = response.json() as { fields: { name: string; rolledUp: boolean; sometimes: boolean; chart: { unit: string } | null }[] };
    expect(fields.map((field) => field.name)).toEqual(scalarMetricFields);
    expect(fields.find((field) => field.name === 'valLoss')).toMatchObject({ rolledUp: true, sometimes: true, chart: { unit: 'loss' } });
    expect(fields.find((field) => field.name === 'epoch')).toMatchObject({ rolledUp: false, sometimes: false, chart: null });
  });
});
