/**
 * One coordination round of a sweep, in one transaction under the sweep's row lock
 * (`SELECT … FOR UPDATE`): rounds of the same sweep run one at a time, whichever process asks,
 * and each sees every trial committed before it. A round asked for while another holds the lock
 * does not wait for it (`SKIP LOCKED`): it answers null, and the caller leaves a mark that the
 * holder reads once it has committed (`claim` clears the marks a round's read covers; see
 * processors/sweep.ts). A round locks the sweep, reads all its trials
 * (filling in the values of those that finished, in the same statement), lets `plan` decide, then
 * inserts the new trials and updates the sweep in one more statement: four round trips and the
 * commit, so the lock is held briefly and rounds of a busy sweep follow each other quickly.
 *
 * The round commits without waiting for its WAL flush (`synchronous_commit = off`). Should the
 * database crash within that moment, the round is lost as a whole (the trials it created and the
 * sweep's update), and the next wake-up plans it again: the jobs it queued name runs that no
 * longer exist, which workers skip. Nothing is created twice and the budget holds either way.
 * The unique index on (sweep_id, trial_number) claims each trial number once in the database,
 * so no trial (no grid point) can be created twice, lock or no lock.
 *
 * Rounds are idempotent: asked again with nothing changed, a round creates nothing. So wake-ups
 * may be repeated or lost-and-retried freely.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from './pool.ts';
import { sweepColumns, trialColumns, type SweepRow, type TrialRow } from './sweeps.ts';
import { resultWithoutParams } from '../contracts/run-result.ts';

export interface NewTrial {
  readonly trialNumber: number;
  readonly parameters: Record<string, number | string | boolean>;
  readonly spec: unknown;
  /** A trial that can never run (its spec does not validate) is stored failed with this result. */
  readonly failure: unknown | null;
}

export interface RoundPlan {
  readonly newTrials: readonly NewTrial[];
  /** Ends the sweep with this status and result. */
  readonly finish: { readonly status: 'completed' | 'failed'; readonly result: unknown } | null;
}

export interface RoundOutcome {
  readonly sweep: SweepRow;
  /** Trials queued after the round (new or earlier ones), to (re-)enqueue: jobs are idempotent. */
  readonly queued: readonly string[];
  /** Trials running when the round ended the sweep: their workers must be told to stop. */
  readonly stopping: readonly string[];
  readonly created: readonly string[];
  readonly finished: boolean;
}

/**
 * The sweep's trials in trial order, each finished trial's value of the metric filled in once
 * (from its result, or the best of its recorded steps) by the same statement.
 */
const trialsStatement = `
  WITH valued AS (
  UPDATE runs r SET trial_value = coalesce(CASE
      WHEN r.status = 'pruned' THEN (r.result->'pruning'->>'value')::float8
      WHEN $2 = 'finalLoss' THEN (r.result->>'finalLoss')::float8
      WHEN $2 = 'bestLoss' THEN (r.result->'best'->>'value')::float8
      WHEN $2 = 'valLoss' THEN (SELECT min(val_loss) FILTER (WHERE val_loss <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
      WHEN $2 = 'valAccuracy' THEN (SELECT max(val_accuracy) FILTER (WHERE val_accuracy <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
    END, 'NaN')
   WHERE r.sweep_id = $1 AND r.trial_value IS NULL AND r.status IN ('completed', 'early_stopped', 'diverged', 'pruned')
  RETURNING r.id, r.trial_value)
  SELECT ${trialColumns} FROM (
    SELECT runs.id, runs.trial_number, runs.status, coalesce(valued.trial_value, runs.trial_value) AS trial_value,
           runs.parameters, runs.result, runs.created_at, runs.finished_at
      FROM runs LEFT JOIN valued ON valued.id = runs.id
     WHERE runs.sweep_id = $1) AS trials
   ORDER BY trial_number`;

/** The new trials ($3…$7, one array per column) and the sweep marked running ($2), in one statement. */
const insertTrialsStatement = `
  WITH inserted AS (
  INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, parameters, status, result, finished_at, created_at, updated_at)
  SELECT id, $1::uuid, spec, $2::uuid, trial_number, parameters,
         CASE WHEN result IS NULL THEN 'queued' ELSE 'failed' END::run_status, result,
         CASE WHEN result IS NULL THEN NULL ELSE now() END, now(), now()
    FROM unnest($3::uuid[], $4::jsonb[], $5::int[], $6::jsonb[], $7::jsonb[]) AS t(id, spec, trial_number, parameters, result))
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = $2 RETURNING ${sweepColumns}`;

const runningStatement = `
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = $1 RETURNING ${sweepColumns}`;

/** The sweep ended ($2, $3): its queued trials cancelled ($4) in the same statement. */
const finishStatement = `
  WITH cancelled AS (
  UPDATE runs SET status = 'cancelled', result = $4::jsonb, finished_at = now(), updated_at = now()
   WHERE sweep_id = $1 AND status = 'queued')
  UPDATE sweeps SET status = $2::sweep_status, result = $3::jsonb, finished_at = now(), updated_at = now(),
         started_at = coalesce(started_at, now())
   WHERE id = $1 RETURNING ${sweepColumns}`;

/** The result of a trial that had not started when its sweep ended. */
const cancelledWithSweep = resultWithoutParams('cancelled', 'Cancelled before it started: its sweep ended.');

export function createSweepCoordination(pool: Pool) {
  return {
    /**
     * Runs one round; null when the sweep is unknown, already final, or locked by another round.
     * `claim` runs once the lock is held, before the trials are read.
     */
    async round(
      sweepId: string,
      metricName: (sweep: SweepRow) => string,
      plan: (sweep: SweepRow, trials: TrialRow[]) => RoundPlan,
      claim?: () => Promise<unknown>,
    ): Promise<RoundOutcome | null> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN; SET LOCAL synchronous_commit = off');
        const { rows: [sweep] } = await client.query<SweepRow>(`SELECT ${sweepColumns} FROM sweeps WHERE id = $1 FOR UPDATE SKIP LOCKED`, [sweepId]);
        if (!sweep || !['queued', 'running'].includes(sweep.status)) {
          await client.query('COMMIT');
          return null;
        }
        await claim?.();
        const { rows: trials } = await client.query<TrialRow>(trialsStatement, [sweepId, metricName(sweep)]);
        const decision = plan(sweep, trials);
        const ids = decision.newTrials.map(() => randomUUID());
        let updated: SweepRow | undefined;
        if (decision.newTrials.length > 0) {
          ({ rows: [updated] } = await client.query<SweepRow>(insertTrialsStatement, [
            sweep.tenantId,
            sweepId,
            ids,
            decision.newTrials.map((trial) => JSON.stringify(trial.spec)),
            decision.newTrials.map((trial) => trial.trialNumber),
            decision.newTrials.map((trial) => JSON.stringify(trial.parameters)),
            decision.newTrials.map((trial) => (trial.failure === null ? null : JSON.stringify(trial.failure))),
          ]));
        }
        if (decision.finish) {
          ({ rows: [updated] } = await client.query<SweepRow>(finishStatement, [
            sweepId, decision.finish.status, JSON.stringify(decision.finish.result), JSON.stringify(cancelledWithSweep),
          ]));
        } else if (!updated) {
          ({ rows: [updated] } = await client.query<SweepRow>(runningStatement, [sweepId]));
        }
        await client.query('COMMIT');
        const newQueued = ids.filter((_, i) => decision.newTrials[i].failure === null);
        const earlierQueued = trials.filter((trial) => trial.status === 'queued').map((trial) => trial.runId);
        const running = trials.filter((trial) => trial.status === 'running').map((trial) => trial.runId);
        return {
          sweep: updated!,
          queued: decision.finish ? [] : [...earlierQueued, ...newQueued],
          stopping: decision.finish ? running : [],
          created: ids,
          finished: decision.finish !== null,
        };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
