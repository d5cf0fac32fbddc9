/** For tests of the database layer: the test services and a pool of their own, opened before the file's tests and closed after. */
import { afterAll, beforeAll } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

export interface DatabaseTestContext {
  services: TestServices;
  pool: Pool;
  /** A new tenant's id. */
  tenant(label: string): Promise<string>;
}

export function useTestDatabase(): DatabaseTestContext {
  const context = {
    async tenant(label: string): Promise<string> {
      const { tenantName } = await createTenantKey(context.services.database, label);
      return (await context.services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
    },
  } as DatabaseTestContext;
  beforeAll(async () => {
    context.services = await openTestServices();
    context.pool = createPool(context.services.config.databaseUrl, 3);
  });
  afterAll(async () => {
    await context.pool?.end();
    await context.services?.close();
  });
  return context;
}

/** A run's place by definition: a count of its tenant's unfinished runs up to it (at least 1), and of all of them. */
export async function countedPlace(pool: Pool, id: string): Promise<{ rank: number; activeRuns: number }> {
  const { rows: [row] } = await pool.query<{ rank: number; activeRuns: number }>(`
    SELECT (SELECT count(*) FROM runs o WHERE o.tenant_id = r.tenant_id AND o.status IN ('queued', 'running')
              AND (o.created_at, o.id) <= (r.created_at, r.id))::int AS rank,
           (SELECT count(*) FROM runs o WHERE o.tenant_id = r.tenant_id AND o.status IN ('queued', 'running'))::int AS "activeRuns"
      FROM runs r WHERE r.id = $1`, [id]);
  return { rank: Math.max(1, row!.rank), activeRuns: row!.activeRuns };
}
