/** The runtime Prisma client: WebAssembly query compiler over node-postgres (no native engine). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { boundedPool } from './bounded-pool.ts';
import { postgresConnectionOptions } from './connection-options.ts';

export type Database = PrismaClient;

/**
 * `statementTimeoutMs`: how long a statement waits for PostgreSQL's answer (see bounded-pool.ts);
 * unbounded when not given. The adapter is given the pool, so that its transactions' connections
 * are bounded and discarded alike; it closes the pool when the client disconnects.
 */
export function createDatabase(databaseUrl: string, statementTimeoutMs?: number): Database {
  const pool = boundedPool({
    ...postgresConnectionOptions(databaseUrl),
    // Fail a check quickly when PostgreSQL is down instead of waiting for the OS timeout.
    connectionTimeoutMillis: 5_000,
    max: 10,
  }, statementTimeoutMs);
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}
