/**
 * A plain node-postgres pool beside the Prisma client, for what Prisma cannot do quickly:
 * COPY and multi-statement transactions on one connection (the metrics writer).
 */
import pg from 'pg';
import { postgresConnectionOptions } from './connection-options.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new pg.Pool({ ...postgresConnectionOptions(databaseUrl), max, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}
