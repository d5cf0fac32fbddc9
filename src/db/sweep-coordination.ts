/**
 * One coordination round of a sweep, in one transaction under the sweep's row lock
 * (`SELECT … FOR UPDATE`): rounds of the same sweep run one at a time, whichever process asks,
 * and each sees every trial committed before it. A round reads the sweep and all its trials (one
 * query), lets `plan` decide, then inserts the new trials in one statement and updates the sweep.
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

/** Each finished trial's value of the metric, once: from its result, or the best of its recorded steps. */
const valueStatement = `
  UPDATE runs r SET trial_value = coalesce(CASE
      WHEN r.status = 'pruned' THEN (r.result->'pruning'->>'value')::float8
      WHEN $2 = 'finalLoss' THEN (r.result->>'finalLoss')::float8
      WHEN $2 = 'bestLoss' THEN (r.result->'best'->>'value')::float8
      WHEN $2 = 'valLoss' THEN (SELECT min(val_loss) FILTER (WHERE val_loss <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
      WHEN $2 = 'valAccuracy' THEN (SELECT max(val_accuracy) FILTER (WHERE val_accuracy <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
    END, 'NaN')
   WHERE r.sweep_id = $1 AND r.trial_value IS NULL AND r.status IN ('completed', 'early_stopped', 'diverged', 'pruned')`;

const insertTrialsStatement = `
  INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, parameters, status, result, finished_at, created_at, updated_at)
  SELECT id, $1::uuid, spec, $2::uuid, trial_number, parameters,
         CASE WHEN result IS NULL THEN 'queued' ELSE 'failed' END::run_status, result,
         CASE WHEN result IS NULL THEN NULL ELSE now() END, now(), now()
    FROM unnest($3::uuid[], $4::jsonb[], $5::int[], $6::jsonb[], $7::jsonb[]) AS t(id, spec, trial_number, parameters, result)`;

/** The result of a trial that had not started when its sweep ended. */
export const cancelledWithSweep = resultWithoutParams('cancelled', 'Cancelled before it started: its sweep ended.');

export function createSweepCoordination(pool: Pool) {
  return {
    /** Runs one round; null when the sweep is unknown or already final. */
    async round(sweepId: string, metricName: (sweep: SweepRow) => string, plan: (sweep: SweepRow, trials: TrialRow[]) => RoundPlan): Promise<RoundOutcome | null> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: [sweep] } = await client.query<SweepRow>(`SELECT ${sweepColumns} FROM sweeps WHERE id = $1 FOR UPDATE`, [sweepId]);
        if (!sweep || !['queued', 'running'].includes(sweep.status)) {
          await client.query('COMMIT');
          return null;
        }
        await client.query(valueStatement, [sweepId, metricName(sweep)]);
        const { rows: trials } = await client.query<TrialRow>(`SELECT ${trialColumns} FROM runs WHERE sweep_id = $1 ORDER BY trial_number`, [sweepId]);
        const decision = plan(sweep, trials);
        const ids = decision.newTrials.map(() => randomUUID());
        if (decision.newTrials.length > 0) {
          await client.query(insertTrialsStatement, [
            sweep.tenantId,
            sweepId,
            ids,
            decision.newTrials.map((trial) => JSON.stringify(trial.spec)),
            decision.newTrials.map((trial) => trial.trialNumber),
            decision.newTrials.map((trial) => JSON.stringify(trial.parameters)),
            decision.newTrials.map((trial) => (trial.failure === null ? null : JSON.stringify(trial.failure))),
          ]);
        }
        if (decision.finish) {
          await client.query(
            `UPDATE runs SET status = 'cancelled', result = $2::jsonb, finished_at = now(), updated_at = now()
              WHERE sweep_id = $1 AND status = 'queued'`,
            [sweepId, JSON.stringify(cancelledWithSweep)],
          );
        }
        const { rows: [updated] } = decision.finish
          ? await client.query<SweepRow>(
              `UPDATE sweeps SET status = $2::sweep_status, result = $3::jsonb, finished_at = now(), updated_at = now(),
                      started_at = coalesce(started_at, now())
                WHERE id = $1 RETURNING ${sweepColumns}`,
              [sweepId, decision.finish.status, JSON.stringify(decision.finish.result)],
            )
          : await client.query<SweepRow>(
              `UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
                WHERE id = $1 RETURNING ${sweepColumns}`,
              [sweepId],
            );
        await client.query('COMMIT');
        const newQueued = ids.filter((_, i) => decision.newTrials[i].failure === null);
        const earlierQueued = trials.filter((trial) => trial.status === 'queued').map((trial) => trial.runId);
        const running = trials.filter((trial) => trial.status === 'running').map((trial) => trial.runId);
        return {
          sweep: updated,
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

export type SweepCoordination = ReturnType<typeof createSweepCoordination>;
