/** The runtime Prisma client: WebAssembly query compiler over node-postgres (no native engine). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { postgresConnectionOptions } from './connection-options.ts';

export type Database = PrismaClient;

/**
 * `queryTimeoutMs`: how long a statement waits for PostgreSQL's answer (DATABASE_QUERY_TIMEOUT_MS);
 * unbounded when not given. The adapter runs every statement through `pool.query`, which closes a
 * connection whose statement timed out.
 */
export function createDatabase(databaseUrl: string, queryTimeoutMs?: number): Database {
  const adapter = new PrismaPg({
    ...postgresConnectionOptions(databaseUrl),
    // Fail a check quickly when PostgreSQL is down instead of waiting for the OS timeout.
    connectionTimeoutMillis: 5_000,
    ...(queryTimeoutMs === undefined ? {} : { query_timeout: queryTimeoutMs }),
    keepAlive: true,
    max: 10,
  });
  return new PrismaClient({ adapter });
}
