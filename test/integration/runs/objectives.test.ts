import { describe, expect, it } from 'vitest';
import { optimizerNames } from '../../../src/core/optimizers/index.ts';
import { createTenantKey } from '../support/services.ts';
import { useTestApi } from './support.ts';

const beale = {
  type: 'expression',
  expression: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2',
  variables: ['x', 'y'],
  initial: [1, 1],
};

describe('objectives and the optimizer catalogue as resources', () => {
  const api = useTestApi();

  const request = (method: 'GET' | 'POST', url: string, payload?: object, auth = api.authorization) =>
    api.app.inject({ method, url, headers: { authorization: auth }, ...(payload ? { payload } : {}) });

  it('POST /v1/objectives stores an expression and answers 201 with variables, dimensions and a gradient check', async () => {
    const response = await request('POST', '/v1/objectives', { name: 'beale', objective: beale });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(response.headers.location).toBe(`/v1/objectives/${body.id}`);
    expect(body).toMatchObject({ name: 'beale', variables: ['x', 'y'], dimensions: 2, dimension: 2, objective: beale });
    expect(body.gradientCheck).toMatchObject({ passed: true, value: 7.3125 });
    expect(body.gradientCheck.coordinates.map((c: { variable: string }) => c.variable)).toEqual(['x', 'y']);

    const fetched = await request('GET', `/v1/objectives/${body.id}`);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(body);
  });

  it('stores benchmarks and models on built-in or inline data', async () => {
    const benchmark = await request('POST', '/v1/objectives', { objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 5 } });
    expect(benchmark.statusCode).toBe(201);
    expect(benchmark.json()).toMatchObject({ name: null, dimensions: 5, gradientCheck: { passed: true } });

    const model = await request('POST', '/v1/objectives', {
      name: 'iris softmax',
      objective: { type: 'model', model: 'softmax', data: { builtin: 'iris' }, validationSplit: 0.2 },
    });
    expect(model.statusCode).toBe(201);
    // 4 features × 3 classes + 3 biases.
    expect(model.json()).toMatchObject({ dimensions: 15, gradientCheck: { passed: true } });

    const inline = await request('POST', '/v1/objectives', {
      objective: { type: 'model', model: 'logistic', data: { features: [[0.5, -1.2], [1.1, 0.4]], targets: [1, 0] } },
    });
    expect(inline.statusCode).toBe(201);
    expect(inline.json().variables).toHaveLength(3);

    const svm = await request('POST', '/v1/objectives', { objective: { type: 'model', model: 'svm', data: { builtin: 'sparse-text', rows: 200, seed: 5 } } });
    expect(svm.statusCode).toBe(201);
    expect(svm.json()).toMatchObject({ dimensions: 1001, gradientCheck: { passed: true } });
  });

  it('svm targets other than 0 and 1 → 422 saying so', async () => {
    const response = await request('POST', '/v1/objectives/check', { objective: { type: 'model', model: 'svm', data: { features: [[1], [2]], targets: [1, -1] } } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'invalid_objective', detail: expect.stringContaining('svm targets must be 0 or 1 (the classes −1 and +1); data row 2 has -1') });
  });

  it('POST /v1/objectives/check validates and checks without storing', async () => {
    const before = (await request('GET', '/v1/objectives?limit=200')).json().objectives.length;
    const response = await request('POST', '/v1/objectives/check', { objective: beale });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ variables: ['x', 'y'], dimensions: 2, dimension: 2, initial: [1, 1], gradientCheck: { passed: true } });
    expect((await request('GET', '/v1/objectives?limit=200')).json().objectives.length).toBe(before);

    const invalid = await request('POST', '/v1/objectives/check', { objective: { ...beale, expression: '(1.5 - x + ' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { path: string }) => e.path)).toContain('objective.expression');
  });

  // Each coordinate costs two evaluations: a costly objective gets fewer, so the request stays bounded.
  it('checks fewer coordinates of an objective whose evaluations are costly, and all of a cheap one', async () => {
    const sample = async (dimensions: number) =>
      (await request('POST', '/v1/objectives/check', { objective: { type: 'benchmark', name: 'sphere', dimensions } })).json().gradientCheck;
    expect((await sample(50)).coordinates).toHaveLength(50);
    expect((await sample(10_000)).coordinates).toHaveLength(100);
    // 2·10⁷ units of work a request, 2·10⁶ per coordinate of a 10⁶-dimensional sphere: 10 coordinates.
    const costly = await sample(1_000_000);
    expect(costly.coordinates).toHaveLength(10);
    expect(costly.passed).toBe(true);
  });

  it('an objective that is not finite at its start → 422 naming the field', async () => {
    const response = await request('POST', '/v1/objectives/check', { objective: { type: 'benchmark', name: 'rosenbrock', initial: [1e200, 1e200] } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'non_finite_start', errors: [{ path: 'objective.initial' }] });
  });

  it('data the service cannot read → 422 naming the field', async () => {
    const response = await request('POST', '/v1/objectives', { objective: { type: 'model', model: 'linear', data: { path: 'data.csv' } } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'unsupported_data_source', errors: [{ path: 'objective.data.path' }] });
  });

  it('GET /v1/objectives pages newest first with a cursor; other tenants see none of them', async () => {
    const { authorization: own } = await createTenantKey(api.services.database, 'pager');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await request('POST', '/v1/objectives', { name: `o${i}`, objective: beale }, own)).json().id);
    const first = (await request('GET', '/v1/objectives?limit=2', undefined, own)).json();
    expect(first.objectives.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    const second = (await request('GET', `/v1/objectives?limit=2&cursor=${first.nextCursor}`, undefined, own)).json();
    expect(second).toEqual({ objectives: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const stranger = await createTenantKey(api.services.database, 'stranger');
    expect((await request('GET', `/v1/objectives/${ids[0]}`, undefined, stranger.authorization)).statusCode).toBe(404);
    expect((await request('GET', '/v1/objectives', undefined, stranger.authorization)).json().objectives).toEqual([]);
    expect((await request('GET', '/v1/objectives/not-a-uuid', undefined, own)).statusCode).toBe(404);
  });

  it('GET /v1/optimizers lists every registered optimizer with hyperparameters, bounds, defaults and flavors', async () => {
    const response = await request('GET', '/v1/optimizers');
    expect(response.statusCode).toBe(200);
    const { optimizers } = response.json();
    expect(optimizers.map((o: { name: string }) => o.name).sort()).toEqual([...optimizerNames].sort());
    expect(optimizers.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['adamw', 'radam', 'amsgrad', 'nadam']));
    const adam = optimizers.find((o: { name: string }) => o.name === 'adam');
    expect(adam.description).toEqual(expect.any(String));
    expect(adam.flavors).toEqual(['paper', 'pytorch']);
    const beta1 = adam.hyperparameters.find((h: { name: string }) => h.name === 'beta1');
    expect(beta1).toMatchObject({ type: 'number', default: { paper: 0.9, pytorch: 0.9 }, flavors: ['paper', 'pytorch'] });
    expect(beta1.minimum ?? beta1.exclusiveMinimum).toBe(0);
    expect(beta1.exclusiveMaximum ?? beta1.maximum).toBe(1);
    expect((await api.app.inject({ method: 'GET', url: '/v1/optimizers' })).statusCode).toBe(401);
  });
});
