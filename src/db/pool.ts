/**
 * A plain node-postgres pool beside the Prisma client, for what Prisma cannot do quickly:
 * COPY and multi-statement transactions on one connection (the metrics writer), and the hot
 * statements prepared once per connection.
 *
 * Its connections never plan a sequential scan where an index serves (`enable_seqscan = off`):
 * every statement sent through them is keyed (a run, a key hash, a run's steps), and a prepared
 * statement keeps the generic plan it got at its sixth execution. Made while the tables were
 * empty (a new deployment, or one just cleaned up), that plan scans the whole table and stays,
 * for the connection's life, while the table grows; the fastest of those cost PostgreSQL four
 * times the CPU of the service's whole write path. A query with no usable index still runs.
 */
import pg from 'pg';
import { postgresConnectionOptions } from './connection-options.ts';

export type Pool = pg.Pool;

/**
 * `queuePrefix`, when given, is the deployment's queue prefix: the runs these connections insert
 * record it (the default of `runs.queue_prefix` reads `descent.queue_prefix`), so that the
 * deployment's reconciler finds them. `connectionTimeoutMs`: how long a caller waits for a free
 * connection before its query fails.
 */
export function createPool(databaseUrl: string, max = 10, queuePrefix?: string, connectionTimeoutMs = 5_000): Pool {
  const pool = new pg.Pool({
    ...postgresConnectionOptions(databaseUrl),
    max,
    connectionTimeoutMillis: connectionTimeoutMs,
    options: `-c enable_seqscan=off${queuePrefix === undefined ? '' : ` -c descent.queue_prefix=${queuePrefix}`}`,
  });
  // A connection PostgreSQL drops (a restart, a failover, a terminated backend) emits 'error':
  // on the pool while it is idle there, on the client itself while checked out (a COPY
  // transaction, an export). Without a listener either would crash the process; the statement
  // in flight rejects with its own error anyway, and a broken client is not reused.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
