/** Places in tenants' backlogs: each run's rank, for many runs in one statement, as a count per run would give it. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantBacklog } from '../../../src/db/tenant-backlog.ts';
import { countedPlace, useTestDatabase } from './support.ts';
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

describe('tenant backlog', () => {
  it('gives every run its rank, in one statement, as counting run by run does', async () => {
    const statuses = ['completed', 'queued', 'running', 'queued', 'cancelled', 'queued', 'failed', 'running', 'queued', 'completed'];
    const tenants = [await database.tenant('backlog-a'), await database.tenant('backlog-b')] as const;
    const first = await runs(tenants[0], statuses);
    const second = await runs(tenants[1], [...statuses].reverse());
    const asked = [...first, ...second, randomUUID()];

    const backlog = createTenantBacklog(database.pool);
    const statements = countStatements(database.pool);
    const ranks = await backlog.ranks(asked);
    expect(statements.count).toBe(1);

    const expected = await Promise.all([...first, ...second].map(async (id, i) => ({ priority: (await countedPlace(database.pool, id)).rank, tenantId: tenants[i < first.length ? 0 : 1] })));
    expect([...asked.slice(0, -1)].map((id) => ranks.get(id))).toEqual(expected);
    expect(expected.slice(0, first.length).map((place) => place.priority)).toEqual([1, 1, 2, 3, 3, 4, 4, 5, 6, 6]);
    expect(ranks.has(asked.at(-1)!)).toBe(false);
  });
});
