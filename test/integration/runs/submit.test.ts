import { describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec } from '../support/services.ts';
import { compareTrajectories, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, storedRuns, waitForRun, useTestApi } from './support.ts';

describe('POST /v1/runs resolves stored objectives and checks the start before queueing', () => {
  const api = useTestApi();

  it('a run may reference a stored objective by id; the worker runs that objective', async () => {
    const stored = await api.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization: api.authorization },
      payload: { name: 'rosenbrock', objective: minimalSpec.objective },
    });
    const spec = { ...minimalSpec, objective: { id: stored.json().id }, training: { maxSteps: 120 }, record: { every: 1 } };
    const response = await postRun(api.app, api.authorization, spec);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'queued', spec: { objective: { id: stored.json().id } } });

    const worker = await startTestWorker(api.services);
    try {
      const view = await waitForRun(api.app, api.authorization, response.json().id, isFinal);
      expect(view.status).toBe('completed');
      const reference = referenceTrajectory({ ...spec, objective: minimalSpec.objective });
      expect(compareTrajectories(await storedMetrics(worker.pool, view.id), reference.records)).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('an unknown objective id, or another tenant’s → 404 problem+json naming objective.id, nothing queued', async () => {
    const other = await createTenantKey(api.services.database, 'other');
    const foreign = await api.app.inject({
      method: 'POST', url: '/v1/objectives', headers: { authorization: other.authorization },
      payload: { objective: minimalSpec.objective },
    });
    for (const id of [foreign.json().id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const waitingBefore = await api.services.runsQueue.getJobCountByTypes('waiting', 'prioritized');
      const response = await postRun(api.app, api.authorization, { ...minimalSpec, objective: { id } });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'objective_not_found', errors: [{ path: 'objective.id' }] });
      expect(await api.services.runsQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(waitingBefore);
    }
  });

  it('an objective that is not finite at its start → 422 with the path, nothing stored', async () => {
    const before = await storedRuns(api);
    const response = await postRun(api.app, api.authorization, {
      ...minimalSpec,
      objective: { type: 'benchmark', name: 'rosenbrock', initial: [1e200, -1e200] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'non_finite_start', errors: [{ path: 'objective.initial' }] });
    expect(await storedRuns(api)).toBe(before);
  });

  it('a curriculum its objective cannot order by → 400 naming training.curriculum.by, nothing stored (it failed at the first update, or was ignored)', async () => {
    const before = await storedRuns(api);
    const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 50 } };
    for (const [objective, by, message] of [
      [moons, 'difficulty', 'curriculum by difficulty needs data with a difficulty column; this data has none'],
      [minimalSpec.objective, 'loss', 'curriculum by loss needs a model on data (it orders the rows by their losses); this objective has no rows'],
      [{ type: 'benchmark', name: 'sphere' }, 'difficulty', 'curriculum by difficulty needs data with a difficulty column; this objective has no rows'],
    ] as const) {
      for (const batchSize of [8, undefined]) {
        const response = await postRun(api.app, api.authorization, { ...minimalSpec, objective, training: { maxSteps: 10, batchSize, curriculum: { by } } });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'training.curriculum.by', message }] });
      }
    }
    expect(await storedRuns(api)).toBe(before);
    const ordered = await postRun(api.app, api.authorization, { ...minimalSpec, objective: moons, training: { maxSteps: 10, batchSize: 8, curriculum: { by: 'loss' } } });
    expect(ordered.statusCode, ordered.body).toBe(201);
  });
});
