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
