/**
 * One coordination round of a sweep, in one transaction under the sweep's row lock
 * (`SELECT … FOR UPDATE`): rounds of the same sweep run one at a time, whichever process asks,
 * and each sees every trial committed before it. A round asked for while another holds the lock
 * does not wait for it (`SKIP LOCKED`) unless told to (`wait`, the queued wake-ups: see
 * processors/sweep.ts): it answers null, leaving what woke it to the holder (see `missed`).
 *
 * A round is two round trips: the transaction begun, the lock taken and the trials read in one
 * message (the read a statement of its own, so its snapshot follows the lock, and only the
 * columns a plan reads; the value of a trial that finished without one worked out by it, and
 * stored with the round's writes); then, once `plan` has decided, the new trials inserted and
 * the sweep updated with the commit in one more message, which then counts the sweep's ended
 * trials with a snapshot taken after the commit: more than the round read (with those it created
 * failed) means a trial ended after the read, whose wake-up may have found the lock held, and the
 * caller runs another round (`missed`). A sweep's first round in a process (which learns the
 * sweep's metric from the lock's answer) reads the trials in a round trip of its own.
 *
 * A round whose suggestions take long (a second or two, planned in a thread: see
 * src/worker/sweeps/round-planner.ts) holds neither the lock nor a connection while they are
 * made: its read's transaction commits first, and once the plan is ready the round takes the
 * lock again (waiting for it), checks that no other round wrote the sweep meanwhile, and writes
 * the plan as above; otherwise it plans again from a read under that lock (see `unlockedPlans`:
 * the trials written are those of a round that held the lock throughout). Two more round trips,
 * which a cheap plan (a millisecond at most, made under the lock) does without. A sweep's
 * cancel, and anything else that updates its row, waits for no plan. Such a round marks the
 * sweep as planned until a bound (sweeps.planning_until, `planningLeaseMs`), in the transaction of
 * its read, and clears the mark in the transaction that takes the lock again (which writes the
 * plan, plans again under the lock, or finds the sweep ended), or once it failed. A round that
 * does not wait for the lock takes a marked sweep for a locked one (see `sweep_round_lock`): a
 * trial's end that comes while another round plans leaves its round to the planner, as it does
 * while a round holds the lock, instead of planning the same trials in vain (a second or two of a
 * thread: the first to write wins, the other plans again). No trial's end is lost so: a wake-up
 * that finds the mark read it before the planner's clearing committed, and the trial's end
 * committed before that wake-up, so before the planner's commit: its read saw the end, or its
 * count of ended trials after its commit does (see `missed`), and it runs another round. A round
 * that waits for the lock (a queued wake-up: the first round, periodic checks) plans whatever the
 * mark; and a mark past its bound (its planner's process ended) marks nothing.
 *
 * The statements of a message
 * cannot take parameters (PostgreSQL's simple protocol): they EXECUTE statements prepared once
 * per connection, so PostgreSQL neither parses nor plans them per round, with quoted literals
 * for arguments (the new trials one JSON document).
 *
 * A final trial never changes (no trial is deleted, a final status stays), so a process keeps
 * the final trials it has read, by sweep, and its rounds read only the others: a round's read
 * costs what the unfinished trials cost, not the whole sweep's history. The statement that
 * inserts the new trials also counts their tenant's unfinished runs, which gives the new trials'
 * job priorities (their places in the tenant's backlog) without another round trip.
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
import { timeOrderedUuid } from './time-ordered-uuid.ts';
import { escapeLiteral, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { sweepColumns, type SweepRow, type TrialRow } from './sweeps.ts';
import { cancelledBeforeStart } from '../contracts/run-result.ts';
import { numberArrayLiteral } from './array-literal.ts';
import { isFinalSweepStatus, type SweepEndReason } from '../contracts/sweep-view.ts';
import { isFinalRunStatus } from '../contracts/run-status.ts';
import type { RunPlace } from '../queue/runs-queue.ts';
import type { StrandedRunEnd } from './stranded-runs.ts';

/**
 * What a round's plan reads of a trial: its result only when it failed (the message), was pruned
 * (the pruning) or was cancelled (the stopReason: a client's cancel, or the tenant's quota).
 */
export interface RoundTrial extends Pick<TrialRow, 'runId' | 'trialNumber' | 'status' | 'value' | 'parameters' | 'result'> {
  /** Queued for longer than `requeueAfterSeconds`: its job may have been lost, so the round enqueues it again. */
  readonly stale?: boolean;
  /** Finished without its value stored: the round's read worked it out, and the round stores it. */
  readonly unvalued?: boolean;
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
  /**
   * The most metric rows it may record, when known below its spec's bound (metricRowsBound of
   * its spec and its objective's training rows); null: its spec's, as PostgreSQL computes it.
   */
  readonly metricRowsBound: number | null;
}

export interface RoundPlan {
  readonly newTrials: readonly NewTrial[];
  /** Ends the sweep with this status and result. */
  readonly finish: { readonly status: 'completed' | 'failed' | 'cancelled'; readonly result: unknown } | null;
  /** Trials the round could have created too are left to another round, to follow at once (its suggestions took their share of work). */
  readonly more?: boolean;
  /**
   * Stops the sweep's trials without ending it (it ends while trials are queued or running: see
   * endOnceSettled in src/worker/sweeps/plan-round.ts), for the ending `reason`, saying `why`
   * ("its sweep's time limit passed"): its queued trials are cancelled ("Cancelled before it
   * started: " why), the others stopped (see RoundOutcome.stopping), and the sweep keeps the
   * reason (SweepRow.stopping) to end with. Each trial's end wakes the sweep (its periodic check
   * too), and the round that finds them all ended decides. A plan that ends the sweep (`finish`)
   * comes only once every trial has ended.
   */
  readonly stop?: { readonly reason: SweepEndReason; readonly why: string };
}

export interface RoundOutcome {
  readonly sweep: SweepRow;
  /** Trials to enqueue after the round: the new ones, and earlier ones queued for long (jobs are idempotent). */
  readonly queued: readonly string[];
  /** The new trials' places in their tenant's backlog (their job priorities); the earlier ones are not known here. */
  readonly places: ReadonlyMap<string, RunPlace>;
  /**
   * The trials not ended at the round's read when it stopped the sweep's trials, and why
   * (RoundPlan.stop): each must be stopped (those queued then too, as the round's statement
   * cancels only those still queued at its commit: one a worker started meanwhile is running by
   * then), and the queued trials its statement cancelled (`cancelled`), whose ends must be told.
   * Null when the round did not stop them. (A round that ends the sweep found every trial ended:
   * see RoundPlan.stop.)
   */
  readonly stopping: { readonly trials: readonly string[]; readonly cancelled: readonly StrandedRunEnd[]; readonly why: string } | null;
  readonly created: readonly string[];
  readonly finished: boolean;
  /** A trial ended after the round read the trials (counted after its commit): another round must look. */
  readonly missed: boolean;
  /** Trials the round found still queued, created by earlier rounds: waiting for a worker. */
  readonly waiting: number;
  /** The round left trials it could have created to another round (see RoundPlan.more). */
  readonly more: boolean;
}

/** The statuses of the trials that have a value of the metric (see trialValueOf). */
const valuedStatusesSql = `('completed', 'early_stopped', 'diverged', 'pruned')`;

/**
 * The sweep's trials from trial `$3` on, in trial order, but for those listed in `$4` (final
 * trials the caller knows already: a final trial never changes); nothing unless this
 * transaction holds the sweep's lock (taking it again is a no-op for its holder), so that the
 * statement can go in the lock's message (see `round`). A finished trial's value of the metric
 * `$2` is the one its end stored (see trialValueOf); where it stored none (valLoss and
 * valAccuracy, the best of its recorded steps), the statement works it out and says so
 * (`unvalued`), and the round stores it with its writes: the read updates nothing, so a round
 * whose trials all have their values fires no trigger and writes no row version for them.
 */
const trialsSql = `
  WITH locked AS (SELECT id FROM sweeps WHERE id = $1 FOR UPDATE SKIP LOCKED)
  SELECT runs.id AS "runId", runs.trial_number AS "trialNumber", runs.status,
         coalesce(runs.trial_value, CASE WHEN runs.status IN ${valuedStatusesSql} THEN coalesce(CASE
           WHEN $2 = 'finalLoss' THEN (runs.result->>'finalLoss')::float8
           WHEN $2 = 'bestLoss' THEN (runs.result->'best'->>'value')::float8
           WHEN $2 = 'valLoss' THEN (SELECT min(val_loss) FILTER (WHERE val_loss <> 'NaN') FROM run_metrics m WHERE m.run_id = runs.id)
           WHEN $2 = 'valAccuracy' THEN (SELECT max(val_accuracy) FILTER (WHERE val_accuracy <> 'NaN') FROM run_metrics m WHERE m.run_id = runs.id)
         END, 'NaN') END) AS value,
         runs.trial_value IS NULL AND runs.status IN ${valuedStatusesSql} AS unvalued, runs.parameters,
         runs.status = 'queued' AND runs.created_at < now() - interval '${requeueAfterSeconds} seconds' AS stale,
         CASE WHEN runs.status IN ('failed', 'pruned')
              THEN jsonb_build_object('message', runs.result->'message', 'pruning', runs.result->'pruning')
              WHEN runs.status = 'cancelled' THEN jsonb_build_object('stopReason', runs.result->'stopReason') END AS result
    FROM runs
   WHERE runs.sweep_id = $1 AND runs.trial_number >= $3 AND runs.trial_number <> ALL($4) AND EXISTS (SELECT FROM locked)
   ORDER BY runs.trial_number`;

/** The values ($2) of the trials ($1) the round's read worked out, stored (see `trialsSql`). */
const valuesSql = `
  UPDATE runs SET trial_value = v.value FROM unnest($1::uuid[], $2::float8[]) AS v(id, value)
   WHERE runs.id = v.id AND runs.trial_value IS NULL`;

/**
 * The new trials ($3: one JSON array of {id, spec, trial_number, parameters, result, metric_rows_bound}) of tenant
 * $1 inserted and sweep $2 marked running; with the sweep, how many unfinished runs its tenant
 * had before them (`backlog`), from which the new trials' job priorities follow (see
 * src/db/tenant-backlog.ts: the k-th new trial's place is backlog + k).
 */
const insertTrialsSql = `
  WITH inserted AS (
  INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, parameters, status, result, finished_at, metric_rows_bound, created_at, updated_at)
  SELECT id, $1, spec, $2, trial_number, parameters,
         CASE WHEN result IS NULL THEN 'queued' ELSE 'failed' END::run_status, result,
         CASE WHEN result IS NULL THEN NULL ELSE now() END, metric_rows_bound, now(), now()
    FROM jsonb_to_recordset($3) AS t(id uuid, spec jsonb, trial_number int, parameters jsonb, result jsonb, metric_rows_bound bigint))
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = $2 RETURNING ${sweepColumns},
         (SELECT count(*) FROM runs WHERE tenant_id = $1 AND status IN ${activeStatusesSql})::int AS backlog`;

/**
 * After the commit, with a snapshot of its own: how many of the sweep's trials numbered below $2
 * have ended, as $2 less those still unfinished (a few index entries) instead of counting every
 * ended one (the whole sweep's history, each row visited). The trials numbered below $2 are those
 * the round read and created (trial numbers have no gaps), so later rounds' trials do not count.
 */
const endedSql = `SELECT $2 - count(*)::int AS ended FROM runs WHERE sweep_id = $1 AND status IN ${activeStatusesSql} AND trial_number < $2`;

/**
 * Whether the sweep has a trial numbered $2 or above: another round created trials since a read
 * that found $2 of them (trial numbers have no gaps, and no trial is deleted). One probe of the
 * unique index on (sweep_id, trial_number).
 */
const grownSql = `SELECT EXISTS (SELECT FROM runs WHERE sweep_id = $1 AND trial_number >= $2) AS grown`;

/**
 * The sweep as the round's lock reads it, and whether rounds of it have failed since the last
 * that did not (sweeps.failed_rounds, counted by the coordinator: see
 * src/worker/sweep-reconciler.ts): a round that does not fail counts them from 0 again, with
 * its writes.
 */
const lockedColumns = `${sweepColumns}, failed_rounds > 0 AS "roundsFailed"`;

/**
 * The round's statements, prepared once per connection with SQL's PREPARE: a message of several
 * statements cannot take parameters, but it can EXECUTE prepared ones with literal arguments,
 * which PostgreSQL then neither parses nor plans again (the pool's connections keep generic
 * plans and plan no sequential scans, see pool.ts).
 */
const prepared = {
  // Nothing while another round holds the lock, or plans without it (planning_until, see `round`).
  sweep_round_lock: { types: 'uuid', text: `SELECT ${lockedColumns} FROM sweeps WHERE id = $1 AND (planning_until IS NULL OR planning_until <= now()) FOR UPDATE SKIP LOCKED` },
  sweep_round_lock_wait: { types: 'uuid', text: `SELECT ${lockedColumns} FROM sweeps WHERE id = $1 FOR UPDATE` },
  sweep_round_trials: { types: 'uuid, text, int, int[]', text: trialsSql },
  sweep_round_insert: { types: 'uuid, uuid, jsonb', text: insertTrialsSql },
  sweep_round_values: { types: 'uuid[], float8[]', text: valuesSql },
  sweep_round_ended: { types: 'uuid, int', text: endedSql },
  sweep_round_grown: { types: 'uuid, int', text: grownSql },
};

const preparedSql = Object.entries(prepared).map(([name, { types, text }]) => `PREPARE ${name} (${types}) AS ${text}`).join(';\n');

/** Connections that hold the round's prepared statements. */
const preparedOn = new WeakSet<PoolClient>();

async function prepare(client: PoolClient): Promise<void> {
  if (preparedOn.has(client)) return;
  await client.query(preparedSql);
  preparedOn.add(client);
}

const execute = (name: keyof typeof prepared, ...values: string[]) => `EXECUTE ${name}(${values.join(', ')})`;

const trialsMessage = (sweepId: string, metric: string, from: number, known: readonly number[]) =>
  execute('sweep_round_trials', escapeLiteral(sweepId), escapeLiteral(metric), String(from), `'{${known.join(',')}}'`);

/** Sweeps whose metric this process remembers (a sweep's spec never changes), at most; then it forgets them all. */
const rememberedMetrics = 10_000;

/**
 * How many times a round makes a long plan without the lock (see `round`), at most; a plan made
 * again after that is made under the lock, as a cheap one is, which nothing can overtake.
 *
 * A plan made without the lock is written only if, once the lock is taken again, the sweep's
 * status, start and stopping are those the plan read, and the sweep has no trial numbered past
 * those it read: then no other round wrote meanwhile anything the plan depends on. The plan
 * (planRound) is a pure function of the sweep's row (its spec and base never change; its start,
 * for the time limit; the ending that stopped its trials) and of its trials, and each new trial's suggestion draws from a stream seeded by the
 * sweep's seed and the trial's number alone: the same read gives the same trials, bit for bit.
 * What else may change meanwhile changed just as freely while a round held the lock: trials end
 * (their runs do not take it), which the round's count of ended trials after its commit finds
 * (see RoundOutcome.missed), and a round that only stores values or counts failed rounds from
 * 0 again writes nothing a plan reads. So a plan written is the one a round holding the lock from
 * its read to its commit would have written. Otherwise (another round created trials, started,
 * stopped or ended the sweep) the round reads again under the lock it holds and plans again from
 * that read: the plan a round that took the lock then would have made.
 */
const unlockedPlans = 3;

/** How long a round told to wait for the lock waits at most: far longer than any round (the wake-up is retried then). */
const lockWaitMs = 10_000;

/**
 * How long a round that plans without the lock marks the sweep as planned at most (see `round`):
 * far longer than a plan (its work is bounded, a second or two), so that the mark outlives no
 * round but one whose process ended while it planned; a plan that outlasts it is only no longer
 * left alone by trials' ends.
 */
const planningLeaseMs = lockWaitMs;

/** The sweep marked as planned without the lock until `planningLeaseMs` from now; the mark, to clear it (see `clearLeaseStatement`). */
const leaseStatement = (sweepId: string) =>
  `UPDATE sweeps SET planning_until = now() + interval '${planningLeaseMs} milliseconds' WHERE id = ${escapeLiteral(sweepId)} RETURNING planning_until::text AS lease`;

/** The sweep's mark cleared, if it is still `lease` (a round that waited for the lock may have marked it since). */
const clearLeaseStatement = (sweepId: string, lease: string) =>
  `UPDATE sweeps SET planning_until = NULL WHERE id = ${escapeLiteral(sweepId)} AND planning_until = ${escapeLiteral(lease)}::timestamptz`;

/** The round's settings, for its transaction alone (as SET LOCAL would), in one statement instead of one each. */
const transactionSettings = `SELECT set_config('synchronous_commit', 'off', true), set_config('lock_timeout', '${lockWaitMs}', true)`;

/**
 * Begins the round's transaction and takes the sweep's lock, unless another round holds it (or
 * once it lets it go, with `wait`): one message.
 */
const lockMessage = (sweepId: string, wait: boolean) => `
  BEGIN; ${transactionSettings};
  ${execute(wait ? 'sweep_round_lock_wait' : 'sweep_round_lock', escapeLiteral(sweepId))}`;

/** The statements of the lock's message before its answer. */
const lockMessageStatements = 2;

/**
 * The lock taken again once a plan made without it is ready (waiting for it: its other holders
 * hold it for a moment), and whether the sweep has grown past the `count` trials the plan was
 * made from: a statement of its own after the lock, so that its snapshot follows the lock and
 * sees every trial committed before it.
 */
const relockMessage = (sweepId: string, count: number, lease: string) =>
  `${lockMessage(sweepId, true)};\n${execute('sweep_round_grown', escapeLiteral(sweepId), String(count))};\n${clearLeaseStatement(sweepId, lease)}`;

const runningStatement = (sweepId: string) => `
  UPDATE sweeps SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = ${escapeLiteral(sweepId)} RETURNING ${sweepColumns}`;

/**
 * The sweep's trials stopped (see RoundPlan.stop): its queued trials cancelled with the result
 * `cancelled`, and the ending `reason` kept on the sweep; with the sweep, the trials cancelled
 * (`cancelledTrials`: their ids and numbers), whose ends the round's caller tells.
 */
const stopStatement = (sweepId: string, reason: string, cancelled: string) => `
  WITH cancelled AS (
  UPDATE runs SET status = 'cancelled', result = ${escapeLiteral(cancelled)}::jsonb, finished_at = now(), updated_at = now()
   WHERE sweep_id = ${escapeLiteral(sweepId)} AND status = 'queued' RETURNING id, trial_number)
  UPDATE sweeps SET stopping = ${escapeLiteral(reason)}, updated_at = now() WHERE id = ${escapeLiteral(sweepId)}
  RETURNING ${sweepColumns},
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'trialNumber', c.trial_number) ORDER BY c.trial_number), '[]') FROM cancelled c) AS "cancelledTrials"`;

/** The sweep ended with `status` and `result`, every trial of it ended (see RoundPlan.stop). */
const finishStatement = (sweepId: string, status: string, result: string) => `
  UPDATE sweeps SET status = ${escapeLiteral(status)}::sweep_status, result = ${escapeLiteral(result)}::jsonb, finished_at = now(), updated_at = now(),
         started_at = coalesce(started_at, now())
   WHERE id = ${escapeLiteral(sweepId)} RETURNING ${sweepColumns}`;

/** The results of a message of several statements, one per statement (node-postgres gives a lone statement's result alone). */
const resultsOf = <Row extends QueryResultRow>(results: QueryResult<Row> | QueryResult<Row>[]): QueryResult<Row>[] => (Array.isArray(results) ? results : [results]);

/**
 * A sweep's final trials as this process last read them: they never change (no trial is
 * deleted, a final status is kept), so its rounds read only the others. `below`: every trial
 * numbered below it is known.
 */
interface KnownTrials {
  below: number;
  readonly final: Map<number, RoundTrial>;
}

/** Sweeps whose final trials this process remembers, at most; then it forgets them all. */
const rememberedSweeps = 256;

export function createSweepCoordination(pool: Pool) {
  const metrics = new Map<string, string>();
  const knownTrials = new Map<string, KnownTrials>();

  /**
   * The sweep's trials: those it knows, and those read (final ones become known once the round
   * has committed). Another round of this process may have made known, meanwhile, some that this
   * one read: each trial is taken once.
   */
  function allTrials(known: KnownTrials, read: readonly RoundTrial[]): RoundTrial[] {
    const trials = new Map(known.final);
    for (const trial of read) trials.set(trial.trialNumber, trial);
    return [...trials.values()].sort((a, b) => a.trialNumber - b.trialNumber);
  }

  function learn(sweepId: string, known: KnownTrials, read: readonly RoundTrial[]): void {
    for (const trial of read) if (isFinalRunStatus(trial.status)) known.final.set(trial.trialNumber, { ...trial, stale: false, unvalued: false });
    while (known.final.has(known.below)) known.below += 1;
    if (!knownTrials.has(sweepId) && knownTrials.size >= rememberedSweeps) knownTrials.clear();
    knownTrials.set(sweepId, known);
  }

  return {
    /**
     * Runs one round; null when the sweep is unknown, already final, or locked by another round
     * (with `wait`, only once that round has let the lock go).
     *
     * A plan made at once (`plan` answers a plan: a cheap round's, a millisecond at most) is made
     * under the lock, in the round's transaction. A plan that takes long (`plan` answers a
     * promise: a thread's) is made with neither the lock nor a connection held: the transaction
     * that read the sweep and its trials commits, and once the plan is ready the round takes the
     * lock again and writes it, unless the sweep changed meanwhile in a way the plan depends on
     * (see `unlockedPlans`). So a sweep's cancel, or anything else that updates its row, does
     * not wait for the plan, and the worker's connections are not held idle in a transaction
     * while its threads plan.
     */
    async round(
      sweepId: string,
      metricName: (sweep: SweepRow) => string,
      plan: (sweep: SweepRow, trials: RoundTrial[]) => RoundPlan | Promise<RoundPlan>,
      { wait = false }: { readonly wait?: boolean } = {},
    ): Promise<RoundOutcome | null> {
      // The connection of the round's transaction: none while a long plan is made.
      let client: PoolClient | null = await pool.connect();
      // The round's mark on the sweep while it plans without the lock, until the clearing commits (see planningLeaseMs).
      let lease: string | null = null;
      try {
        await prepare(client);
        const known = knownTrials.get(sweepId) ?? { below: 0, final: new Map<number, RoundTrial>() };
        const knownAbove = () => [...known.final.keys()].filter((trialNumber) => trialNumber >= known.below);
        // The trials are read in the lock's message when the sweep's metric is known.
        const metric = metrics.get(sweepId);
        const message = metric === undefined ? lockMessage(sweepId, wait) : `${lockMessage(sweepId, wait)};\n${trialsMessage(sweepId, metric, known.below, knownAbove())}`;
        const locked = resultsOf(await client.query<SweepRow & RoundTrial & { roundsFailed: boolean }>(message));
        const [lockedRow] = locked[lockMessageStatements].rows;
        if (!lockedRow || isFinalSweepStatus(lockedRow.status)) {
          await client.query('COMMIT');
          if (lockedRow) knownTrials.delete(sweepId);
          return null;
        }
        let roundsFailed: boolean;
        let sweep: SweepRow;
        ({ roundsFailed, ...sweep } = lockedRow);
        if (metrics.size >= rememberedMetrics) metrics.clear();
        metrics.set(sweepId, metricName(sweep));
        const readTrials = async (on: PoolClient) => (await on.query<RoundTrial>(trialsMessage(sweepId, metricName(sweep), known.below, knownAbove()))).rows;
        let read = metric === undefined ? await readTrials(client) : locked[lockMessageStatements + 1].rows as RoundTrial[];
        let trials = allTrials(known, read);
        let decision: RoundPlan;
        for (let attempt = 1; ; attempt += 1) {
          const planning = plan(sweep, trials);
          if (!(planning instanceof Promise) || attempt > unlockedPlans) {
            decision = await planning;
            break;
          }
          // A long plan: the lock and the connection are let go meanwhile. What the plan throws is
          // thrown once it is awaited, not taken for an unhandled rejection while the transaction ends.
          planning.catch(() => undefined);
          const [leased] = resultsOf(await client.query<{ lease: string }>(`${leaseStatement(sweepId)};\nCOMMIT`));
          lease = leased.rows[0].lease;
          client.release();
          client = null;
          const planned = await planning;
          client = await pool.connect();
          await prepare(client);
          const relocked = resultsOf(await client.query(relockMessage(sweepId, trials.length, lease)));
          const [row] = relocked[lockMessageStatements].rows as (SweepRow & { roundsFailed: boolean })[];
          // Cancelled (or ended otherwise) while the plan was made: nothing more is written.
          if (!row || isFinalSweepStatus(row.status)) {
            await client.query('COMMIT');
            lease = null;
            if (row) knownTrials.delete(sweepId);
            return null;
          }
          const { grown } = relocked[lockMessageStatements + 1].rows[0] as { grown: boolean };
          const plannedFrom = sweep;
          ({ roundsFailed, ...sweep } = row);
          if (!grown && sweep.status === plannedFrom.status && sweep.startedAt?.getTime() === plannedFrom.startedAt?.getTime() && sweep.stopping === plannedFrom.stopping) {
            decision = planned;
            break;
          }
          // Another round wrote the sweep meanwhile: the plan is made again from what the lock reads now.
          read = await readTrials(client);
          trials = allTrials(known, read);
        }
        const ids = decision.newTrials.map(() => timeOrderedUuid());
        const unvalued = read.filter((trial) => trial.unvalued);
        // This round does not fail: the rounds that did before it are counted from 0 again.
        const values = roundsFailed ? [`UPDATE sweeps SET failed_rounds = 0, round_error = NULL WHERE id = ${escapeLiteral(sweepId)}`] : [];
        if (unvalued.length > 0) values.push(execute('sweep_round_values', `'{${unvalued.map((trial) => trial.runId).join(',')}}'`, escapeLiteral(numberArrayLiteral(unvalued.map((trial) => trial.value)))));
        // The statements that write the sweep: the last of them returns it.
        const writes: string[] = [];
        if (decision.newTrials.length > 0) {
          const rows = decision.newTrials.map((trial, i) => ({
            id: ids[i], spec: trial.spec, trial_number: trial.trialNumber, parameters: trial.parameters, result: trial.failure, metric_rows_bound: trial.metricRowsBound,
          }));
          writes.push(execute('sweep_round_insert', escapeLiteral(sweep.tenantId), escapeLiteral(sweepId), escapeLiteral(JSON.stringify(rows))));
        }
        // The round's stop, with the result of the queued trials it cancels.
        const stop = decision.stop && { ...decision.stop, cancelled: cancelledBeforeStart(decision.stop.why) };
        if (decision.finish) {
          writes.push(finishStatement(sweepId, decision.finish.status, JSON.stringify(decision.finish.result)));
        } else if (stop !== undefined) {
          writes.push(stopStatement(sweepId, stop.reason, JSON.stringify(stop.cancelled)));
        } else if (writes.length === 0 && sweep.status === 'queued') {
          writes.push(runningStatement(sweepId));
        }
        // Trials ended by the round's read, and those it created failed: any more ended after the read
        // (or were cancelled by its stop: the round after it then finds them ended at once).
        const ended = trials.filter((trial) => isFinalRunStatus(trial.status)).length + decision.newTrials.filter((trial) => trial.failure !== null).length;
        const counted = decision.finish ? [] : [execute('sweep_round_ended', escapeLiteral(sweepId), String(trials.length + decision.newTrials.length))];
        const results = resultsOf(await client.query<SweepRow & { ended: number; backlog?: number }>([...values, ...writes, 'COMMIT', ...counted].join(';\n')));
        lease = null;
        const { backlog, cancelledTrials, ...updated } = (writes.length > 0 ? results[values.length + writes.length - 1].rows[0] : sweep) as SweepRow & {
          backlog?: number; cancelledTrials?: { id: string; trialNumber: number }[];
        };
        const missed = counted.length > 0 && results.at(-1)!.rows[0].ended > ended;
        if (decision.finish) knownTrials.delete(sweepId);
        else learn(sweepId, known, read);
        const places = new Map<string, RunPlace>();
        const newQueued = ids.filter((_, i) => decision.newTrials[i].failure === null);
        if (backlog !== undefined) newQueued.forEach((runId, k) => places.set(runId, { priority: backlog + k + 1, tenantId: sweep.tenantId }));
        const stops = decision.finish !== null || decision.stop !== undefined;
        const earlierQueued = trials.filter((trial) => trial.stale).map((trial) => trial.runId);
        const unended = trials.filter((trial) => !isFinalRunStatus(trial.status)).map((trial) => trial.runId);
        return {
          sweep: updated,
          queued: stops ? [] : [...earlierQueued, ...newQueued],
          places,
          stopping: stop !== undefined
            ? { trials: unended, cancelled: (cancelledTrials ?? []).map((trial) => ({ ...trial, result: stop.cancelled, sweepId })), why: stop.why }
            : null,
          created: ids,
          finished: decision.finish !== null,
          missed,
          waiting: stops ? 0 : read.filter((trial) => trial.status === 'queued').length,
          more: !stops && decision.more === true,
        };
      } catch (error) {
        await client?.query('ROLLBACK').catch(() => undefined);
        // A round that failed while it planned, or before its clearing committed, leaves trials' ends to the next round.
        if (lease !== null) await pool.query(clearLeaseStatement(sweepId, lease)).catch(() => undefined);
        throw error;
      } finally {
        client?.release();
      }
    },
  };
}
