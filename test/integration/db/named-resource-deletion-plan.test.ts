/**
 * The deletion of a stored objective or dataset finds the runs that name it through the index
 * of the ids runs name (`named_resources`, migration 20261212100000), reading those runs only: it read every
 * run the tenant ever had (100,000 runs, 110 ms under the target's lock). Explained as the
 * deletion runs it, in a transaction rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDeletionStatement, objectiveDeletionStatement } from '../../../src/db/resource-deletion.ts';
import { useTestDatabase } from './support.ts';
import { tableRowsRead, type PlanNode } from './plan-rows.ts';

const database = useTestDatabase();
let tenantId: string;
const runs = 20_000;
/** Runs naming each dataset and objective of the file. */
const naming = 3;
const datasetId = '018f0000-0000-7000-8000-00000000da7a';
const validationId = '018f0000-0000-7000-8000-00000000da7b';
const objectiveId = '018f0000-0000-7000-8000-000000000b1e';

/** The runs rows a plan's scans of the runs table read. */
const runRowsRead = (plan: PlanNode): number => tableRowsRead('runs', plan);

/** The statement's plan as it ran, for the target `id`, and its answer; nothing of it kept. */
async function explained(statement: string, id: string): Promise<PlanNode> {
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, [id, tenantId]);
    return row!['QUERY PLAN'][0].Plan;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

beforeAll(async () => {
  tenantId = await database.tenant('named-resource-deletion');
  await database.pool.query(
    `INSERT INTO datasets (id, tenant_id, format, row_count, feature_count) VALUES ($1, $3, 'dense', 4, 1), ($2, $3, 'dense', 4, 1)`,
    [datasetId, validationId, tenantId]);
  await database.pool.query(`INSERT INTO objectives (id, tenant_id, definition) VALUES ($1, $2, '{"type": "expression", "expression": "x^2", "variables": ["x"]}')`, [objectiveId, tenantId]);
  // Runs of benchmarks, and a few naming the dataset (as their data, in upper case), the
  // validation dataset and the stored objective; one names an objective by a text no id has.
  await database.pool.query(
    `INSERT INTO runs (id, tenant_id, status, spec, created_at)
     SELECT gen_random_uuid(), $1, 'completed',
            CASE WHEN i <= $3 THEN jsonb_build_object('objective', jsonb_build_object('type', 'model', 'model', 'linear-regression', 'data', jsonb_build_object('id', upper($4))))
                 WHEN i <= 2 * $3 THEN jsonb_build_object('objective', jsonb_build_object('type', 'model', 'model', 'linear-regression', 'data', jsonb_build_object('values', '[]'::jsonb), 'validation', jsonb_build_object('id', $5::text)))
                 WHEN i <= 3 * $3 THEN jsonb_build_object('objective', jsonb_build_object('id', $6::text))
                 WHEN i = 3 * $3 + 1 THEN '{"objective": {"id": "rosenbrock"}}'::jsonb
                 ELSE jsonb_build_object('objective', jsonb_build_object('type', 'benchmark', 'name', 'rosenbrock'), 'optimizer', jsonb_build_object('name', 'adam')) END,
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`,
    [tenantId, runs, naming, datasetId, validationId, objectiveId]);
  await database.pool.query('ANALYZE runs');
});
afterAll(async () => {
  await database.pool.query('DELETE FROM tenants WHERE id = $1::uuid', [tenantId]);
});

describe('the deletion of a stored objective or dataset of a tenant with many runs', () => {
  for (const [kind, statement, id] of [
    ['dataset, named as data in another case', datasetDeletionStatement, datasetId],
    ['dataset, named as validation data', datasetDeletionStatement, validationId],
    ['stored objective', objectiveDeletionStatement, objectiveId],
  ] as const) {
    it(`reads only the runs that name the ${kind}`, async () => {
      const plan = await explained(statement, id);
      expect(runRowsRead(plan)).toBe(naming);
    });
  }

  it('reads none of them for a dataset no run names; keeps one in use, its runs counted', async () => {
    const unused = '018f0000-0000-7000-8000-00000000da7c';
    await database.pool.query(`INSERT INTO datasets (id, tenant_id, format, row_count, feature_count) VALUES ($1, $2, 'dense', 4, 1)`, [unused, tenantId]);
    expect(runRowsRead(await explained(datasetDeletionStatement, unused))).toBe(0);
    const { rows: [answer] } = await database.pool.query<{ deleted: boolean; runs: number }>(datasetDeletionStatement, [datasetId, tenantId]);
    expect(answer).toMatchObject({ deleted: false, runs: naming });
  });
});
