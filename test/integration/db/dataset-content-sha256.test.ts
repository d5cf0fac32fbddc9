/**
 * The datasets list of one content digest reads only the datasets of that content: the index on
 * (tenant_id, columns ->> 'contentSha256') holds it, so a tenant's many other datasets (and another
 * tenant's of the same content, and those stored without a digest) are not read. Explained as the
 * repository runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatasetRepository, datasetListStatement } from '../../../src/db/datasets.ts';
import { tableRowsRead, type PlanNode } from './plan-rows.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();
let tenantId: string;
let otherTenantId: string;
const datasets = 5_000;
const sought = `sha256:${'0'.repeat(62)}aa`;

/** `count` datasets of the tenant, every `every`th of content `sought`, the others each of its own (every third without a digest, as stored before it was kept). */
async function insertDatasets(tenant: string, count: number, every: number): Promise<void> {
  await database.pool.query(
    `INSERT INTO datasets (id, tenant_id, name, format, row_count, feature_count, columns, created_at)
     SELECT gen_random_uuid(), $1, 'd' || i, 'json', 1, 1,
            jsonb_build_object('layout', 'dense', 'featureCount', 1, 'columns', jsonb_build_array('x'), 'target', 'y', 'classes', NULL,
                               'difficulty', false, 'nonZeros', NULL,
                               'contentHash', 'fnv1a64:' || lpad(to_hex(i), 16, '0'))
            || CASE WHEN i % $3::int = 0 THEN jsonb_build_object('contentSha256', $4::text)
                    WHEN i % 3 = 0 THEN '{}'::jsonb
                    ELSE jsonb_build_object('contentSha256', 'sha256:' || lpad(to_hex(i + 4096), 64, '0')) END,
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`, [tenant, count, every, sought]);
}

beforeAll(async () => {
  tenantId = await database.tenant('dataset-sha256');
  otherTenantId = await database.tenant('dataset-sha256-other');
  await insertDatasets(tenantId, datasets, 1000);
  await insertDatasets(otherTenantId, datasets, 100);
  await database.pool.query('ANALYZE datasets');
});
afterAll(async () => {
  await database.pool.query('DELETE FROM tenants WHERE id = ANY($1::uuid[])', [[tenantId, otherTenantId]]);
});

describe('the datasets of one content digest', () => {
  it("are listed newest first, reading none of the tenant's other datasets nor another tenant's", async () => {
    const { text, values } = datasetListStatement(tenantId, { limit: 51, contentSha256: sought });
    const [row] = await database.services.database.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, ...values);
    const plan = row!['QUERY PLAN'][0].Plan;
    expect(plan['Actual Rows']).toBe(datasets / 1000);
    // A bitmap scan counts them twice: the index's entries, then the rows of the heap.
    expect(tableRowsRead('datasets', plan)).toBeLessThanOrEqual(2 * (datasets / 1000));

    const listed = await createDatasetRepository(database.services.database).list(tenantId, { limit: 3, contentSha256: sought });
    expect(listed.map((dataset) => dataset.name)).toEqual(['d5000', 'd4000', 'd3000']);
    expect(listed.every((dataset) => dataset.contentSha256 === sought)).toBe(true);
    const after = listed.at(-1)!;
    const rest = await createDatasetRepository(database.services.database).list(tenantId, { limit: 3, contentSha256: sought, after });
    expect(rest.map((dataset) => dataset.name)).toEqual(['d2000', 'd1000']);
  });
});
