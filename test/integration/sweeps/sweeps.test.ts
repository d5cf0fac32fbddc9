import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { createTenantKey } from '../support/services.ts';
import { eventually } from '../../support/eventually.ts';
import { getSweep, leaderboard, medianPrunedSweep, quadraticBase, startTestSweepWorker, waitForSweep, type TestSweepWorker } from './support.ts';

describe('sweeps over the API, run by the workers', () => {
  const api = useTestApi();
  let worker: TestSweepWorker;
  beforeAll(async () => {
    worker = await startTestSweepWorker(api.services);
  });
  afterAll(async () => {
    await worker?.close();
  });

  /** A sweep whose trials run far longer than a test: it ends only when cancelled. */
  const longTrialsSweep = {
    base: { ...quadraticBase, training: { maxSteps: 2_000_000 } },
    parameters: { 'optimizer.learningRate': { type: 'float', low: 1e-5, high: 1e-4, log: true } },
    sampler: { type: 'random' },
    budget: { maxTrials: 10 },
    parallelism: 2,
  };

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization, ...headers }, payload: body as object });

  it('refuses a bad sweep with a problem naming every bad field', async () => {
    const response = await post({
      base: { ...quadraticBase, optimizer: { name: 'nope' } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 1, high: 0.1 }, 'training.maxSteps': { type: 'int', low: 1, high: 10, log: true, step: 2 } },
      sampler: { type: 'grid', seed: -1 },
      budget: { maxTrials: 0 },
      parallelism: 0,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = (response.json().errors as { path: string }[]).map((error) => error.path).sort();
    expect(paths).toEqual(expect.arrayContaining([
      'budget.maxTrials',
      'parallelism',
      'parameters["optimizer.learningRate"].high',
      'parameters["training.maxSteps"].step',
      'sampler.seed',
    ]));
  });

  it('refuses a TPE sweep whose suggestions would take more than their share of work, naming sampler.nEiCandidates', async () => {
    const parameters = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }]));
    const base = { ...quadraticBase, objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) } };
    const response = await post({ base, parameters, sampler: { type: 'tpe', nEiCandidates: 10_000 } });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'sampler.nEiCandidates', message: expect.stringContaining('Lower nEiCandidates (8,576 at most here)') })]);
  });

  it('runs a TPE sweep whose rounds are planned in a thread (their suggestions take long) to its budget', async () => {
    const response = await post({
      base: quadraticBase,
      parameters: { 'objective.initial.0': { type: 'float', low: -5, high: 5 }, 'objective.initial.1': { type: 'float', low: -5, high: 5 } },
      sampler: { type: 'tpe', seed: 3, startupTrials: 2, nEiCandidates: 2000 },
      budget: { maxTrials: 6 },
      parallelism: 2,
    });
    expect(response.statusCode, response.body).toBe(201);
    const sweep = await waitForSweep(api.app, api.authorization, response.json().id as string);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' }, trials: { completed: 6 } });
  });

  it('answers a grid of 64 chained conditional parameters at once, and refuses one whose conditions cannot be counted, naming them', async () => {
    const values = (i: number) => (i < 16 ? [0, 1] : [0]);
    const parameters = (count: number, when: (i: number) => Record<string, number[]> | null) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`objective.initial.${i}`, { type: 'categorical', values: values(i), ...(when(i) ? { when: when(i) } : {}) }]));
    const budget = { maxFailedTrials: 0 };
    const base = { ...quadraticBase, objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) } };
    const chained = await post({ base, parameters: parameters(64, (i) => (i === 0 ? null : { [`objective.initial.${i - 1}`]: values(i - 1) })), sampler: { type: 'grid' }, budget });
    expect(chained.statusCode, chained.body).toBe(201);
    expect(chained.json().spec.budget.maxTrials).toBe(65_536);
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${chained.json().id}/cancel`, headers: { authorization: api.authorization } });
    const crossed = await post({ base, parameters: parameters(32, (i) => (i < 16 ? null : { [`objective.initial.${i - 16}`]: [0] })), sampler: { type: 'grid' }, budget });
    expect(crossed.statusCode, crossed.body).toBe(400);
    expect(crossed.json().errors).toEqual([expect.objectContaining({ path: 'sampler', message: expect.stringContaining('the `when`s of objective.initial.16, objective.initial.17') })]);
  });

  it('refuses a parameter that names no field a trial\'s spec can have, or a value its field never takes, naming each (every trial would fail)', async () => {
    const response = await post({
      base: quadraticBase,
      parameters: { 'foo.bar': { type: 'float', low: 0, high: 1 }, 'optimizer.rho': { type: 'float', low: 0.1, high: 0.9 }, 'optimizer.learningRate': { type: 'float', values: [0.1, -1] } },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      detail: 'The request body is invalid: parameters["foo.bar"], parameters["optimizer.rho"], parameters["optimizer.learningRate"].values[1].',
      errors: [
        { path: 'parameters["foo.bar"]', message: expect.stringContaining('a run spec has no field `foo`') },
        { path: 'parameters["optimizer.rho"]', message: expect.stringContaining('optimizer has no field `rho`') },
        { path: 'parameters["optimizer.learningRate"].values[1]', message: expect.stringContaining('cannot be -1') },
      ],
    });
  });

  it("ranks by bestLoss counting each trial's loss at its last parameters, which SGD on the quadratic makes lower than every update's", async () => {
    const response = await post({
      base: quadraticBase,
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.05] } },
      metric: { name: 'bestLoss', goal: 'minimize' },
      sampler: { type: 'grid' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const sweep = await waitForSweep(api.app, api.authorization, response.json().id as string);
    expect(sweep.status).toBe('completed');
    const trials = await leaderboard(api.app, api.authorization, sweep.id);
    expect(trials.map((trial) => trial.parameters['optimizer.learningRate'])).toEqual([0.05, 0.01]);
    for (const trial of trials) {
      const run = await api.app.inject({ method: 'GET', url: `/v1/runs/${trial.runId}`, headers: { authorization: api.authorization } });
      const result = run.json().result;
      expect(result.best).toEqual({ metric: 'loss', value: result.finalLoss, step: 100, atEnd: true });
      expect(trial.value).toBe(result.finalLoss);
    }
    expect(sweep.best).toMatchObject({ runId: trials[0].runId, value: trials[0].value });
  });

  /** A parameter whose path sorts before its condition's, as PostgreSQL's jsonb stores keys (shortest first). */
  const conditionalSweep = {
    base: quadraticBase,
    parameters: {
      'optimizer.name': { type: 'categorical', values: ['sgd', 'rmsprop'] },
      'optimizer.rho': { type: 'float', values: [0.5, 0.9], when: { 'optimizer.name': ['rmsprop'] } },
    },
    sampler: { type: 'grid' },
    parallelism: 3,
  };

  it('runs a conditional parameter whose path sorts before its condition\'s (as PostgreSQL stores the spec\'s keys): every combination of the grid', async () => {
    const response = await post(conditionalSweep);
    expect(response.statusCode, response.body).toBe(201);
    const sweep = await waitForSweep(api.app, api.authorization, response.json().id as string);
    expect(sweep.status).toBe('completed');
    // Given back in an order that validates: a spec that can be submitted again.
    expect(Object.keys(sweep.spec.parameters)).toEqual(['optimizer.name', 'optimizer.rho']);
    const points = (await leaderboard(api.app, api.authorization, sweep.id)).map((trial) => JSON.stringify(Object.fromEntries(Object.entries(trial.parameters).sort()))).sort();
    expect(points).toEqual([
      '{"optimizer.name":"rmsprop","optimizer.rho":0.5}',
      '{"optimizer.name":"rmsprop","optimizer.rho":0.9}',
      '{"optimizer.name":"sgd"}',
    ]);
  });

  it('takes a replay of a sweep stored in jsonb\'s key order (before specs were kept as given) for the same sweep, as it draws the parameters alike', async () => {
    const created = await post(conditionalSweep, { 'idempotency-key': 'jsonb-order-1' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await api.services.database.$executeRawUnsafe('UPDATE sweeps SET spec = spec::jsonb::json WHERE id = $1::uuid', id);
    const stored = await api.services.database.$queryRawUnsafe<{ spec: { parameters: object } }[]>('SELECT spec FROM sweeps WHERE id = $1::uuid', id);
    expect(Object.keys(stored[0]!.spec.parameters)).toEqual(['optimizer.rho', 'optimizer.name']);
    const replay = await post(conditionalSweep, { 'idempotency-key': 'jsonb-order-1' });
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.json().id).toBe(id);
    expect((await waitForSweep(api.app, api.authorization, id)).status).toBe('completed');
  });

  it('keeps a sweep\'s parameters in the order they were given, so that its spec as read can be submitted again', async () => {
    // jsonb would give these back shortest key first: maxSteps, name, learningRate, rho.
    const parameters = {
      'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true },
      'training.maxSteps': { type: 'int', values: [10, 20] },
      'optimizer.name': { type: 'categorical', values: ['sgd', 'rmsprop'] },
      'optimizer.rho': { type: 'float', values: [0.5, 0.9], when: { 'optimizer.name': ['rmsprop'] } },
    };
    const response = await post({ base: quadraticBase, parameters, sampler: { type: 'random', seed: 3 }, budget: { maxTrials: 1 } });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    const stored = await getSweep(api.app, api.authorization, id);
    expect(Object.keys(stored.spec.parameters)).toEqual(Object.keys(parameters));
    const again = await post(stored.spec);
    expect(again.statusCode, again.body).toBe(201);
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${again.json().id}/cancel`, headers: { authorization: api.authorization } });
  });

  it('refuses a base whose curriculum its objective cannot order by (every trial would fail), unless a parameter changes the objective, the curriculum or the batch size', async () => {
    const base = { objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10, batchSize: 8, curriculum: { by: 'difficulty' } } };
    const parameters = { 'optimizer.learningRate': { type: 'float', values: [0.1, 0.2] } };
    const refused = await post({ base, parameters, budget: { maxTrials: 1 } });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json()).toMatchObject({
      detail: 'The request body is invalid: base.training.curriculum.by.',
      errors: [{ path: 'base.training.curriculum.by', message: 'curriculum by difficulty needs data with a difficulty column; this data has none', code: 'custom' }],
    });
    for (const changed of ['training.batchSize', 'training.curriculum.by', 'objective.data.rows']) {
      const values = { 'training.batchSize': [8], 'training.curriculum.by': ['loss'], 'objective.data.rows': [40] }[changed];
      const response = await post({ base, parameters: { [changed]: { type: 'categorical', values } }, budget: { maxTrials: 1 } });
      expect(response.statusCode, response.body).toBe(201);
    }
  });

  it('refuses a validation metric when the base objective has no validation set (every trial\'s value would be null), unless a parameter changes the objective', async () => {
    const parameters = { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } };
    for (const name of ['valLoss', 'valAccuracy']) {
      const response = await post({ base: quadraticBase, parameters, metric: { name, goal: name === 'valLoss' ? 'minimize' : 'maximize' } });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'metric.name', message: expect.stringContaining('no validation set') }] });
    }
    const regression = { ...quadraticBase, objective: { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 40 }, validationSplit: 0.25 } };
    const accuracy = await post({ base: regression, parameters, metric: { name: 'valAccuracy', goal: 'maximize' } });
    expect(accuracy.statusCode, accuracy.body).toBe(400);
    expect(accuracy.json().errors[0]).toMatchObject({ path: 'metric.name', message: expect.stringContaining('not a classifier') });
    const split = { 'objective.validationSplit': { type: 'float', values: [0.2] }, ...parameters };
    const withSplit = await post({ base: { ...regression, objective: { ...regression.objective, validationSplit: 0 } }, parameters: split, metric: { name: 'valLoss', goal: 'minimize' }, budget: { maxTrials: 1 } });
    expect(withSplit.statusCode, withSplit.body).toBe(201);
    const ok = await post({ base: regression, parameters, metric: { name: 'valLoss', goal: 'minimize' }, budget: { maxTrials: 1 } });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses a pruner over trials that run concurrently (they record at the steps their replicas reach, or their threads do not stop at its decision steps), unless a parameter can make them simulated', async () => {
    const base = { objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000, batchSize: 8 } };
    const parameters = { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } };
    const pruner = { type: 'asha', minSteps: 100 };
    // Parameters over parallel that leave every trial concurrent do not help.
    const concurrentStill = [
      {},
      { 'parallel.replicas': { type: 'int', values: [2, 4] } },
      { 'parallel.execution': { type: 'categorical', values: ['concurrent'] } },
    ];
    for (const [algorithm, why] of [['downpour', 'no trial would ever be pruned'], ['easgd', 'no trial would ever be pruned'], ['hogwild', 'a trial would be pruned only by chance']]) {
      for (const extra of concurrentStill) {
        const refused = await post({ base: { ...base, parallel: { algorithm, replicas: 2 } }, parameters: { ...parameters, ...extra }, pruner, budget: { maxTrials: 1 } });
        expect(refused.statusCode, refused.body).toBe(400);
        expect(refused.json()).toMatchObject({ errors: [{ path: 'pruner.type', message: expect.stringContaining(why) }] });
      }
    }
    for (const accepted of [
      { base: { ...base, parallel: { algorithm: 'downpour', replicas: 2, execution: 'simulated' } }, parameters, pruner },
      { base: { ...base, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'simulated' } }, parameters, pruner },
      { base: { ...base, parallel: { algorithm: 'easgd', replicas: 2 } }, parameters },
      { base: { ...base, parallel: { algorithm: 'easgd', replicas: 2 } }, parameters: { ...parameters, 'parallel.execution': { type: 'categorical', values: ['simulated', 'concurrent'] } }, pruner },
    ]) {
      const response = await post({ ...accepted, budget: { maxTrials: 1 } });
      expect(response.statusCode, response.body).toBe(201);
      // Cancelled at once: a concurrent trial would wait for replica workers this file does not
      // start, holding a slot of its worker from the sweeps of the tests that follow.
      const id = response.json().id as string;
      await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
      await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.running === 0 && sweep.trials.queued === 0, { timeoutMs: 30_000, intervalMs: 200 });
    }
  });

  it('names the base\'s objective fields from the body of the sweep when its objective cannot be resolved', async () => {
    const parameters = { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } };
    const optimizer = { name: 'sgd', learningRate: 0.1 };
    const missing = '01a24c7a-50b4-77f5-80a5-a784bb1fa69c';
    for (const [objective, status, path] of [
      [{ type: 'model', model: 'logistic', data: { path: 'train.csv' } }, 422, 'base.objective.data.path'],
      [{ type: 'model', model: 'logistic', data: { id: missing } }, 404, 'base.objective.data.id'],
      [{ id: missing }, 404, 'base.objective.id'],
    ] as const) {
      const response = await post({ base: { objective, optimizer }, parameters, budget: { maxTrials: 1 } });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().errors).toEqual([expect.objectContaining({ path })]);
      expect(response.json().detail).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: `));
    }
  });

  it('refuses a parameter whose values name a stored objective or dataset the tenant does not have (another tenant\'s, a deleted one, none), naming each, as a run naming it is refused', async () => {
    const objective = { type: 'expression', expression: '(x - 1)^2', variables: ['x'], initial: [3] };
    const store = async (authorization: string) => {
      const response = await api.app.inject({ method: 'POST', url: '/v1/objectives', headers: { authorization }, payload: { objective } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    const own = await store(api.authorization);
    const deleted = await store(api.authorization);
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/objectives/${deleted}`, headers: { authorization: api.authorization } })).statusCode).toBe(204);
    const other = await store((await createTenantKey(api.services.database, 'other')).authorization);
    const optimizer = { name: 'sgd', learningRate: 0.1 };
    const run = await api.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: api.authorization }, payload: { objective: { id: other }, optimizer } });
    expect(run.json()).toMatchObject({ status: 404, code: 'objective_not_found', errors: [{ path: 'objective.id' }] });

    const parameters = (values: string[]) => ({ 'objective.id': { type: 'categorical', values } });
    const refused = await post({ base: { objective: { id: own }, optimizer }, parameters: parameters([own, other, deleted, 'none']) });
    expect(refused.statusCode, refused.body).toBe(404);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      code: 'objective_not_found',
      detail: `parameters["objective.id"].values[1]: There is no stored objective ${other}. parameters["objective.id"].values[2]: There is no stored objective ${deleted}. `
        + 'parameters["objective.id"].values[3]: There is no stored objective none.',
      errors: [
        { path: 'parameters["objective.id"].values[1]', code: 'objective_not_found' },
        { path: 'parameters["objective.id"].values[2]', code: 'objective_not_found' },
        { path: 'parameters["objective.id"].values[3]', code: 'objective_not_found' },
      ],
    });
    const upload = await api.app.inject({ method: 'POST', url: '/v1/datasets', headers: { authorization: api.authorization, 'content-type': 'text/csv' }, payload: 'a,t\n1,0\n2,1\n3,0\n4,1\n' });
    expect(upload.statusCode, upload.body).toBe(201);
    const missing = '01a24c7a-50b4-77f5-80a5-a784bb1fa69c';
    const dataset = await post({
      base: { objective: { type: 'model', model: 'logistic', data: { id: upload.json().id } }, optimizer },
      parameters: { 'objective.data.id': { type: 'categorical', values: [upload.json().id, missing] } },
    });
    expect(dataset.statusCode, dataset.body).toBe(404);
    expect(dataset.json()).toMatchObject({
      code: 'dataset_not_found',
      detail: `parameters["objective.data.id"].values[1]: There is no dataset ${missing}.`,
      errors: [{ path: 'parameters["objective.data.id"].values[1]', code: 'dataset_not_found' }],
    });
    const accepted = await post({ base: { objective: { id: own }, optimizer }, parameters: parameters([own]), budget: { maxTrials: 1 } });
    expect(accepted.statusCode, accepted.body).toBe(201);
  });

  it('runs every grid point exactly once, ranks the trials and says why it ended', async () => {
    const gridSweep = {
      name: 'grid',
      base: quadraticBase,
      parameters: {
        'optimizer.name': { type: 'categorical', values: ['sgd', 'momentum'] },
        'optimizer.learningRate': { type: 'float', values: [0.001, 0.01, 0.05] },
      },
      metric: { name: 'finalLoss' },
      sampler: { type: 'grid' },
      parallelism: 3,
    };
    const response = await post(gridSweep, { 'idempotency-key': 'grid-sweep-1' });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({ name: 'grid', status: 'queued', spec: { budget: { maxTrials: 6 }, sampler: { type: 'grid' } } });
    expect(typeof created.spec.sampler.seed).toBe('number');

    const replay = await post(gridSweep, { 'idempotency-key': 'grid-sweep-1' });
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(created.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The same parameters in another order are another sweep: the samplers draw them in order.
    const [name, learningRate] = Object.entries(gridSweep.parameters);
    const reordered = await post({ ...gridSweep, parameters: Object.fromEntries([learningRate, name]) }, { 'idempotency-key': 'grid-sweep-1' });
    expect(reordered.statusCode).toBe(409);
    expect(reordered.json()).toMatchObject({ code: 'idempotency_key_reused' });

    const done = await waitForSweep(api.app, api.authorization, created.id);
    expect(done).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' }, trials: { completed: 6, total: 6 }, progress: { trials: 6, maxTrials: 6, fraction: 1 } });
    const trials = await leaderboard(api.app, api.authorization, created.id);
    expect(trials.map((t) => t.trialNumber).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(trials.map((t) => JSON.stringify(t.parameters))).size).toBe(6);
    const values = trials.map((t) => t.value!);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(done.best).toEqual({ runId: trials[0].runId, trialNumber: trials[0].trialNumber, value: trials[0].value, parameters: trials[0].parameters });

    // A trial is a run: its spec is the base with the parameters applied.
    const run = (await api.app.inject({ method: 'GET', url: `/v1/runs/${trials[0].runId}`, headers: { authorization: api.authorization } })).json();
    expect(run.sweepId).toBe(created.id);
    expect(run.spec.optimizer).toMatchObject({ name: trials[0].parameters['optimizer.name'], learningRate: trials[0].parameters['optimizer.learningRate'] });
    expect(run.result.finalLoss).toBe(trials[0].value);

    const csv = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${created.id}/trials?format=csv`, headers: { authorization: api.authorization } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('rank,trialNumber,runId,status,value,steps,stopReason,optimizer.name,optimizer.learningRate,message');
    expect(lines).toHaveLength(7);
    const accepted = (accept: string) => api.app.inject({ method: 'GET', url: `/v1/sweeps/${created.id}/trials`, headers: { authorization: api.authorization, accept } });
    expect((await accepted('text/csv')).body).toBe(csv.body);
    // CSV is chosen when Accept prefers it, not whenever it is named.
    expect((await accepted('text/csv;q=0.5, application/json')).headers['content-type']).toMatch(/^application\/json/);
    // A tie goes to the type the header names first.
    expect((await accepted('text/csv, application/json')).headers['content-type']).toMatch(/^text\/csv/);
    // Either answer says it varies by Accept, so that a cache keeps them apart.
    expect((await accepted('text/csv')).headers.vary).toBe('accept');
    expect((await accepted('application/json')).headers.vary).toBe('accept');
    // A page's ranks go on from the page before it, as its rows do.
    const first = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${created.id}/trials?format=csv&limit=4`, headers: { authorization: api.authorization } });
    const next = /^<\?(.*)>; rel="next"$/.exec(first.headers.link as string)![1];
    const second = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${created.id}/trials?${next}`, headers: { authorization: api.authorization } });
    const ranks = (body: string) => body.trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    expect([...ranks(first.body), ...ranks(second.body)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(second.body.trim().split('\n').slice(1)).toEqual(lines.slice(5));

    const again = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${created.id}/cancel`, headers: { authorization: api.authorization } });
    expect(again.statusCode).toBe(409);
  });

  it('makes a trial whose spec does not validate a failed trial with the reason, and fails the sweep past maxFailedTrials', async () => {
    const response = await post({
      base: quadraticBase,
      // Each value is one parallel.algorithm takes; a parallel block without its replicas is not.
      parameters: { 'parallel.algorithm': { type: 'categorical', values: ['easgd', 'downpour'] } },
      sampler: { type: 'grid' },
      budget: { maxFailedTrials: 1 },
    });
    expect(response.statusCode).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' }, trials: { failed: 2 } });
    const [trial] = await leaderboard(api.app, api.authorization, done.id);
    expect(trial).toMatchObject({ status: 'failed', stopReason: 'error' });
    expect(trial.message).toMatch(/^The trial's spec does not validate: parallel/);
  });

  it('fails a trial larger than a worker can hold (WORKER_MAX_RUN_BYTES) at its start, saying so, as a run of its own is refused at submission', async () => {
    // 10⁶ parameters on 8 simulated replicas of Adam: about 220 MB resident, 1.4 GB with a checkpoint's copies.
    const base = { objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 1_000_000 }, optimizer: { name: 'adam', learningRate: 0.001 },
      training: { maxSteps: 2 }, parallel: { algorithm: 'easgd', replicas: 8, execution: 'simulated' } };
    const run = await api.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: api.authorization }, payload: base });
    expect(run.statusCode, run.body).toBe(422);
    const response = await post({ base, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.001] } }, budget: { maxTrials: 1 } });
    expect(response.statusCode, response.body).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    // Its one trial failed: the sweep has failed.
    expect(done).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' }, trials: { failed: 1, total: 1 } });
    const [trial] = await leaderboard(api.app, api.authorization, done.id);
    expect(trial).toMatchObject({ status: 'failed', stopReason: 'error', steps: 0 });
    expect(trial.message).toBe(`The run cannot start: ${run.json().errors[0].message}`);
  });

  it('prunes hopeless trials with the median rule, saying why, and keeps the good ones', async () => {
    const response = await post(medianPrunedSweep);
    expect(response.statusCode).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done.status).toBe('completed');
    const trials = await leaderboard(api.app, api.authorization, done.id);
    const pruned = trials.filter((t) => t.status === 'pruned');
    for (const trial of pruned) {
      expect(trial.stopReason).toBe('pruned');
      expect(trial.pruning).toMatchObject({ rule: 'median', rung: null });
      expect(trial.pruning!.step % 50).toBe(0);
      expect(trial.pruning!.value).toBeGreaterThan(trial.pruning!.cutoff!);
      expect(trial.message).toBe(trial.pruning!.message);
      expect(trial.message).toMatch(/^Pruned at step \d+: its best loss so far, .*, is worse than .*, the median of \d+ completed trial\(s\) at this step\.$/);
      expect(trial.steps).toBe(trial.pruning!.step);
      expect(trial.parameters['optimizer.learningRate']).toBeLessThan(0.001);
    }
    // Once two good trials completed, the slow ones cannot beat their median.
    expect(pruned.length).toBeGreaterThan(0);
    const completed = trials.filter((t) => t.status === 'completed');
    expect(completed.length + pruned.length).toBe(6);
    for (const trial of pruned) {
      const run = (await api.app.inject({ method: 'GET', url: `/v1/runs/${trial.runId}`, headers: { authorization: api.authorization } })).json();
      expect(run).toMatchObject({ status: 'pruned', result: { stopReason: 'pruned', pruning: { rule: 'median' } } });
      // Its value is the sweep's metric (finalLoss) as a finished trial's is; what the pruner compared is its pruning's.
      expect(trial.value).toBe(run.result.finalLoss);
      expect(trial.pruning!.value).toBe(run.result.pruning.value);
    }
  });

  it('fails a sweep whose trials all diverged, saying that none has a value, so that it has no best trial', async () => {
    const response = await post({
      base: { ...quadraticBase, objective: { type: 'expression', expression: 'x^4 + y^2', variables: ['x', 'y'], initial: [3, 3] }, training: { maxSteps: 200 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 50, high: 100 } },
      metric: { name: 'finalLoss', goal: 'minimize' },
      sampler: { type: 'random', seed: 1 },
      budget: { maxTrials: 3 },
      parallelism: 3,
    });
    expect(response.statusCode).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done).toMatchObject({ status: 'failed', best: null, trials: { diverged: 3, total: 3 } });
    expect(done.result).toEqual({
      reason: 'no_best_trial',
      message: 'All 3 trials of the budget finished. No trial ran to its end with a finite value of finalLoss (3 diverged), so the sweep has no best trial.',
    });
  });

  it('fails a sweep whose trials\' validation losses were never finite (the leaderboard\'s values are null): it has no best trial', async () => {
    const response = await post({
      base: {
        ...quadraticBase,
        // The validation rows' squared errors overflow (1e200²): valLoss is Infinity at every step.
        objective: { type: 'model', model: 'linear', data: { features: [[1], [2], [3]], targets: [1, 2, 3] }, validation: { features: [[1e200], [1]], targets: [4, -1e200] } },
        training: { maxSteps: 20 },
      },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.01 } },
      metric: { name: 'valLoss', goal: 'minimize' },
      sampler: { type: 'random', seed: 1 },
      budget: { maxTrials: 2 },
    });
    expect(response.statusCode).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done).toMatchObject({ status: 'failed', best: null, trials: { completed: 2, total: 2 } });
    expect((await leaderboard(api.app, api.authorization, done.id)).map((trial) => trial.value)).toEqual([null, null]);
    expect(done.result).toEqual({
      reason: 'no_best_trial',
      message: 'All 2 trials of the budget finished. No trial ran to its end with a finite value of valLoss (2 completed), so the sweep has no best trial.',
    });
  });

  it('fails a sweep whose budget was spent with every trial pruned: a pruned trial\'s value does not rank, so it has no best trial', async () => {
    const response = await post({
      base: { ...quadraticBase, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02, 0.03] } },
      metric: { name: 'finalLoss' },
      sampler: { type: 'grid' },
      // A rung holding 10 values or fewer stops every trial that reaches it: each of the 3 is pruned at step 10.
      pruner: { type: 'asha', minSteps: 10, bootstrapCount: 10 },
      parallelism: 1,
    });
    expect(response.statusCode, response.body).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done).toMatchObject({ status: 'failed', best: null, trials: { pruned: 3, total: 3 } });
    expect(done.result).toEqual({
      reason: 'no_best_trial',
      message: 'All 3 points of the grid finished. No trial ran to its end with a finite value of finalLoss (3 pruned), so the sweep has no best trial.',
    });
    // The leaderboard still shows each pruned trial's value where it stopped.
    const trials = await leaderboard(api.app, api.authorization, done.id);
    expect(trials).toHaveLength(3);
    for (const trial of trials) expect(trial).toMatchObject({ status: 'pruned', value: expect.any(Number), pruning: { rule: 'asha', step: 10 } });
  });

  it('ends a sweep of one trial saying that its one trial finished', async () => {
    const response = await post({ base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, sampler: { type: 'random', seed: 1 }, budget: { maxTrials: 1 } });
    const done = await waitForSweep(api.app, api.authorization, response.json().id);
    expect(done).toMatchObject({ status: 'completed', trials: { completed: 1, total: 1 }, result: { reason: 'budget_exhausted', message: 'The 1 trial of the budget finished.' } });
    expect(done.best).not.toBeNull();
  });

  it('cancels a sweep: no more trials, queued ones cancelled, running ones stopped', async () => {
    const response = await post(longTrialsSweep);
    const id = response.json().id;
    await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.running > 0, { timeoutMs: 30_000, intervalMs: 50 });
    const cancelled = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', result: { reason: 'cancelled' } });
    const view = await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.running === 0 && sweep.trials.queued === 0, { timeoutMs: 30_000, intervalMs: 50 });
    expect(view.trials).toMatchObject({ running: 0, queued: 0, total: 2, cancelled: 2 });
  });

  it('keeps a finished trial while its sweep runs (409 sweep_active), and deletes it once the sweep has ended', async () => {
    const response = await post(longTrialsSweep);
    const id = response.json().id;
    const headers = { authorization: api.authorization };
    await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.running > 0, { timeoutMs: 30_000, intervalMs: 50 });
    const trials = (await api.app.inject({ method: 'GET', url: `/v1/runs?sweepId=${id}`, headers })).json().runs as { id: string }[];
    const trial = trials[0]!.id;
    expect((await api.app.inject({ method: 'POST', url: `/v1/runs/${trial}/cancel`, headers })).statusCode).toBeLessThan(300);
    await eventually(() => api.app.inject({ method: 'GET', url: `/v1/runs/${trial}`, headers }), (run) => run.json().status === 'cancelled', { timeoutMs: 30_000, intervalMs: 50 });

    const kept = await api.app.inject({ method: 'DELETE', url: `/v1/runs/${trial}`, headers });
    expect(kept.statusCode).toBe(409);
    expect(kept.json()).toMatchObject({ code: 'sweep_active', detail: expect.stringContaining(`sweep ${id}`) });

    expect((await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/runs/${trial}`, headers })).statusCode).toBe(204);
  });

  it('tags a page of sweeps anew when an ended sweep\'s trials change and the sweep does not: a deleted trial takes its count and its best with it', async () => {
    // A tenant of its own: no other test's sweep moves on in the page.
    const { authorization: own } = await createTenantKey(api.services.database, 'sweeps-etag');
    const headers = { authorization: own };
    const submitted = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers,
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, sampler: { type: 'random', seed: 1 }, budget: { maxTrials: 1 } },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const done = await waitForSweep(api.app, own, submitted.json().id);
    expect(done).toMatchObject({ status: 'completed', trials: { completed: 1, total: 1 }, best: { trialNumber: 0 } });
    const url = '/v1/sweeps?limit=5';
    const etag = (await api.app.inject({ url, headers })).headers.etag as string;
    expect((await api.app.inject({ url, headers: { ...headers, 'if-none-match': etag } })).statusCode).toBe(304);
    // Its one trial deleted: the sweep's row is as it was, what the page says of it is not.
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/runs/${done.best!.runId}`, headers })).statusCode).toBe(204);
    const changed = await api.app.inject({ url, headers: { ...headers, 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().sweeps).toMatchObject([{ id: done.id, status: 'completed', result: done.result, trials: { completed: 0, total: 0 }, best: null, progress: { trials: 0 } }]);
  });

  it("runs the README's sweep through the API to its budget", async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Sweeps'), readme.indexOf('## Parallel and distributed SGD'));
    const response = await post(JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]), { 'idempotency-key': 'lr-search-1' });
    expect(response.statusCode).toBe(201);
    const done = await waitForSweep(api.app, api.authorization, response.json().id, 120_000);
    expect(done).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted', message: 'All 12 trials of the budget finished.' }, trials: { total: 12 } });
    expect(done.trials.completed + done.trials.pruned + done.trials.diverged).toBe(12);
    const trials = await leaderboard(api.app, api.authorization, done.id);
    expect(done.best?.runId).toBe(trials[0].runId);
    const runs = await api.app.inject({ method: 'GET', url: `/v1/runs?sweepId=${done.id}&limit=50`, headers: { authorization: api.authorization } });
    expect(runs.json().runs).toHaveLength(12);
  });

  it('lists sweeps newest first with a status filter, and hides other tenants\' sweeps', async () => {
    const list = await api.app.inject({ method: 'GET', url: '/v1/sweeps?status=completed&limit=1', headers: { authorization: api.authorization } });
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.sweeps).toHaveLength(1);
    expect(body.sweeps[0].status).toBe('completed');
    expect(body.nextCursor).not.toBeNull();
    const missing = await api.app.inject({ method: 'GET', url: '/v1/sweeps/00000000-0000-4000-8000-000000000000', headers: { authorization: api.authorization } });
    expect(missing.statusCode).toBe(404);
  });
});
