/**
 * Deleting a run's recorded steps in chunks of steps, one statement per chunk, so that no
 * statement holds millions of row locks or outlasts the statement timeout, however long the run
 * (up to 10⁹ steps). Metrics retention deletes a finished run's old steps this way; deleting a run
 * deletes all of its steps and rollups this way before the run itself.
 *
 * Each statement counts its deleted rows off the run's `metric_rows` in the same statement, so
 * the run's count and its tenant's sums (kept from it by triggers) stay right after every chunk,
 * whenever the chunks stop.
 */
import type pg from 'pg';
import { bucketWidth, rollupLevels } from './metric-rollups.ts';

/** Steps deleted per statement (at most this many rows, and about a twelfth as many rollups). */
const stepsPerDelete = 100_000;

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface StepsDeletion {
  /** Also delete the rollup buckets starting in each chunk (bucket b of level k starts at step b·4^k + 1). */
  readonly rollups?: boolean;
  /** Steps per statement; stepsPerDelete unless given. */
  readonly stepsPerStatement?: number;
}

const levelWidths = rollupLevels.map((level) => bucketWidth(level));

// The run's count of stored rows goes down in the same statement (src/db/metric-rows-use.ts reads it).
const countedSql = `counted AS (
    UPDATE runs SET metric_rows = metric_rows - (SELECT count(*) FROM gone) WHERE id = $1::uuid AND EXISTS (SELECT FROM gone)
  )
  SELECT count(*)::int AS deleted FROM gone`;

const stepsSql = `
  WITH gone AS (DELETE FROM run_metrics WHERE run_id = $1::uuid AND step >= $2 AND step < $3 RETURNING 1),
  ${countedSql}`;

/**
 * A bucket of width w starts in [$2, $3) when its index is in [⌈($2 − 1)/w⌉, ⌈($3 − 1)/w⌉). One
 * delete per level, each a range of its index: joined to a list of levels, the plan read all of
 * the run's rollups at every chunk.
 */
const withRollupsSql = `
  WITH gone AS (DELETE FROM run_metrics WHERE run_id = $1::uuid AND step >= $2 AND step < $3 RETURNING 1),
  ${rollupLevels.map((level) => {
    const width = bucketWidth(level);
    return `rolled_${level} AS (DELETE FROM metric_rollups WHERE run_id = $1::uuid AND level = ${level}
      AND bucket >= ($2::bigint + ${width - 2}) / ${width} AND bucket < ($3::bigint + ${width - 2}) / ${width})`;
  }).join(',\n  ')},
  ${countedSql}`;

/**
 * Deletes the run's steps in [from, to), and with `rollups` its rollup buckets starting there, in
 * chunks of `stepsPerStatement` steps from the first; resolves to the step rows deleted.
 */
export async function deleteSteps(client: Queryable, runId: string, from: number, to: number, { rollups = false, stepsPerStatement = stepsPerDelete }: StepsDeletion = {}): Promise<number> {
  let deleted = 0;
  for (let start = from; start < to; start += stepsPerStatement) {
    const end = Math.min(to, start + stepsPerStatement);
    const { rows: [gone] } = await client.query<{ deleted: number }>(rollups ? withRollupsSql : stepsSql, [runId, start, end]);
    deleted += gone?.deleted ?? 0;
  }
  return deleted;
}

/**
 * The range of steps holding all of the run's steps and the starts of all of its rollup buckets,
 * [first, last + 1); null when it has neither. Two index probes per table and level.
 */
export async function storedStepRange(client: Queryable, runId: string): Promise<{ from: number; to: number } | null> {
  const { rows: [range] } = await client.query<{ first: string | null; last: string | null }>(`
    SELECT min(start) AS first, max(start) AS last FROM (
      (SELECT step::bigint AS start FROM run_metrics WHERE run_id = $1::uuid ORDER BY run_id, step LIMIT 1)
      UNION ALL (SELECT step::bigint AS start FROM run_metrics WHERE run_id = $1::uuid ORDER BY run_id DESC, step DESC LIMIT 1)
      UNION ALL SELECT f.bucket * l.width + 1 FROM unnest($2::smallint[], $3::bigint[]) AS l(level, width)
        CROSS JOIN LATERAL (SELECT bucket FROM metric_rollups WHERE run_id = $1::uuid AND level = l.level ORDER BY bucket LIMIT 1) f
      UNION ALL SELECT f.bucket * l.width + 1 FROM unnest($2::smallint[], $3::bigint[]) AS l(level, width)
        CROSS JOIN LATERAL (SELECT bucket FROM metric_rollups WHERE run_id = $1::uuid AND level = l.level ORDER BY bucket DESC LIMIT 1) f
    ) starts`, [runId, rollupLevels, levelWidths]);
  if (range?.first == null || range.last == null) return null;
  return { from: Number(range.first), to: Number(range.last) + 1 };
}
