/**
 * A plain node-postgres pool beside the Prisma client, for what Prisma cannot do quickly:
 * COPY and multi-statement transactions on one connection (the metrics writer), and the hot
 * statements prepared once per connection.
 *
 * Its connections never plan a sequential scan where an index serves (`enable_seqscan = off`):
 * every statement sent through them is keyed (a run, a key hash, a run's steps), and a prepared
 * statement keeps its generic plan. Made while the tables were empty (a new deployment, or one
 * just cleaned up), that plan would scan the whole table and stay, for the connection's life,
 * while the table grows; the fastest of those cost PostgreSQL four times the CPU of the
 * service's whole write path. A query with no usable index still runs.
 *
 * A prepared statement is planned once per connection (`plan_cache_mode = force_generic_plan`),
 * not at each execution: left to choose, PostgreSQL plans a statement whose parameters are
 * arrays again at every execution, for good, as the plan made for the arrays' known lengths
 * always looks cheaper than the generic one. The metrics writer's slice statement, one per
 * small run or trial, cost PostgreSQL as much CPU planning it as running it. A new table's
 * statistics (see table-statistics.ts) have the generic plans made again.
 *
 * A statement waits at most `queryTimeoutMs` for its answer (see DATABASE_QUERY_TIMEOUT_MS):
 * node-postgres then rejects it with "Query read timeout" while the connection still waits for
 * PostgreSQL's reply, so the connection must not serve another statement. `pool.query` closes it
 * (it releases the client with the error); a checked-out client whose last statement (a ROLLBACK,
 * an unlock) got no answer either is released with `true`, which closes it. A stream meant to
 * outlast the bound (a metrics export) sets its own (`unboundedQuery`).
 */
import pg from 'pg';
import { postgresConnectionOptions } from './connection-options.ts';

export type Pool = pg.Pool;

export interface PoolTimeouts {
  /** How long a caller waits for a free connection before its query fails. */
  readonly connectionTimeoutMs?: number;
  /** How long a statement waits for PostgreSQL's answer; unbounded when not given. */
  readonly queryTimeoutMs?: number;
}

/**
 * The longest timer Node keeps (about 24 days), as the `query_timeout` of a statement that must
 * not be bounded: node-postgres reads 0 as "the pool's".
 */
const unbounded = 2_147_483_647;

/** `query` (a statement or a COPY stream) exempt from the pool's query timeout. */
export function unboundedQuery<Query extends object>(query: Query): Query {
  return Object.assign(query, { query_timeout: unbounded });
}

/**
 * `queuePrefix`, when given, is the deployment's queue prefix: the runs these connections insert
 * record it (the default of `runs.queue_prefix` reads `descent.queue_prefix`), so that the
 * deployment's reconciler finds them.
 */
export function createPool(databaseUrl: string, max = 10, queuePrefix?: string, { connectionTimeoutMs = 5_000, queryTimeoutMs }: PoolTimeouts = {}): Pool {
  const pool = new pg.Pool({
    ...postgresConnectionOptions(databaseUrl),
    max,
    connectionTimeoutMillis: connectionTimeoutMs,
    ...(queryTimeoutMs === undefined ? {} : { query_timeout: queryTimeoutMs }),
    // A peer that vanished (a lost host, a partition) is noticed on an idle connection too.
    keepAlive: true,
    options: `-c enable_seqscan=off -c plan_cache_mode=force_generic_plan${queuePrefix === undefined ? '' : ` -c descent.queue_prefix=${queuePrefix}`}`,
  });
  // A connection PostgreSQL drops (a restart, a failover, a terminated backend) emits 'error':
  // on the pool while it is idle there, on the client itself while checked out (a COPY
  // transaction, an export). Without a listener either would crash the process; the statement
  // in flight rejects with its own error anyway, and a broken client is not reused.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
