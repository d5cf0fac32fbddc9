/** Tenants: the owners of every other resource. */
import type { Database } from './client.ts';
import type { Tenant } from '../generated/prisma/client.ts';

export type { Tenant };

export function createTenantRepository(database: Database) {
  return {
    /** The tenant called `name`, created if it does not exist yet. */
    async findOrCreate(name: string): Promise<Tenant> {
      return database.tenant.upsert({ where: { name }, create: { name }, update: {} });
    },
    async findByName(name: string): Promise<Tenant | null> {
      return database.tenant.findUnique({ where: { name } });
    },
  };
}
