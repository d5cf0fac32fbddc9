/** The runtime Prisma client: WebAssembly query compiler over node-postgres (no native engine). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { postgresConnectionOptions } from './connection-options.ts';

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string): Database {
  const adapter = new PrismaPg({
    ...postgresConnectionOptions(databaseUrl),
    // Fail a check quickly when PostgreSQL is down instead of waiting for the OS timeout.
    connectionTimeoutMillis: 5_000,
    max: 10,
  });
  return new PrismaClient({ adapter });
}
