/**
 * A tenant's sweeps, paged: every filter combination answers the same sweeps as a plain reading
 * of them, and under the pool's generic plans each page is read through an index on exactly the
 * filters given, not by filtering out the tenant's newer sweeps one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createSweepRepository, sweepListStatement, type SweepListQuery } from '../../../src/db/sweeps.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

let services: TestServices;
let pool: Pool;
let tenantId: string;
const sweeps = 3_000;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Rows Removed by Filter'?: number;
  readonly Plans?: readonly PlanNode[];
}

const removedByFilter = (node: PlanNode): number =>
  (node['Rows Removed by Filter'] ?? 0) + (node.Plans ?? []).reduce((sum, child) => sum + removedByFilter(child), 0);

/** The statement as the pool runs it (a generic plan), explained as it ran. */
async function explained(query: SweepListQuery): Promise<PlanNode> {
  const { text, values } = sweepListStatement(tenantId, query);
  const client = await pool.connect();
  try {
    await client.query(`PREPARE page AS ${text}`);
    try {
      const parameters = values.map((value) => client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value))).join(', ');
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page(${parameters})`);
      return row!['QUERY PLAN'][0].Plan;
    } finally {
      await client.query('DEALLOCATE page');
    }
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 2);
  const { tenantName } = await createTenantKey(services.database, 'sweep-list');
  ({ rows: [{ id: tenantId }] } = await pool.query('SELECT id FROM tenants WHERE name = $1', [tenantName]));
  await pool.query(
    `INSERT INTO sweeps (id, tenant_id, status, spec, created_at)
     SELECT gen_random_uuid(), $1, (ARRAY['running', 'completed', 'cancelled']::sweep_status[])[1 + i % 3], '{}',
            timestamp '2026-01-01' + i * interval '1 second'
       FROM generate_series(1, $2::int) i`, [tenantId, sweeps]);
  await pool.query('ANALYZE sweeps');
});
afterAll(async () => {
  // Its sweeps go with it: the next run's statistics are not those of this one's rows.
  await pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
  await pool.end();
  await services.close();
});

describe('the sweeps list', () => {
  it('pages through every filter combination like a plain reading of the sweeps', async () => {
    const repository = createSweepRepository(pool);
    const { rows: all } = await pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM sweeps WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC', [tenantId]);
    for (const status of [undefined, 'running', 'cancelled']) {
      const expected = all.filter((sweep) => status === undefined || sweep.status === status).slice(0, 250).map((sweep) => sweep.id);
      const seen: string[] = [];
      let after: SweepListQuery['after'];
      while (seen.length < expected.length) {
        const page = await repository.list(tenantId, { ...(status ? { status } : {}), ...(after ? { after } : {}), limit: 100 });
        seen.push(...page.map((sweep) => sweep.id));
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen.slice(0, expected.length)).toEqual(expected);
    }
  });

  it('reads a deep page through the index under a generic plan, filtering out none of the newer sweeps', async () => {
    const { rows: [deep] } = await pool.query<{ created_at: Date; id: string }>(
      'SELECT created_at, id FROM sweeps WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC OFFSET 2500 LIMIT 1', [tenantId]);
    const after = { createdAt: deep!.created_at, id: deep!.id };
    // With a status too, the planner may as well walk the tenant's sweeps by time and filter the
    // other statuses (two in three here): never the 2,500 newer sweeps, as before.
    expect(removedByFilter(await explained({ after, limit: 50 }))).toBe(0);
    expect(removedByFilter(await explained({ status: 'running', after, limit: 50 }))).toBeLessThanOrEqual(150);
  });
});
