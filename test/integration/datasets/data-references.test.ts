import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvDataset, type Dataset } from '../../../src/core/datasets/index.ts';
import { createDatasetUploads } from '../../../src/db/dataset-uploads.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createObjective, objectiveSpecSchema } from '../../../src/core/objectives/index.ts';
import { createModelObjective } from '../../../src/core/objectives/models/index.ts';
import { createDatasetRepository, DatasetNotFoundError, UnreadableDataSourceError, type DatasetRepository } from '../../../src/db/datasets.ts';
import { createTenantRepository } from '../../../src/db/tenants.ts';
import { openTestServices, type TestServices } from '../support/services.ts';

const csv = 'a,b,label\n0.5,-1.2,1\n1.1,0.4,0\n-0.3,0.8,1\n2.0,-0.5,0\n';
const sparse = parseCsvDataset('a,b,y\n0,3,1\n0,0,0\n2,0,1\n');

const modelSpec = (data: object, validation?: object) =>
  objectiveSpecSchema.parse({ type: 'model', model: 'logistic', data, ...(validation ? { validation } : {}) });

describe('dataset references in objectives (resolved from PostgreSQL)', () => {
  let services: TestServices;
  let datasets: DatasetRepository;
  let tenantId: string;
  let otherTenantId: string;
  let pool: Pool;
  const store = (format: 'csv' | 'json', dataset: Dataset) =>
    createDatasetUploads(pool).store({ tenantId, format, maxTenantBytes: Number.MAX_SAFE_INTEGER }, dataset);

  beforeAll(async () => {
    services = await openTestServices();
    datasets = createDatasetRepository(services.database);
    pool = createPool(services.config.databaseUrl, 2);
    const tenants = createTenantRepository(services.database);
    tenantId = (await tenants.findOrCreate(`references-${crypto.randomUUID()}`)).id;
    otherTenantId = (await tenants.findOrCreate(`references-other-${crypto.randomUUID()}`)).id;
  });
  afterAll(async () => {
    await pool.end();
    await services.close();
  });

  it('replaces {id} in data and validation by the stored datasets, read back bit for bit', async () => {
    const training = parseCsvDataset(csv);
    const { id } = await store('csv', training);
    const { id: validationId } = await store('csv', parseCsvDataset('a,b,label\n0.1,0.2,1\n'));
    const resolved = await datasets.resolveDatasetReferences(modelSpec({ id }, { id: validationId }), tenantId);
    if (resolved.type !== 'model') throw new Error('expected a model objective');
    expect(resolved.data).toEqual(training);
    expect(resolved.validation).toMatchObject({ rows: 1, columnNames: ['a', 'b'], targetName: 'label' });

    // The objective built from the stored data equals the one built from the same data inline.
    const fromStore = createModelObjective(resolved);
    const inline = createObjective(modelSpec({ features: [[0.5, -1.2], [1.1, 0.4], [-0.3, 0.8], [2.0, -0.5]], targets: [1, 0, 1, 0] }));
    const params = Float64Array.from([0.3, -0.7, 0.1]);
    const gradient = new Float64Array(3);
    const expected = new Float64Array(3);
    expect(fromStore.valueAndGradient(params, gradient)).toBe(inline.valueAndGradient(params, expected));
    expect(gradient).toEqual(expected);
    expect(fromStore.validationLoss!(params)).toEqual(expect.any(Number));
  });

  it('keeps sparse data sparse through the database', async () => {
    const { id } = await store('json', { ...sparse, features: toSparse(sparse) });
    const loaded = await datasets.loadDataset(tenantId, id);
    expect(loaded?.features).toEqual(toSparse(sparse));
  });

  it('refuses to a new run a dataset stored with a sparse row naming a column twice, naming it; a run that has begun reads it as it did', async () => {
    // Stored before uploads refused such rows: row 2 gives column 1 twice.
    const features = { kind: 'sparse' as const, rowStarts: Int32Array.from([0, 1, 3]), indices: Int32Array.from([0, 1, 1]), values: Float64Array.from([1, 2, 3]) };
    const { id } = await store('json', { rows: 2, columns: 2, features, targets: Float64Array.from([0, 1]), columnNames: ['a', 'b'], targetName: 'y' });
    await expect(datasets.resolveDatasetReferences(modelSpec({ id }), tenantId)).rejects.toMatchObject({
      name: 'StoredDatasetError',
      message: `Dataset ${id} was stored before a sparse row could name a column twice, and does (sparse row 2: column index 1 is given twice); upload it again with one value per column.`,
    });
    const resumed = await datasets.resolveDatasetReferences(modelSpec({ id }), tenantId, { runBegun: true });
    if (resumed.type !== 'model') throw new Error('expected a model objective');
    expect(createModelObjective(resumed).dimension).toBe(3);
  });

  it('names the field of an unknown id, and treats another tenant\'s id as unknown', async () => {
    const { id } = await store('csv', parseCsvDataset(csv));
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(datasets.resolveDatasetReferences(modelSpec({ id: missing }), tenantId)).rejects.toMatchObject({
      name: 'DatasetNotFoundError',
      path: 'data.id',
      datasetId: missing,
    });
    await expect(datasets.resolveDatasetReferences(modelSpec({ builtin: 'iris' }, { id: missing }), tenantId))
      .rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(datasets.resolveDatasetReferences(modelSpec({ id }), otherTenantId)).rejects.toMatchObject({ path: 'data.id' });
    await expect(datasets.resolveDatasetReferences(modelSpec({ path: 'train.csv' }), tenantId)).rejects.toBeInstanceOf(UnreadableDataSourceError);
  });

  it('leaves other objectives and inline data untouched', async () => {
    const expression = objectiveSpecSchema.parse({ type: 'expression', expression: 'x^2', variables: ['x'] });
    expect(await datasets.resolveDatasetReferences(expression, tenantId)).toBe(expression);
    const builtin = modelSpec({ builtin: 'iris' });
    expect(await datasets.resolveDatasetReferences(builtin, tenantId)).toEqual(builtin);
  });
});

/** The same values in compressed sparse rows (zeros dropped). */
function toSparse(dataset: ReturnType<typeof parseCsvDataset>) {
  if (dataset.features.kind !== 'dense') throw new Error('expected dense');
  const { values } = dataset.features;
  const rowStarts = new Int32Array(dataset.rows + 1);
  const indices: number[] = [];
  const entries: number[] = [];
  for (let r = 0; r < dataset.rows; r++) {
    for (let j = 0; j < dataset.columns; j++) {
      if (values[r * dataset.columns + j] !== 0) {
        indices.push(j);
        entries.push(values[r * dataset.columns + j]);
      }
    }
    rowStarts[r + 1] = indices.length;
  }
  return { kind: 'sparse' as const, rowStarts, indices: Int32Array.from(indices), values: Float64Array.from(entries) };
}
