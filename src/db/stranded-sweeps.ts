/**
 * Sweeps that no coordinator may wake any more, seen from the database: the candidates the
 * sweep reconciler checks against the queue (src/worker/sweep-reconciler.ts), the count of a
 * sweep's failed rounds that bounds how often it is woken, the statement that ends a sweep
 * whose rounds keep failing, the running trials of ended sweeps still to be stopped, and the
 * sweeps that ended lately, whose ends it tells unless told.
 */
import { cancelledBeforeStart } from '../contracts/run-result.ts';
import type { SweepResult } from '../contracts/sweep-view.ts';
import type { Pool } from './pool.ts';
import { endSweep, type SweepEnd } from './sweeps.ts';
import { afterPositionSql, firstPosition, positionValues, type PassPosition } from './pass-order.ts';

export interface StrandedSweep extends PassPosition {
  /** Rounds that failed since the last one that did not (see sweep-coordination.ts), and the last one's error. */
  readonly failedRounds: number;
  readonly roundError: string | null;
}

/** Served by sweeps_unfinished_idx (a deployment's unfinished sweeps, by last write), after a position (see pass-order.ts). */
export const candidatesStatement = {
  name: 'stranded-sweeps-candidates',
  text: `
  SELECT id, updated_at AS "updatedAt", failed_rounds AS "failedRounds", round_error AS "roundError" FROM sweeps
   WHERE queue_prefix = $1 AND status IN ('queued', 'running') AND updated_at < $2::timestamptz
     AND ${afterPositionSql('$4', '$5')} LIMIT $3`,
};

/**
 * Running trials of the deployment's sweeps that a client cancelled or whose coordination
 * failed: the stop of such a sweep's running trials follows the statement that ended it, and did
 * not happen should Redis have been unreachable then. Served by runs_running_trials_idx (a
 * deployment's running trials, by last write; migration 20261214100000), least recently written
 * first: a pass reads the running trials, never the queued backlog.
 */
export const unstoppedTrialsStatement = {
  name: 'stranded-sweeps-unstopped-trials',
  text: `
  SELECT r.id, s.id AS "sweepId", s.status, s.result FROM runs r JOIN sweeps s ON s.id = r.sweep_id
   WHERE r.queue_prefix = $1 AND r.status = 'running' AND r.sweep_id IS NOT NULL
     AND ((s.status = 'cancelled' AND s.result->>'reason' = 'cancelled') OR (s.status = 'failed' AND s.result->>'reason' = 'coordination_failed'))
   ORDER BY r.updated_at LIMIT $2`,
};

/**
 * A deployment's sweeps that ended (completed, cancelled or failed) at least `$2` and at most `$3`
 * milliseconds ago, both measured from PostgreSQL's now() (the clock finished_at was read from,
 * whatever the worker's says), by end, then id, after a position (see pass-order.ts): the sweep
 * reconciler tells the end of each unless told (see end-told.ts). Served by sweeps_ended_idx (a
 * deployment's ended sweeps, by end; migration 20261215100000): a pass reads the sweeps that
 * ended within the window, never the others.
 */
export const endedStatement = {
  name: 'stranded-sweeps-ended',
  text: `
  SELECT id, finished_at AS "updatedAt", status, result FROM sweeps
   WHERE queue_prefix = $1 AND status IN ('completed', 'cancelled', 'failed')
     AND finished_at <= now() - make_interval(secs => $2::double precision / 1000)
     AND finished_at >= now() - make_interval(secs => $3::double precision / 1000)
     AND ${afterPositionSql('$5', '$6', 'finished_at')} LIMIT $4`,
};

/**
 * A sweep that ended, and how: its final `sweep` event. Its place in a pass is its end and id:
 * `updatedAt` holds its end (finished_at), under the name PassPosition gives a place's time.
 */
export interface EndedSweep extends PassPosition {
  readonly status: 'completed' | 'cancelled' | 'failed';
  readonly result: SweepResult;
}

/** How long ago, by PostgreSQL's clock, the sweeps a pass tells the ends of ended. */
export interface EndedWindow {
  readonly atLeastMs: number;
  readonly atMostMs: number;
}

/** A running trial of a sweep that ended without stopping it (see unstoppedTrials), and how its sweep ended. */
export interface UnstoppedTrial {
  readonly id: string;
  readonly sweepId: string;
  readonly status: 'cancelled' | 'failed';
  /** The sweep's result. */
  readonly result: SweepResult;
}

/** Counts a failed round of an unfinished sweep, keeping its error; the sweep's updated_at is left alone (no progress). */
const failedRoundStatement = {
  name: 'stranded-sweeps-failed-round',
  text: `UPDATE sweeps SET failed_rounds = failed_rounds + 1, round_error = $2 WHERE id = $1 AND status IN ('queued', 'running')`,
};

/** The result of a trial that had not started when its sweep failed. */
const cancelledWithSweep = cancelledBeforeStart('its sweep failed');

/** Longest error kept of a failed round. */
const errorLength = 1_000;

export function createStrandedSweeps(pool: Pool) {
  return {
    /**
     * Sweeps of the deployment of `queuePrefix` not final and not written since `staleBefore`
     * (no round created a trial or ended it), least recently written first, after `after`.
     */
    async candidates(queuePrefix: string, staleBefore: Date, limit: number, after: PassPosition = firstPosition): Promise<StrandedSweep[]> {
      const { rows } = await pool.query<StrandedSweep>({ ...candidatesStatement, values: [queuePrefix, staleBefore.toISOString(), limit, ...positionValues(after)] });
      return rows;
    },

    /**
     * Up to `limit` running trials of the deployment of `queuePrefix` whose sweeps ended, cancelled
     * by a client or failed with coordination_failed, least recently written first: each must be
     * stopped, as the end of its sweep stops it (a worker that holds its job may have been told
     * already, and ends it within a slice).
     */
    async unstoppedTrials(queuePrefix: string, limit: number): Promise<UnstoppedTrial[]> {
      const { rows } = await pool.query<UnstoppedTrial>({ ...unstoppedTrialsStatement, values: [queuePrefix, limit] });
      return rows;
    },

    /**
     * Up to `limit` sweeps of the deployment of `queuePrefix` that ended within `window` (by
     * PostgreSQL's clock), in order of their ends, after `after`.
     */
    async ended(queuePrefix: string, window: EndedWindow, limit: number, after: PassPosition = firstPosition): Promise<EndedSweep[]> {
      const { rows } = await pool.query<EndedSweep>({ ...endedStatement, values: [queuePrefix, window.atLeastMs, window.atMostMs, limit, ...positionValues(after)] });
      return rows;
    },

    /** Counts a round of the sweep that failed with `error` (the next round that does not fail counts them from 0 again). */
    async failedRound(sweepId: string, error: string): Promise<void> {
      await pool.query({ ...failedRoundStatement, values: [sweepId, error.slice(0, errorLength)] });
    },

    /**
     * Ends the sweep failed with `result`, if it is still unfinished and has failed
     * `minFailedRounds` rounds or more: its queued trials are cancelled with it (and returned,
     * for their ends to be told); the running ones are returned, to be stopped. Null when it did
     * not end here.
     */
    async fail(sweepId: string, result: SweepResult, minFailedRounds: number): Promise<Omit<SweepEnd, 'ended'> | null> {
      const { ended, ...trials } = await endSweep(pool, sweepId, 'failed', result, cancelledWithSweep, minFailedRounds);
      return ended ? trials : null;
    },
  };
}

export type StrandedSweeps = ReturnType<typeof createStrandedSweeps>;
