/**
 * The deletion of a stored objective or dataset finds the runs, sweeps and stored objectives that
 * name it through the index of the ids each names (`named_resources`, migrations 20261212100000
 * and 20261213110000), reading those rows only: it read every run the tenant ever had (100,000
 * runs, 110 ms under the target's lock), and searched the text of every stored objective and of
 * every sweep that has not ended. Explained as the deletion runs it, in a transaction rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDeletionStatement, objectiveDeletionStatement } from '../../../src/db/resource-deletion.ts';
import { useTestDatabase } from './support.ts';
import { tableRowsRead, type PlanNode } from './plan-rows.ts';

const database = useTestDatabase();
let tenantId: string;
const runs = 20_000;
const objectives = 2_000;
const sweeps = 400;
/** Runs naming each dataset and the stored objective; stored objectives naming each dataset; sweeps naming the dataset, and the objective each way. */
const naming = 3;
const datasetId = '018f0000-0000-7000-8000-00000000da7a';
const validationId = '018f0000-0000-7000-8000-00000000da7b';
const objectiveId = '018f0000-0000-7000-8000-000000000b1e';

/** The runs rows a plan's scans of the runs table read. */
const runRowsRead = (plan: PlanNode): number => tableRowsRead('runs', plan);
/** The rows a plan read of each table that may name a stored objective or dataset. */
const rowsRead = (plan: PlanNode) => ({ runs: runRowsRead(plan), objectives: tableRowsRead('objectives', plan), sweeps: tableRowsRead('sweeps', plan) });

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
  // Stored objectives: expressions, models on inline data, and a few naming each dataset (the
  // first in upper case); the stored objective the runs name is one of them.
  await database.pool.query(
    `INSERT INTO objectives (id, tenant_id, definition, created_at)
     SELECT gen_random_uuid(), $1,
            CASE WHEN i <= $3 THEN jsonb_build_object('type', 'model', 'model', 'logistic', 'data', jsonb_build_object('id', CASE WHEN i = 1 THEN upper($4) ELSE $4 END))
                 WHEN i <= 2 * $3 THEN jsonb_build_object('type', 'model', 'model', 'logistic', 'data', jsonb_build_object('rows', '[[0, 1], [1, 0]]'::jsonb), 'validation', jsonb_build_object('id', $5::text))
                 WHEN i % 2 = 0 THEN jsonb_build_object('type', 'model', 'model', 'logistic', 'data', jsonb_build_object('rows', '[[0, 1], [1, 0]]'::jsonb))
                 ELSE jsonb_build_object('type', 'expression', 'expression', 'x^2 + ' || i, 'variables', jsonb_build_array('x')) END,
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`,
    [tenantId, objectives, naming, datasetId, validationId]);
  // Sweeps, most of them ended: unfinished ones naming the stored objective (in their base, or
  // among a parameter's values) and the dataset (as their base's data), ended ones naming them
  // too, and the rest over a benchmark.
  await database.pool.query(
    `INSERT INTO sweeps (id, tenant_id, status, spec, created_at)
     SELECT gen_random_uuid(), $1, CASE WHEN i <= 4 * $3 OR i % 10 = 0 THEN 'queued' ELSE 'completed' END::sweep_status,
            json_build_object('base', json_build_object('objective',
                CASE WHEN i <= $3 OR i BETWEEN 4 * $3 + 1 AND 5 * $3 THEN json_build_object('id', $4::text)
                     WHEN i <= 2 * $3 THEN json_build_object('type', 'model', 'model', 'logistic', 'data', json_build_object('id', $5::text))
                     ELSE json_build_object('type', 'benchmark', 'name', 'rosenbrock') END,
              'optimizer', json_build_object('name', 'adam')),
              'parameters', CASE WHEN i BETWEEN 2 * $3 + 1 AND 3 * $3 THEN json_build_object('objective.id', json_build_object('type', 'categorical', 'values', json_build_array($4::text)))
                                 ELSE json_build_object('optimizer.learningRate', json_build_object('type', 'float', 'low', 0.001, 'high', 0.1)) END),
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`,
    [tenantId, sweeps, naming, objectiveId, datasetId]);
  await database.pool.query('ANALYZE runs, objectives, sweeps');
});
afterAll(async () => {
  await database.pool.query('DELETE FROM tenants WHERE id = $1::uuid', [tenantId]);
});

describe('the deletion of a stored objective or dataset of a tenant with many runs, stored objectives and sweeps', () => {
  // Of the sweeps, at most those that name the target or a stored objective over it, ended or not
  // (the index holds no status; a plan may also use the index of their status). The stored
  // objective's deletion reads its own row.
  for (const [kind, statement, id, read] of [
    ['dataset, named as data in another case', datasetDeletionStatement, datasetId, { runs: naming, objectives: naming, sweeps: naming }],
    ['dataset, named as validation data', datasetDeletionStatement, validationId, { runs: naming, objectives: naming, sweeps: 0 }],
    ['stored objective', objectiveDeletionStatement, objectiveId, { runs: naming, objectives: 1, sweeps: 3 * naming }],
  ] as const) {
    it(`reads only the runs, stored objectives and sweeps that name the ${kind}`, async () => {
      const { sweeps: sweepsRead, ...others } = rowsRead(await explained(statement, id));
      expect(others).toEqual({ runs: read.runs, objectives: read.objectives });
      expect(sweepsRead).toBeLessThanOrEqual(read.sweeps);
    });
  }

  it('reads none of them for a dataset nothing names; keeps those in use, what names them counted', async () => {
    const unused = '018f0000-0000-7000-8000-00000000da7c';
    await database.pool.query(`INSERT INTO datasets (id, tenant_id, format, row_count, feature_count) VALUES ($1, $2, 'dense', 4, 1)`, [unused, tenantId]);
    expect(rowsRead(await explained(datasetDeletionStatement, unused))).toEqual({ runs: 0, objectives: 0, sweeps: 0 });
    const answer = async (statement: string, id: string) => (await database.pool.query(statement, [id, tenantId])).rows[0];
    expect(await answer(datasetDeletionStatement, datasetId)).toMatchObject({ deleted: false, runs: naming, objectives: naming, sweeps: naming });
    expect(await answer(datasetDeletionStatement, validationId)).toMatchObject({ deleted: false, runs: naming, objectives: naming, sweeps: 0 });
    // The sweeps that have ended and name it do not keep it.
    expect(await answer(objectiveDeletionStatement, objectiveId)).toMatchObject({ deleted: false, runs: naming, objectives: 0, sweeps: 2 * naming });
  });
});
