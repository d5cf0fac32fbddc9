/**
 * One coordination round of a sweep, in one transaction under the sweep's row lock
 * (`SELECT … FOR UPDATE`): rounds of the same sweep run one at a time, whichever process asks,
 * and each sees every trial committed before it. A round asked for while another holds the lock
 * does not wait for it (`SKIP LOCKED`): it answers null, and the caller leaves a mark that the
 * holder reads once it has committed (`claim` clears the marks a round's read covers; see
 * processors/sweep.ts).
 *
 * A round is two round trips: the transaction begun, the lock taken and the trials read in one
 * message (the read a statement of its own, so its snapshot follows the lock; the values of the
 * trials that finished filled in by it, and only the columns a plan reads); then, once `plan`
 * has decided, the new trials inserted and the sweep updated with the commit in one more message,
 * which then counts the sweep's ended trials with a snapshot taken after the commit: more than
 * the round read (with those it created failed) means a trial ended after the read, whose
 * wake-up may have found the lock held, and the caller runs another round (`missed`). A round
 * with a `claim`, or a sweep's first round in a process (which learns the sweep's metric from
 * the lock's answer), reads the trials in a round trip of its own. The statements of a message
 * cannot take parameters (PostgreSQL's simple protocol): their values are quoted literals, the
 * new trials one JSON document.
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
import { escapeLiteral, type QueryResult, type QueryResultRow } from 'pg';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { sweepColumns, type SweepRow, type TrialRow } from './sweeps.ts';
import { resultWithoutParams } from '../contracts/run-result.ts';
import { isFinalSweepStatus } from '../contracts/sweep-view.ts';
import { isFinalRunStatus } from '../contracts/run-status.ts';

/** What a round's plan reads of a trial: its result only when it failed (the message) or was pruned (the pruning). */
export interface RoundTrial extends Pick<TrialRow, 'runId' | 'trialNumber' | 'status' | 'value' | 'parameters' | 'result'> {
  /** Queued for longer than `requeueAfterSeconds`: its job may have been lost, so the round enqueues it again. */
  readonly stale?: boolean;
}

/**
 * A trial's job is added by the round that creates it; one still queued this long after may have
 * lost it (a crash between the commit and the enqueueing), and every round enqueues it again
 * (adding a job that exists changes nothing). Younger ones are not re-added by every round.
 */
const requeueAfterSeconds = 10;

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
  /** Trials to enqueue after the round: the new ones, and earlier ones queued for long (jobs are idempotent). */
  readonly queued: readonly string[];
  /** Trials running when the round ended the sweep: their workers must be told to stop. */
  readonly stopping: readonly string[];
  readonly created: readonly string[];
  readonly finished: boolean;
  /** A trial ended after the round read the trials (counted after its commit): another round must look. */
  readonly missed: boolean;
}

/**
 * The sweep's trials in trial order, each finished trial's value of the metric filled in once
 * (from its result, or the best of its recorded steps) by the same statement; nothing unless
 * this transaction holds the sweep's lock (taking it again is a no-op for its holder), so that
 * the statement can go in the lock's message (see `round`). `sweep` and `metric` are SQL: the
 * parameters $1 and $2, or quoted literals.
 */
const trialsSql = (sweep: string, metric: string) => `
  WITH locked AS (SELECT id FROM sweeps WHERE id = ${sweep} FOR UPDATE SKIP LOCKED), valued AS (
  UPDATE runs r SET trial_value = coalesce(CASE
      WHEN r.status = 'pruned' THEN (r.result->'pruning'->>'value')::float8
      WHEN ${metric} = 'finalLoss' THEN (r.result->>'finalLoss')::float8
      WHEN ${metric} = 'bestLoss' THEN (r.result->'best'->>'value')::float8
      WHEN ${metric} = 'valLoss' THEN (SELECT min(val_loss) FILTER (WHERE val_loss <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
      WHEN ${metric} = 'valAccuracy' THEN (SELECT max(val_accuracy) FILTER (WHERE val_accuracy <> 'NaN') FROM run_metrics m WHERE m.run_id = r.id)
    END, 'NaN')
   WHERE r.sweep_id = ${sweep} AND EXISTS (SELECT FROM locked) AND r.trial_value IS NULL AND r.status IN ('completed', 'early_stopped', 'diverged', 'pruned')
  RETURNING r.id, r.trial_value)
  SELECT runs.id AS "runId", runs.trial_number AS "trialNumber", runs.status,
         coalesce(valued.trial_value, runs.trial_value) AS value, runs.parameters,
         runs.status = 'queued' AND runs.created_at < now() - interval '${requeueAfterSeconds} seconds' AS stale,
         CASE WHEN runs.status IN ('failed', 'pruned')
              THEN jsonb_build_object('message', runs.result->'message', 'pruning', runs.result->'pruning') END AS result
    FROM runs LEFT JOIN valued ON valued.id = runs.id
   WHERE runs.sweep_id = ${sweep} AND EXISTS (SELECT FROM locked)
   ORDER BY runs.trial_number`;

const trialsStatement = { name: 'sweep-round-trials', text: trialsSql('$1::uuid', '$2::text') };

/** Sweeps whose metric this process remembers (a sweep's spec never changes), at most; then it forgets them all. */
const rememberedMetrics = 10_000;

/** Begins the round's transaction and takes the sweep's lock, unless another round holds it: one message. */
const lockMessage = (sweepId: string) => `
  BEGIN; SET LOCAL synchronous_commit = off;
  SELECT ${sweepColumns} FROM sweeps WHERE id = ${escapeLiteral(sweepId)} FOR UPDATE SKIP LOCKED`;

/** The new trials (one JSON array of {id, spec, trial_number, parameters, result}) inserted, and the sweep marked running. */
const insertTrialsStatement = (tenantId: string, sweepId: string, trials: string) => `
  WITH inserted AS (
  INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, parameters, status, result, finished_at, created_at, updated_at)
  SELECT id, ${escapeLiteral(tenantId)}::uuid, spec, ${escapeLiteral(sweepId)}::uuid, trial_number, parameters,
         CASE WHEN result IS NULL THEN 'queued' ELSE 'failed' END::run_status, result,
         CASE WHEN result IS NULL THEN NULL ELSE now() END, now(), now()
    FROM jsonb_to_recordset(${escapeLiteral(trials)}::jsonb) AS t(id uuid, spec jsonb, trial_number int, parameters jsonb, result jsonb))
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = ${escapeLiteral(sweepId)} RETURNING ${sweepColumns}`;

const runningStatement = (sweepId: string) => `
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = ${escapeLiteral(sweepId)} RETURNING ${sweepColumns}`;

/** The sweep ended with `status` and `result`: its queued trials cancelled (with `cancelled`) in the same statement. */
const finishStatement = (sweepId: string, status: string, result: string, cancelled: string) => `
  WITH cancelled AS (
  UPDATE runs SET status = 'cancelled', result = ${escapeLiteral(cancelled)}::jsonb, finished_at = now(), updated_at = now()
   WHERE sweep_id = ${escapeLiteral(sweepId)} AND status = 'queued')
  UPDATE sweeps SET status = ${escapeLiteral(status)}::sweep_status, result = ${escapeLiteral(result)}::jsonb, finished_at = now(), updated_at = now(),
         started_at = coalesce(started_at, now())
   WHERE id = ${escapeLiteral(sweepId)} RETURNING ${sweepColumns}`;

/** After the commit, with a snapshot of its own: how many of the sweep's trials have ended. */
const endedStatement = (sweepId: string) => `
  SELECT count(*)::int AS ended FROM runs WHERE sweep_id = ${escapeLiteral(sweepId)} AND status NOT IN ${activeStatusesSql}`;

/** The results of a message of several statements, one per statement (node-postgres gives a lone statement's result alone). */
const resultsOf = <Row extends QueryResultRow>(results: QueryResult<Row> | QueryResult<Row>[]): QueryResult<Row>[] => (Array.isArray(results) ? results : [results]);

/** The result of a trial that had not started when its sweep ended. */
const cancelledWithSweep = resultWithoutParams('cancelled', 'Cancelled before it started: its sweep ended.');

export function createSweepCoordination(pool: Pool) {
  const metrics = new Map<string, string>();
  return {
    /**
     * Runs one round; null when the sweep is unknown, already final, or locked by another round.
     * `claim` runs once the lock is held, before the trials are read.
     */
    async round(
      sweepId: string,
      metricName: (sweep: SweepRow) => string,
      plan: (sweep: SweepRow, trials: RoundTrial[]) => RoundPlan,
      claim?: () => Promise<unknown>,
    ): Promise<RoundOutcome | null> {
      const client = await pool.connect();
      try {
        // The trials are read in the lock's message when nothing must happen in between and the sweep's metric is known.
        const metric = claim ? undefined : metrics.get(sweepId);
        const message = metric === undefined ? lockMessage(sweepId) : `${lockMessage(sweepId)};\n${trialsSql(escapeLiteral(sweepId), escapeLiteral(metric))}`;
        const locked = resultsOf(await client.query<SweepRow & RoundTrial>(message));
        const [sweep] = locked[2].rows;
        if (!sweep || isFinalSweepStatus(sweep.status)) {
          await client.query('COMMIT');
          return null;
        }
        if (metrics.size >= rememberedMetrics) metrics.clear();
        metrics.set(sweepId, metricName(sweep));
        await claim?.();
        const trials = metric === undefined
          ? (await client.query<RoundTrial>({ ...trialsStatement, values: [sweepId, metricName(sweep)] })).rows
          : locked[3].rows as RoundTrial[];
        const decision = plan(sweep, trials);
        const ids = decision.newTrials.map(() => randomUUID());
        const writes: string[] = [];
        if (decision.newTrials.length > 0) {
          const rows = decision.newTrials.map((trial, i) => ({
            id: ids[i], spec: trial.spec, trial_number: trial.trialNumber, parameters: trial.parameters, result: trial.failure,
          }));
          writes.push(insertTrialsStatement(sweep.tenantId, sweepId, JSON.stringify(rows)));
        }
        if (decision.finish) {
          writes.push(finishStatement(sweepId, decision.finish.status, JSON.stringify(decision.finish.result), JSON.stringify(cancelledWithSweep)));
        } else if (writes.length === 0 && sweep.status === 'queued') {
          writes.push(runningStatement(sweepId));
        }
        // Trials ended by the round's read, and those it created failed: any more ended after the read.
        const ended = trials.filter((trial) => isFinalRunStatus(trial.status)).length + decision.newTrials.filter((trial) => trial.failure !== null).length;
        const counted = decision.finish ? [] : [endedStatement(sweepId)];
        const results = resultsOf(await client.query<SweepRow & { ended: number }>([...writes, 'COMMIT', ...counted].join(';\n')));
        const updated = writes.length > 0 ? results[writes.length - 1].rows[0] : sweep;
        const missed = counted.length > 0 && results.at(-1)!.rows[0].ended > ended;
        const newQueued = ids.filter((_, i) => decision.newTrials[i].failure === null);
        const earlierQueued = trials.filter((trial) => trial.stale).map((trial) => trial.runId);
        const running = trials.filter((trial) => trial.status === 'running').map((trial) => trial.runId);
        return {
          sweep: updated,
          queued: decision.finish ? [] : [...earlierQueued, ...newQueued],
          stopping: decision.finish ? running : [],
          created: ids,
          finished: decision.finish !== null,
          missed,
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
