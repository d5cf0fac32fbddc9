import { afterAll, describe, expect, it } from 'vitest';
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

  it('a stored objective a queued run references → 409 objective_in_use, then deletable once the run is cancelled', async () => {
    const objective = (await api.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization: api.authorization },
      payload: { name: 'bowl', objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] } },
    })).json();
    const run = (await postRun(api.app, api.authorization, { ...endlessSpec, objective: { id: objective.id } })).json();
    expect(run.status).toBe('queued');

    const refused = await remove(`/v1/objectives/${objective.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'objective_in_use', detail: expect.stringContaining(run.id) });

    expect((await cancel(run.id)).statusCode).toBe(200);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: `/v1/objectives/${objective.id}`, headers: { authorization: api.authorization } })).statusCode).toBe(404);
    expect((await remove(`/v1/objectives/${objective.id}`)).statusCode).toBe(404);
  });

  it('a dataset a queued run needs through a stored objective → 409 dataset_in_use, then deletable', async () => {
    const dataset = (await api.app.inject({
      method: 'POST', url: '/v1/datasets?target=label', headers: { authorization: api.authorization, 'content-type': 'text/csv' }, payload: csv,
    })).json();
    const objective = (await api.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization: api.authorization },
      payload: { objective: { type: 'model', model: 'logistic', data: { id: dataset.id } } },
    })).json();
    const run = (await postRun(api.app, api.authorization, { ...endlessSpec, objective: { id: objective.id } })).json();

    const refused = await remove(`/v1/datasets/${dataset.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'dataset_in_use', detail: expect.stringContaining(run.id) });

    await cancel(run.id);
    expect((await remove(`/v1/datasets/${dataset.id}`)).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: `/v1/datasets/${dataset.id}`, headers: { authorization: api.authorization } })).statusCode).toBe(404);
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
