/** Places in tenants' backlogs: each run's rank and its tenant's unfinished runs, for many runs in one statement, as a count per run would give them. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantBacklog } from '../../../src/db/tenant-backlog.ts';
import { useTestDatabase } from './support.ts';
import { countStatements } from '../support/statement-count.ts';

const database = useTestDatabase();

let submitted = 0;

/**
 * Inserts runs of `tenantId` in the statuses given, each submitted a millisecond after the one
 * before (two statements in a row may read the same clock, and ties would rank by id).
 */
async function runs(tenantId: string, statuses: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const status of statuses) {
    const id = randomUUID();
    await database.pool.query(`INSERT INTO runs (id, tenant_id, status, spec, created_at)
      VALUES ($1, $2, $3::run_status, '{}', now() + $4 * interval '1 millisecond')`, [id, tenantId, status, submitted++]);
    ids.push(id);
  }
  return ids;
}

/** The place by definition: a count of the tenant's unfinished runs up to the run, and of all of them. */
async function counted(id: string) {
  const { rows: [row] } = await database.pool.query<{ rank: number; activeRuns: number }>(`
    SELECT (SELECT count(*) FROM runs o WHERE o.tenant_id = r.tenant_id AND o.status IN ('queued', 'running')
              AND (o.created_at, o.id) <= (r.created_at, r.id))::int AS rank,
           (SELECT count(*) FROM runs o WHERE o.tenant_id = r.tenant_id AND o.status IN ('queued', 'running'))::int AS "activeRuns"
      FROM runs r WHERE r.id = $1`, [id]);
  return { rank: Math.max(1, row!.rank), activeRuns: row!.activeRuns };
}

describe('tenant backlog', () => {
  it("gives every run its rank and its tenant's unfinished runs, in shared statements, as counting run by run does", async () => {
    const statuses = ['completed', 'queued', 'running', 'queued', 'cancelled', 'queued', 'failed', 'running', 'queued', 'completed'];
    const tenants = [await database.tenant('backlog-a'), await database.tenant('backlog-b')] as const;
    const first = await runs(tenants[0], statuses);
    const second = await runs(tenants[1], [...statuses].reverse());
    const asked = [...first, ...second, randomUUID()];

    const backlog = createTenantBacklog(database.pool);
    const statements = countStatements(database.pool);
    const places = await Promise.all(asked.map((id) => backlog.place(id)));
    expect(statements.count).toBeLessThan(asked.length);

    const expected = await Promise.all([...first, ...second].map(async (id, i) => ({ tenantId: tenants[i < first.length ? 0 : 1], ...(await counted(id)) })));
    expect(places).toEqual([...expected, null]);
    expect(places.slice(0, first.length).map((place) => place!.rank)).toEqual([1, 1, 2, 3, 3, 4, 4, 5, 6, 6]);
    expect(places[0]!.activeRuns).toBe(6);

    const ranks = await backlog.ranks(asked);
    expect([...asked.slice(0, -1)].map((id) => ranks.get(id))).toEqual(expected.map((place) => ({ priority: place.rank, tenantId: place.tenantId })));
    expect(ranks.has(asked.at(-1)!)).toBe(false);
  });
});
