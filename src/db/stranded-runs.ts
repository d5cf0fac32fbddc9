/**
 * Runs that no worker drives any more, seen from the database: the candidates the reconciler
 * checks against the queue (src/worker/reconciler.ts), and the statement that ends one of them
 * (failed with its cause, or cancelled) when no attempt will.
 *
 * Ending is fenced like a worker's writes: only a run still queued or running ends, in one
 * statement that also drops its checkpoint; a worker that picked the run up meanwhile finds it
 * final at its next slice and stops (StaleRunWriteError). The result's `steps` is the step of
 * the newest checkpoint, where the stored trajectory ends.
 */
import { resultWithoutParams, type RunResultView } from '../contracts/run-result.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { afterPositionSql, firstPosition, positionValues, type PassPosition } from './pass-order.ts';

export interface StrandedCandidate extends PassPosition {
  readonly status: 'queued' | 'running';
}

/** Served by runs_unfinished_idx (a deployment's unfinished runs, by last write), after a position (see pass-order.ts). */
const candidatesStatement = {
  name: 'stranded-runs-candidates',
  text: `
  SELECT id, status, updated_at AS "updatedAt" FROM runs
   WHERE queue_prefix = $1 AND status IN ('queued', 'running') AND (status = 'queued' OR updated_at < $2::timestamptz)
     AND ${afterPositionSql('$4', '$5')} LIMIT $3`,
};

const endStatement = {
  name: 'stranded-runs-end',
  text: `
  WITH run AS (
    SELECT id, (SELECT max(step) FROM checkpoints WHERE run_id = runs.id) AS step
      FROM runs WHERE id = $1::uuid AND status IN ${activeStatusesSql} FOR UPDATE
  ), dropped AS (
    DELETE FROM checkpoints WHERE run_id IN (SELECT id FROM run)
  )
  UPDATE runs SET status = $2::run_status, finished_at = now(), updated_at = now(),
         result = $3::jsonb || jsonb_build_object('steps', coalesce(run.step, 0))
    FROM run WHERE runs.id = run.id
  RETURNING runs.result, runs.sweep_id AS "sweepId", runs.trial_number AS "trialNumber"`,
};

/** Of the runs given, those cancelled (queued, by a client's cancel or their sweep's): their ends. */
const cancelledOfStatement = {
  name: 'stranded-runs-cancelled-of',
  text: `
  SELECT id, result, sweep_id AS "sweepId", trial_number AS "trialNumber" FROM runs
   WHERE id = ANY($1::uuid[]) AND status = 'cancelled'`,
};

/** A run `end` ended: its result, and its sweep and trial number (null for a run of its own). */
export interface StrandedRunEnd {
  readonly id: string;
  readonly result: RunResultView;
  readonly sweepId: string | null;
  readonly trialNumber: number | null;
}

export function createStrandedRuns(pool: Pool) {
  return {
    /**
     * Runs of the deployment of `queuePrefix` to check against the queue, least recently
     * written first: every queued run, and the running ones
     * whose row no slice has touched since `staleBefore` (a live worker stores one at least
     * every second or so); after `after`.
     */
    async candidates(queuePrefix: string, staleBefore: Date, limit: number, after: PassPosition = firstPosition): Promise<StrandedCandidate[]> {
      const { rows } = await pool.query<StrandedCandidate>({ ...candidatesStatement, values: [queuePrefix, staleBefore.toISOString(), limit, ...positionValues(after)] });
      return rows;
    },

    /** Of `runIds` (a round's queued trials), those cancelled since, with their ends. */
    async cancelledOf(runIds: readonly string[]): Promise<StrandedRunEnd[]> {
      const { rows } = await pool.query<StrandedRunEnd>({ ...cancelledOfStatement, values: [runIds] });
      return rows;
    },

    /**
     * Ends a queued or running run for good: its result, and its sweep and trial number (a
     * trial's, whose end its sweep must hear of and be woken by; null for a run of its own); null
     * when it had already ended.
     */
    async end(runId: string, ending: { status: 'failed' | 'cancelled'; message: string }): Promise<StrandedRunEnd | null> {
      const result = resultWithoutParams(ending.status === 'failed' ? 'error' : 'cancelled', ending.message);
      const { rows } = await pool.query<Omit<StrandedRunEnd, 'id'>>({ ...endStatement, values: [runId, ending.status, JSON.stringify(result)] });
      return rows[0] ? { id: runId, ...rows[0] } : null;
    },
  };
}

export type StrandedRuns = ReturnType<typeof createStrandedRuns>;
