import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvedSpecForRequest } from '../../../src/api/routes/objectives/objective-problems.ts';
import { createObjectiveRepository } from '../../../src/db/objectives.ts';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { objectiveSpecSchema } from '../../../src/core/objectives/index.ts';
import { createDatasetRepository } from '../../../src/db/datasets.ts';
import { createRunRepository } from '../../../src/db/runs.ts';
import { createRunEnqueuer } from '../../../src/queue/runs-queue.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { compareTrajectories, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, waitForRun, type TestWorker } from '../runs/support.ts';

const features = [[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.3, 0.8, 0.9], [2.0, -0.5, 0.1], [0.7, 0.7, -0.2]];
const targets = [1, 0, 1, 0, 1];
const csv = ['a,b,c,label', ...features.map((row, r) => `${row.join(',')},${targets[r]}`)].join('\n');

const runSpec = (data: object) => ({
  objective: { type: 'model', model: 'logistic', data },
  optimizer: { name: 'nadam', learningRate: 0.05 },
  training: { maxSteps: 120, batchSize: 2, shuffle: true, seed: 7 },
  record: { every: 1, params: true },
});

describe('runs on uploaded datasets', () => {
  let services: TestServices;
  let app: FastifyInstance;
  let worker: TestWorker;
  let authorization: string;
  let tenantName: string;

  beforeAll(async () => {
    services = await openTestServices();
    app = await buildTestApp(services);
    ({ authorization, tenantName } = await createTenantKey(services.database, 'dataset-runs'));
    worker = await startTestWorker(services, { sliceMs: 1, maxRowsPerSlice: 25 });
  });
  afterAll(async () => {
    await worker.close();
    await app.close();
    await services.close();
  });

  const tenantId = async () => (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;

  it('a run whose data is {"id": …} of an uploaded CSV reaches the worker and trains exactly as on the same data inline', async () => {
    const upload = await app.inject({ method: 'POST', url: '/v1/datasets?target=label', headers: { authorization, 'content-type': 'text/csv' }, payload: csv });
    expect(upload.statusCode).toBe(201);
    const spec = runSpec({ id: upload.json().id });
    const response = await postRun(app, authorization, spec);
    expect(response.statusCode).toBe(201);
    const view = await waitForRun(app, authorization, response.json().id, isFinal);
    expect(view.status).toBe('completed');

    // The reference: the CLI's loop on the same numbers given inline.
    const reference = referenceTrajectory(runSpec({ features, targets }));
    expect(view.result).toMatchObject({ stopReason: 'max_steps', steps: 120 });
    expect(view.result!.params).toEqual(reference.result.params);
    expect(compareTrajectories(await storedMetrics(worker.pool, view.id), reference.records)).toEqual([]);
  });

  it('the worker fails a run whose dataset is gone, without retries, saying which', async () => {
    const missing = '00000000-0000-4000-8000-0000000000aa';
    const spec = runSpecSchema.parse(runSpec({ id: missing }));
    // A submission refuses it, naming the field, as the API's check does.
    await expect(createRunRepository(services.database, worker.pool).create({ tenantId: await tenantId(), spec })).rejects.toMatchObject({
      name: 'DatasetNotFoundError', datasetId: missing, path: 'data.id',
    });
    // Stored and queued as a run accepted before submissions checked again what it names.
    const id = randomUUID();
    await worker.pool.query('INSERT INTO runs (id, tenant_id, spec, created_at, updated_at) VALUES ($1, $2, $3, now(), now())', [id, await tenantId(), JSON.stringify(spec)]);
    await createRunEnqueuer(services.runsQueue).enqueue(id);
    const view = await waitForRun(app, authorization, id, isFinal);
    expect(view.status).toBe('failed');
    expect(view.attempts).toBe(1);
    expect(view.result).toMatchObject({ stopReason: 'error', message: expect.stringContaining(`There is no dataset ${missing}.`) });
  });

  it('the API names the field of an unknown dataset id: 404 objective.data.id / objective.validation.id', async () => {
    const datasets = createDatasetRepository(services.database);
    const objectives = createObjectiveRepository(services.database);
    const missing = '00000000-0000-4000-8000-0000000000bb';
    const spec = objectiveSpecSchema.parse({ type: 'model', model: 'logistic', data: { builtin: 'iris' }, validation: { id: missing } });
    await expect(resolvedSpecForRequest({ objectives, datasets }, await tenantId(), spec, 'objective')).rejects.toMatchObject({
      statusCode: 404,
      code: 'dataset_not_found',
      errors: [{ path: 'objective.validation.id', message: `There is no dataset ${missing}.`, code: 'dataset_not_found' }],
    });
    const file = objectiveSpecSchema.parse({ type: 'model', model: 'logistic', data: { path: 'train.csv' } });
    await expect(resolvedSpecForRequest({ objectives, datasets }, await tenantId(), file, 'objective')).rejects.toMatchObject({
      statusCode: 422,
      code: 'unsupported_data_source',
      errors: [expect.objectContaining({ path: 'objective.data.path' })],
    });
  });
});
