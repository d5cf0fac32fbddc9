import { afterAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../../../src/api/errors/problem.ts';
import { createTenantKey } from '../support/services.ts';
import { isFinal, postRun, startTestWorker, waitForRun, useTestApi, type TestWorker } from './support.ts';

/** Long enough to keep rollups (more than 16,384 steps) and checkpoints. */
const longSpec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 0.001 },
  training: { maxSteps: 20_000 },
  record: { every: 1 },
};

const endlessSpec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 1e-9 },
  training: { maxSteps: 1e9 },
  record: { every: 1000 },
};

const csv = 'x,label\n0,0\n1,1\n2,0\n3,1\n';

describe('DELETE /v1/runs/{id}, /v1/objectives/{id}, /v1/datasets/{id}', () => {
  const api = useTestApi();
  let worker: TestWorker | undefined;

  afterAll(async () => {
    await worker?.close();
  });

  const remove = (path: string, authorization = api.authorization) =>
    api.app.inject({ method: 'DELETE', url: path, headers: { authorization } });
  const cancel = (id: string) =>
    api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } });

  async function storedCounts(runId: string) {
    const count = async (table: string) =>
      Number((await api.services.database.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table} WHERE run_id = $1::uuid`, runId))[0]!.n);
    return { metrics: await count('run_metrics'), rollups: await count('metric_rollups'), checkpoints: await count('checkpoints') };
  }

  const post = (path: string, payload: object | string, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: path, headers: { authorization: api.authorization, ...headers }, payload });
  const get = (path: string) => api.app.inject({ method: 'GET', url: path, headers: { authorization: api.authorization } });

  /** A refused deletion: 409 with the code, what keeps it in `usedBy`, as the document describes problems. */
  async function refusedDeletion(path: string, code: string, usedBy: object) {
    const refused = await remove(path);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = refused.json();
    expect(problemSchema.parse(problem)).toEqual(problem);
    expect(problem).toMatchObject({ code, usedBy: { runs: 0, unfinishedRuns: 0, sweeps: 0, objectives: 0, runIds: [], sweepIds: [], objectiveIds: [], ...usedBy } });
    return problem as { detail: string };
  }

  /** A run of the spec, run to its end by a worker. */
  async function finishedRun(spec: object): Promise<string> {
    worker ??= await startTestWorker(api.services);
    const submitted = await postRun(api.app, api.authorization, spec);
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = submitted.json().id as string;
    expect((await waitForRun(api.app, api.authorization, id, isFinal)).status).toBe('completed');
    return id;
  }

  it("a stored objective a finished run names → 409 objective_in_use naming the run, whose landscape and parameter names still answer; deletable once the run is deleted", async () => {
    const objective = (await post('/v1/objectives', { name: 'bowl', objective: { type: 'expression', expression: 'x^2 + 3*y^2', variables: ['x', 'y'], initial: [1, 1] } })).json();
    const run = await finishedRun({ objective: { id: objective.id }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 20 } });

    const problem = await refusedDeletion(`/v1/objectives/${objective.id}`, 'objective_in_use', { runs: 1, runIds: [run] });
    expect(problem.detail).toContain(`delete the runs (DELETE /v1/runs/{id}): ${run}`);
    expect(problem.detail).toContain('used by 1 run: a run reads it to run, and once finished to show its landscape and parameter names.');
    // What the finished run's page shows is still built from the objective.
    expect((await get(`/v1/runs/${run}/landscape?resolution=5`)).statusCode).toBe(200);
    expect((await get(`/v1/runs/${run}/parameters`)).json()).toMatchObject({ names: ['x', 'y'] });
    expect((await get(`/v1/objectives/${objective.id}`)).statusCode).toBe(200);

    expect((await remove(`/v1/runs/${run}`)).statusCode).toBe(204);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(204);
    expect((await get(`/v1/objectives/${objective.id}`)).statusCode).toBe(404);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(404);
  });

  it('a stored objective an unfinished run names → 409 counting it unfinished, and still once it is cancelled, until it is deleted', async () => {
    const objective = (await post('/v1/objectives', { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } })).json();
    const run = (await postRun(api.app, api.authorization, { ...endlessSpec, objective: { id: objective.id } })).json();
    expect(run.status).toBe('queued');

    const problem = await refusedDeletion(`/v1/objectives/${objective.id}`, 'objective_in_use', { runs: 1, unfinishedRuns: 1, runIds: [run.id] });
    expect(problem.detail).toContain('cancel an unfinished one first');
    // Cancelled at once while queued, or within a slice once a worker has it.
    expect([200, 202]).toContain((await cancel(run.id)).statusCode);
    await waitForRun(api.app, api.authorization, run.id, isFinal);
    await refusedDeletion(`/v1/objectives/${objective.id}`, 'objective_in_use', { runs: 1, runIds: [run.id] });
    expect((await remove(`/v1/runs/${run.id}`)).statusCode).toBe(204);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(204);
  });

  it('a stored objective the base of a sweep that has not ended names → 409 naming the sweep; deletable once it is cancelled', async () => {
    const objective = (await post('/v1/objectives', { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } })).json();
    const sweep = await post('/v1/sweeps', {
      base: { objective: { id: objective.id }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } }, sampler: { type: 'grid' },
    });
    expect(sweep.statusCode, sweep.body).toBe(201);
    // No coordinator runs in this file: the sweep stays queued, with no trial yet.
    const problem = await refusedDeletion(`/v1/objectives/${objective.id}`, 'objective_in_use', { sweeps: 1, sweepIds: [sweep.json().id] });
    expect(problem.detail).toContain(`cancel the sweeps (POST /v1/sweeps/{id}/cancel) or let them end: ${sweep.json().id}`);
    // Why is said of the sweep alone: no run reads it yet.
    expect(problem.detail).toContain("used by 1 sweep that has not ended: a sweep's next trials are runs of it.");

    expect((await post(`/v1/sweeps/${sweep.json().id}/cancel`, {})).statusCode).toBe(200);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(204);
  });

  it('a stored objective among the values of a parameter of a sweep that has not ended → 409 naming the sweep; deletable once it is cancelled', async () => {
    const stored = async () => (await post('/v1/objectives', { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } })).json().id as string;
    const [searched, kept] = [await stored(), await stored()];
    const sweep = await post('/v1/sweeps', {
      base: { objective: { id: kept }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
      parameters: { 'objective.id': { type: 'categorical', values: [kept, searched] } }, sampler: { type: 'grid' },
    });
    expect(sweep.statusCode, sweep.body).toBe(201);
    await refusedDeletion(`/v1/objectives/${searched}`, 'objective_in_use', { sweeps: 1, sweepIds: [sweep.json().id] });
    expect((await post(`/v1/sweeps/${sweep.json().id}/cancel`, {})).statusCode).toBe(200);
    expect((await remove(`/v1/objectives/${searched}`)).statusCode).toBe(204);
  });

  it("a dataset sweeps that have not ended name (their base's data, a parameter's values, a stored objective over it) → 409 naming them; an ended sweep, or one whose name only mentions it, does not keep it", async () => {
    const upload = async () => (await post('/v1/datasets?target=label', csv, { 'content-type': 'text/csv' })).json().id as string;
    const [dataset, other] = [await upload(), await upload()];
    const objective = (await post('/v1/objectives', { objective: { type: 'model', model: 'logistic', data: { id: dataset } } })).json().id as string;
    const model = (id: string) => ({ type: 'model', model: 'logistic', data: { id } });
    const rates = { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } };
    const sweepOf = async (objective: object, parameters: object = rates, name?: string) => {
      const sweep = await post('/v1/sweeps', {
        ...(name === undefined ? {} : { name }),
        base: { objective, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } }, parameters, sampler: { type: 'grid' },
      });
      expect(sweep.statusCode, sweep.body).toBe(201);
      return sweep.json().id as string;
    };
    const inBase = await sweepOf(model(dataset));
    const amongValues = await sweepOf(model(other), { 'objective.data.id': { type: 'categorical', values: [other, dataset] } });
    const throughObjective = await sweepOf({ id: objective });
    const ended = await sweepOf(model(dataset));
    expect((await post(`/v1/sweeps/${ended}/cancel`, {})).statusCode).toBe(200);
    await sweepOf(model(other), rates, `not on ${dataset}`);

    await refusedDeletion(`/v1/datasets/${dataset}`, 'dataset_in_use', { sweeps: 3, objectives: 1, sweepIds: [throughObjective, amongValues, inBase], objectiveIds: [objective] });
    for (const sweep of [inBase, amongValues, throughObjective]) expect((await post(`/v1/sweeps/${sweep}/cancel`, {})).statusCode).toBe(200);
    await refusedDeletion(`/v1/datasets/${dataset}`, 'dataset_in_use', { objectives: 1, objectiveIds: [objective] });
    expect((await remove(`/v1/objectives/${objective}`)).statusCode).toBe(204);
    expect((await remove(`/v1/datasets/${dataset}`)).statusCode).toBe(204);
  });

  it('a dataset finished runs name, directly and through a stored objective → 409 dataset_in_use naming them and the objective; deletable once they are deleted', async () => {
    const dataset = (await post('/v1/datasets?target=label', csv, { 'content-type': 'text/csv' })).json();
    const objective = (await post('/v1/objectives', { objective: { type: 'model', model: 'logistic', data: { id: dataset.id } } })).json();
    const direct = await finishedRun({ objective: { type: 'model', model: 'logistic', data: { id: dataset.id } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } });
    const throughObjective = await finishedRun({ objective: { id: objective.id }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } });

    await refusedDeletion(`/v1/datasets/${dataset.id}`, 'dataset_in_use', { runs: 2, objectives: 1, runIds: [throughObjective, direct], objectiveIds: [objective.id] });
    for (const run of [direct, throughObjective]) expect((await get(`/v1/runs/${run}/parameters`)).json()).toMatchObject({ names: ['w_x', 'b'] });

    for (const run of [direct, throughObjective]) expect((await remove(`/v1/runs/${run}`)).statusCode).toBe(204);
    // The stored objective alone keeps it: every run of it would fail.
    const problem = await refusedDeletion(`/v1/datasets/${dataset.id}`, 'dataset_in_use', { objectives: 1, objectiveIds: [objective.id] });
    expect(problem.detail).toContain(`delete the stored objectives (DELETE /v1/objectives/{id}): ${objective.id}`);
    expect(problem.detail).toContain('used by 1 stored objective: every run of a stored objective over it reads it.');
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(204);
    expect((await remove(`/v1/datasets/${dataset.id}`)).statusCode).toBe(204);
    expect((await get(`/v1/datasets/${dataset.id}`)).statusCode).toBe(404);
  });

  it('a finished run goes with its steps, rollups and checkpoints', async () => {
    worker ??= await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, longSpec)).json().id;
    await waitForRun(api.app, api.authorization, id, isFinal, 60_000);
    // A run that ends drops its checkpoints; one that failed may keep its last, as this one now does.
    await api.services.database.$executeRawUnsafe(`INSERT INTO checkpoints (run_id, step, state) VALUES ($1::uuid, 20000, '{}')`, id);
    const before = await storedCounts(id);
    expect(before.metrics).toBe(20_000);
    expect(before.rollups).toBeGreaterThan(0);
    expect(before.checkpoints).toBe(1);

    const response = await remove(`/v1/runs/${id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await storedCounts(id)).toEqual({ metrics: 0, rollups: 0, checkpoints: 0 });
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization: api.authorization } })).statusCode).toBe(404);
    expect((await remove(`/v1/runs/${id}`)).statusCode).toBe(404);
  });

  it('a running run → 409 run_active; once cancelled it can be deleted', async () => {
    worker ??= await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, endlessSpec)).json().id;
    await waitForRun(api.app, api.authorization, id, (view) => view.status === 'running');
    const refused = await remove(`/v1/runs/${id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'run_active', detail: expect.stringContaining('running') });

    await cancel(id);
    await waitForRun(api.app, api.authorization, id, isFinal, 10_000);
    expect((await remove(`/v1/runs/${id}`)).statusCode).toBe(204);
    expect(await storedCounts(id)).toEqual({ metrics: 0, rollups: 0, checkpoints: 0 });
  });

  it("another tenant's resources, or none at all → 404", async () => {
    worker ??= await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, { ...longSpec, training: { maxSteps: 10 } })).json().id;
    await waitForRun(api.app, api.authorization, id, isFinal);
    const other = await createTenantKey(api.services.database, 'other');
    expect((await remove(`/v1/runs/${id}`, other.authorization)).statusCode).toBe(404);
    expect((await remove('/v1/runs/not-a-uuid')).statusCode).toBe(404);
    expect((await remove('/v1/objectives/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await remove('/v1/datasets/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization: api.authorization } })).statusCode).toBe(200);
  });
});
