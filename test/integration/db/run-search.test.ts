/**
 * The runs list's search reads only the searching tenant's runs: no index holds the searched text
 * (one would be rewritten at every progress write of a running run), so a search reads at most
 * every run of the tenant's, and none of another tenant's, however many of theirs have the text.
 * Explained as the repository runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRepository, runListStatement, type RunListQuery } from '../../../src/db/runs.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();
let tenantId: string;
let otherTenantId: string;
const runs = 500;
const otherRuns = 20_000;
const rare = 10;

interface PlanNode {
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}

/**
 * The rows a plan's leaves read: those they gave and those they read to throw away. A bitmap scan
 * counts the tenant's rows twice (the index's entries, then the rows its heap scan filters out),
 * so reading the tenant's runs alone is at most twice their number, far below another tenant's.
 */
const rowsRead = (node: PlanNode): number => (node.Plans?.length
  ? node.Plans.reduce((sum, child) => sum + rowsRead(child), 0)
  : node['Actual Rows'] * node['Actual Loops'])
  + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);

/** The list's statement for the query, run and explained through Prisma's connections, as the list runs it. */
async function explained(query: Omit<RunListQuery, 'limit'>): Promise<{ plan: PlanNode; rows: number }> {
  const { text, values } = runListStatement(tenantId, { ...query, limit: 51 });
  const [row] = await database.services.database.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, ...values);
  const plan = row!['QUERY PLAN'][0].Plan;
  return { plan, rows: plan['Actual Rows'] };
}

/** Runs of Adam on a benchmark, every `every`th on an expression of a variable named Quokka. */
async function insertRuns(tenant: string, count: number, every: number): Promise<void> {
  await database.pool.query(
    `INSERT INTO runs (id, tenant_id, spec, created_at)
     SELECT gen_random_uuid(), $1,
            CASE WHEN i % $3::int = 0
                 THEN '{"objective": {"type": "expression", "expression": "Quokka^2", "variables": ["Quokka"]}, "optimizer": {"name": "adam"}}'::jsonb
                 ELSE jsonb_build_object('objective', jsonb_build_object('type', 'benchmark', 'name', (ARRAY['rosenbrock', 'beale', 'booth'])[1 + i % 3]),
                                         'optimizer', jsonb_build_object('name', 'adam')) END,
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`, [tenant, count, every]);
}

beforeAll(async () => {
  tenantId = await database.tenant('run-search');
  otherTenantId = await database.tenant('run-search-other');
  // Ten of this tenant's runs have Quokka; every run of the other tenant has it.
  await insertRuns(tenantId, runs, runs / rare);
  await insertRuns(otherTenantId, otherRuns, 1);
  await database.pool.query('ANALYZE runs');
});
afterAll(async () => {
  // Their runs go with them: the next files' statistics are not those of these rows.
  await database.pool.query('DELETE FROM tenants WHERE id = ANY($1::uuid[])', [[tenantId, otherTenantId]]);
});

describe('the runs list search', () => {
  it("reads none of another tenant's runs for a text they all have, in any case", async () => {
    for (const search of ['quokka', 'QUOKKA^2']) {
      const { plan, rows } = await explained({ search });
      expect(rows).toBe(rare);
      expect(rowsRead(plan), search).toBeLessThanOrEqual(2 * runs);
    }
  });

  it("reads at most the tenant's own runs for a text nearly all of them have", async () => {
    const { plan, rows } = await explained({ search: 'ADAM' });
    expect(rows).toBe(51);
    expect(rowsRead(plan)).toBeLessThanOrEqual(2 * runs);
  });

  it('answers the runs the plans read', async () => {
    const repository = createRunRepository(database.services.database, database.pool);
    const found = await repository.list(tenantId, { search: 'qUoKkA', limit: 51 });
    expect(found).toHaveLength(rare);
    expect(found.every((run) => run.tenantId === tenantId && (run.spec as { objective: { expression: string } }).objective.expression === 'Quokka^2')).toBe(true);
  });
});
