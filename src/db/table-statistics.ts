/**
 * The planner's statistics of the tables the hot paths read, kept up to date where autovacuum
 * does not (a server with `autovacuum = off`).
 *
 * The service's prepared statements keep a generic plan, made on the statistics the tables had
 * then. Never analyzed, a table keeps those of its empty self: a tenant's unfinished runs are
 * then counted through an index on the tenant alone (every run it ever had is read), a sweep's
 * run attempts through every entry the unfinished-runs index ever held, and PostgreSQL's CPU per
 * trial of a sweep doubled over 8,000 trials. A pass analyzes each of these tables whose rows
 * changed since its last analysis beyond autovacuum's own rule
 * (`autovacuum_analyze_threshold` + `autovacuum_analyze_scale_factor` × its rows, the table's own
 * storage parameters first, then the server's settings): where autovacuum runs, it has analyzed
 * them by then and a pass does nothing. One process analyzes at a time across all workers (an
 * advisory lock); the others skip their pass. An analysis waits for its table's lock at most
 * `lockTimeoutMs` (a migration's ALTER TABLE, a VACUUM or another ANALYZE holds it): the table is
 * then skipped until the next pass, and the worker's loop never hangs behind it.
 */
import type { Pool } from './pool.ts';

/** Arbitrary, distinct from the migrator's and the retention's locks. */
const statisticsLockKey = 72_707_371;

/** The tables whose statistics the service's statements are planned on. */
const hotTables: readonly string[] = [
  'runs', 'run_metrics', 'metric_rollups', 'checkpoints', 'sweeps', 'tenants', 'tenant_metric_rows', 'api_keys',
];

export interface StatisticsPass {
  /** The tables analyzed in this pass. */
  readonly analyzed: readonly string[];
  /** The tables due for an analysis whose lock was not had within the lock timeout: left to the next pass. */
  readonly skipped: readonly string[];
  /** False when another process held the lock and this pass did nothing. */
  readonly ran: boolean;
}

export interface TableStatisticsOptions {
  readonly tables?: readonly string[];
  /** How long an analysis waits for its table's lock before the table is skipped. */
  readonly lockTimeoutMs?: number;
}

/** PostgreSQL's lock_not_available: the lock timeout expired. */
const lockNotAvailable = '55P03';

/** A table's own storage parameter `name` (ALTER TABLE … SET), else the server's setting of that name. */
const parameter = (name: string) =>
  `coalesce((SELECT o.option_value FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = '${name}'),
                       current_setting('${name}'))::float8`;

export function createTableStatistics(pool: Pool, options: TableStatisticsOptions = {}) {
  const { tables = hotTables, lockTimeoutMs = 1_000 } = options;
  return {
    /** Analyzes each of `tables` that changed beyond autovacuum's analyze threshold since its last analysis. */
    async refresh(): Promise<StatisticsPass> {
      const client = await pool.connect();
      try {
        const { rows: [lock] } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [statisticsLockKey]);
        if (!lock?.locked) return { analyzed: [], skipped: [], ran: false };
        try {
          // reltuples is -1 for a table never analyzed (PostgreSQL 14 on): autovacuum counts it as 0.
          const { rows: stale } = await client.query<{ table: string }>(
            `SELECT s.relname AS table
               FROM pg_stat_user_tables s
               JOIN pg_class c ON c.oid = s.relid
              WHERE s.schemaname = current_schema()
                AND s.relname = ANY($1::text[])
                AND s.n_mod_since_analyze > ${parameter('autovacuum_analyze_threshold')}
                      + ${parameter('autovacuum_analyze_scale_factor')} * greatest(c.reltuples, 0)
              ORDER BY s.relname`,
            [tables]);
          const analyzed: string[] = [];
          const skipped: string[] = [];
          for (const { table } of stale) {
            // ANALYZE may run in a transaction, whose SET LOCAL bounds its wait for the table's lock.
            await client.query('BEGIN');
            try {
              await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
              await client.query(`ANALYZE ${client.escapeIdentifier(table)}`);
              await client.query('COMMIT');
              analyzed.push(table);
            } catch (error) {
              await client.query('ROLLBACK');
              if ((error as { code?: string }).code !== lockNotAvailable) throw error;
              skipped.push(table);
            }
          }
          return { analyzed, skipped, ran: true };
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [statisticsLockKey]);
        }
      } finally {
        client.release();
      }
    },
  };
}

export type TableStatistics = ReturnType<typeof createTableStatistics>;
