/**
 * A sparse row naming a column twice is refused where data comes in (a submission, here), not
 * where a run builds its objective: a run accepted before such rows were refused resumes on them
 * from its checkpoint, as it began; one starting fresh with them (a sweep's trial, whose
 * parameters may write into its data) fails saying why.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRunEnqueuer } from '../../../src/queue/runs-queue.ts';
import { getRun, isFinal, postRun, startTestWorker, waitForCheckpoint, waitForRun, useTestApi, type TestWorker } from './support.ts';

const rows = [
  { indices: [0, 3], values: [1, 2] },
  { indices: [1], values: [-1.5] },
  { indices: [2, 4, 5], values: [0.5, 1, -0.25] },
  { indices: [0, 5], values: [-1, 3] },
  { indices: [3, 4], values: [0.75, -0.5] },
];
const targets = [1, 0, 1, 0, 1];
/** Row 5 gives column 3 twice. */
const twice = rows.map((row, r) => (r === 4 ? { ...row, indices: [3, 3] } : row));

const spec = (data: typeof rows) => ({
  objective: { type: 'model', model: 'logistic', data: { columns: 6, rows: data, targets } },
  optimizer: { name: 'sgd', learningRate: 0.01 },
  training: { maxSteps: 100_000, batchSize: 1 },
  record: { every: 1 },
});

describe('a sparse row naming a column twice', () => {
  const api = useTestApi();
  const workers: TestWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.close();
  });

  /** Gives the run's stored spec row 5 with column 3 twice, as a run submitted before the check holds it; answers the spec. */
  const acceptedBefore = async (id: string) => {
    await api.services.database.$executeRaw`UPDATE runs SET spec = jsonb_set(spec, '{objective,data,rows,4,indices}', '[3, 3]') WHERE id = ${id}::uuid`;
    return (await api.services.database.run.findUniqueOrThrow({ where: { id } })).spec;
  };

  it('is refused as a run or a sweep is submitted, naming the row', async () => {
    const run = await postRun(api.app, api.authorization, spec(twice));
    expect(run.statusCode).toBe(422);
    const message = 'sparse row 5: column index 3 is given twice';
    expect(run.json()).toMatchObject({
      code: 'invalid_objective', detail: `objective.data.rows[4].indices[1]: ${message}`,
      errors: [{ path: 'objective.data.rows[4].indices[1]', message, code: 'invalid_objective' }],
    });
    const sweep = await api.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      headers: { authorization: api.authorization },
      payload: { base: spec(twice), parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1 } }, budget: { maxTrials: 2 } },
    });
    expect(sweep.statusCode).toBe(422);
    expect(sweep.json()).toMatchObject({ code: 'invalid_objective', errors: [{ path: 'base.objective.data.rows[4].indices[1]', message }] });
    const inValidation = await postRun(api.app, api.authorization, { ...spec(rows), objective: { ...spec(rows).objective, validation: { columns: 6, rows: twice, targets } } });
    expect([inValidation.statusCode, inValidation.json().errors]).toEqual([422, [{ path: 'objective.validation.rows[4].indices[1]', message, code: 'invalid_objective' }]]);
  });

  it('goes on in a run accepted before such rows were refused, resumed from its checkpoint', async () => {
    const first = await startTestWorker(api.services, { sliceMs: 5, maxRowsPerSlice: 500 });
    const id = (await postRun(api.app, api.authorization, spec(rows))).json().id;
    await waitForCheckpoint(first.pool, id);
    await first.close();
    expect(await getRun(api.app, api.authorization, id)).toMatchObject({ status: 'running', attempts: 1 });
    await acceptedBefore(id);

    const worker = await startTestWorker(api.services);
    workers.push(worker);
    const view = await waitForRun(api.app, api.authorization, id, isFinal, 60_000);
    expect(view).toMatchObject({ status: 'completed', attempts: 2, result: { steps: 100_000 } });
  }, 90_000);

  it('fails a run starting fresh with them, saying why', async () => {
    for (const worker of workers.splice(0)) await worker.close();
    const id = (await postRun(api.app, api.authorization, spec(rows))).json().id;
    const job = await api.services.runsQueue.getJob(id);
    const stored = await acceptedBefore(id);
    // Its job carrying the spec as stored, as a sweep's trial's does.
    await api.services.runsQueue.remove(id);
    await createRunEnqueuer(api.services.runsQueue).enqueue(id, { priority: 1, tenantId: job!.data.tenantId! }, stored);

    workers.push(await startTestWorker(api.services));
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    expect(view).toMatchObject({ status: 'failed', result: { stopReason: 'error', message: 'The objective cannot be built: sparse row 5: column index 3 is given twice' } });
  });
});
