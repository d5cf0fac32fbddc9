/**
 * Retention of finished runs' raw steps (METRICS_RETENTION_DAYS).
 *
 * A run that finished more than the retention period ago loses its recorded step rows except
 * its last one; everything else stays: the run (spec, status, result with the final parameters),
 * its rollups (so `maxPoints` queries over a run longer than 16,384 steps still draw its whole
 * curve, less the partial buckets at the ends of a range) and its last step (so its length and
 * final values are still read as before). Checkpoints need no retention: a run drops them when it ends.
 *
 * A pass finds the runs that still have more than one row from two index probes each (first
 * and last step), so runs already pruned cost almost nothing, and deletes in chunks of steps
 * so no statement holds millions of row locks. One pruner works at a time across all workers
 * (an advisory lock); the others skip their pass.
 */
import type { Pool } from './pool.ts';

/** Arbitrary, distinct from the migrator's lock. */
const retentionLockKey = 72_707_370;
const stepsPerDelete = 100_000;
const runsPerPass = 1_000;

export interface RetentionPass {
  /** Runs whose old rows were deleted in this pass. */
  readonly runs: number;
  /** Step rows deleted. */
  readonly rows: number;
  /** False when another process held the lock and this pass did nothing. */
  readonly ran: boolean;
}

export function createMetricsRetention(pool: Pool) {
  return {
    /** Deletes the raw steps (all but the last) of runs that finished more than `retentionDays` ago. */
    async prune(retentionDays: number): Promise<RetentionPass> {
      const client = await pool.connect();
      try {
        const { rows: [lock] } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [retentionLockKey]);
        if (!lock?.locked) return { runs: 0, rows: 0, ran: false };
        try {
          const { rows: candidates } = await client.query<{ id: string; first: number; last: number }>(
            `SELECT r.id, f.step AS first, l.step AS last
               FROM runs r
               CROSS JOIN LATERAL (SELECT step FROM run_metrics WHERE run_id = r.id ORDER BY step LIMIT 1) f
               CROSS JOIN LATERAL (SELECT step FROM run_metrics WHERE run_id = r.id ORDER BY step DESC LIMIT 1) l
              WHERE r.status NOT IN ('queued', 'running')
                AND r.finished_at < now() - make_interval(days => $1)
                AND f.step < l.step
              LIMIT $2`,
            [retentionDays, runsPerPass]);
          let deleted = 0;
          for (const run of candidates) {
            for (let from = run.first; from < run.last; from += stepsPerDelete) {
              // The run's count of stored rows goes down in the same statement (src/db/metric-rows-use.ts reads it).
              const { rows: [gone] } = await client.query<{ deleted: number }>(`
                WITH gone AS (
                  DELETE FROM run_metrics WHERE run_id = $1::uuid AND step >= $2 AND step < LEAST($3::int, $2 + $4::int) RETURNING 1
                ), counted AS (
                  UPDATE runs SET metric_rows = metric_rows - (SELECT count(*) FROM gone) WHERE id = $1::uuid
                )
                SELECT count(*)::int AS deleted FROM gone`,
                [run.id, from, run.last, stepsPerDelete]);
              deleted += gone?.deleted ?? 0;
            }
          }
          return { runs: candidates.length, rows: deleted, ran: true };
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [retentionLockKey]);
        }
      } finally {
        client.release();
      }
    },
  };
}

export type MetricsRetention = ReturnType<typeof createMetricsRetention>;
