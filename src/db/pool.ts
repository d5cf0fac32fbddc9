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
 * Its transactions are READ COMMITTED whatever the database's or role's default: the statements
 * that read under a lock what the lock's last holder committed (a submission's quota count, see
 * runs_submit) see it only at that level, where each statement inside a function takes a new
 * snapshot; at REPEATABLE READ they would count from a snapshot taken before the lock.
 */
import type pg from 'pg';
import { boundedPool } from './bounded-pool.ts';
import { postgresConnectionOptions } from './connection-options.ts';

export type Pool = pg.Pool;

export interface PoolOptions {
  /** How long a caller waits for a free connection before its query fails. */
  readonly connectionTimeoutMs?: number;
  /** How long a statement waits for PostgreSQL's answer (see bounded-pool.ts); unbounded when not given. */
  readonly statementTimeoutMs?: number;
  /**
   * The pool's transactions may sit idle longer than the statements' bound (an upload's, between
   * blocks while its body arrives): PostgreSQL does not end them (see bounded-pool.ts).
   */
  readonly longIdleTransactions?: boolean;
}

/**
 * `queuePrefix`, when given, is the deployment's queue prefix: the runs these connections insert
 * record it (the default of `runs.queue_prefix` reads `descent.queue_prefix`), so that the
 * deployment's reconciler finds them.
 */
export function createPool(databaseUrl: string, max = 10, queuePrefix?: string, { connectionTimeoutMs = 5_000, statementTimeoutMs, longIdleTransactions }: PoolOptions = {}): Pool {
  return boundedPool({
    ...postgresConnectionOptions(databaseUrl),
    max,
    connectionTimeoutMillis: connectionTimeoutMs,
    options: `-c enable_seqscan=off -c plan_cache_mode=force_generic_plan -c default_transaction_isolation=read\\ committed${queuePrefix === undefined ? '' : ` -c descent.queue_prefix=${queuePrefix}`}`,
  }, statementTimeoutMs, { longIdleTransactions });
}
