/**
 * Deleting a run's recorded steps in chunks of steps, one statement per chunk, so that no
 * statement holds millions of row locks or outlasts the statement timeout, however long the run
 * (up to 10⁹ steps). Metrics retention deletes a finished run's old steps this way.
 *
 * Each statement counts its deleted rows off the run's `metric_rows` in the same statement, so
 * the run's count and its tenant's sums (kept from it by triggers) stay right after every chunk,
 * whenever the chunks stop.
 */
import type pg from 'pg';

/** Steps deleted per statement (at most this many rows). */
const stepsPerDelete = 100_000;

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface StepsDeletion {
  /** Steps per statement; stepsPerDelete unless given. */
  readonly stepsPerStatement?: number;
}

// The run's count of stored rows goes down in the same statement (src/db/metric-rows-use.ts reads it).
const countedSql = `counted AS (
    UPDATE runs SET metric_rows = metric_rows - (SELECT count(*) FROM gone) WHERE id = $1::uuid AND EXISTS (SELECT FROM gone)
  )
  SELECT count(*)::int AS deleted FROM gone`;

const stepsSql = `
  WITH gone AS (DELETE FROM run_metrics WHERE run_id = $1::uuid AND step >= $2 AND step < $3 RETURNING 1),
  ${countedSql}`;

/**
 * Deletes the run's steps in [from, to), in chunks of `stepsPerStatement` steps from the first;
 * resolves to the step rows deleted.
 */
export async function deleteSteps(client: Queryable, runId: string, from: number, to: number, { stepsPerStatement = stepsPerDelete }: StepsDeletion = {}): Promise<number> {
  let deleted = 0;
  for (let start = from; start < to; start += stepsPerStatement) {
    const end = Math.min(to, start + stepsPerStatement);
    const { rows: [gone] } = await client.query<{ deleted: number }>(stepsSql, [runId, start, end]);
    deleted += gone?.deleted ?? 0;
  }
  return deleted;
}
