/**
 * Sweeps: the stored spec, status and result of each hyperparameter search, with the per-status
 * counts, best trial and leaderboard of its trials (runs with its `sweep_id`). Everything here
 * is one statement through the node-postgres pool; coordination lives in sweep-coordination.ts.
 */
import { createHash } from 'node:crypto';
import type { SweepEndReason } from '../contracts/sweep-view.ts';
import type { RunSpec } from '../contracts/run-spec.ts';
import type { DatasetSource } from '../core/datasets/index.ts';
import { isObjectiveReference } from '../core/training/index.ts';
import { timeOrderedUuid } from './time-ordered-uuid.ts';
import { uuidText } from './uuid.ts';
import type { PoolClient } from 'pg';
import type { Pool } from './pool.ts';
import { activeStatusesSql, rankedStatusesSql, type RunCursor, type RunStatus } from './runs.ts';
import { missingParameterReference, missingReferenceError, MissingParameterReferencesError, referenceParameters } from './objective-resolution.ts';
import type { ReferenceField } from './reference-fields.ts';
import type { StrandedRunEnd } from './stranded-runs.ts';
import type { RunResultView } from '../contracts/run-result.ts';

export interface SweepRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string | null;
  readonly status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  readonly spec: unknown;
  readonly result: unknown;
  readonly idempotencyKey: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** What the API learnt of the base's objective as it checked the sweep; null for sweeps stored before it kept it. */
  readonly baseObjective: BaseObjective | null;
  /**
   * Whether the sweep ends on its failures as stored since 20261211100000_sweep_failure_rules:
   * without budget.maxFailedTrials after 10 failed trials in a row, and failed when every trial
   * failed or it has no best trial. False for a sweep stored before, which keeps no failure limit
   * and its budget's (or time limit's) ending.
   */
  readonly failureRules: boolean;
  /**
   * The ending that stopped its trials while it waits for them to end (see endOnceSettled in
   * src/worker/sweeps/plan-round.ts): the sweep ends with it. Null while none has.
   */
  readonly stopping: SweepEndReason | null;
}

/**
 * What the coordinator needs of a sweep's base objective, learnt as the API built it, to bound its
 * trials' metric rows (see planRound): its training rows (null for a function), for the trials
 * whose objective is the base's; and, for a model the base gives inline, the rows of its data
 * before the validation split, with what identifies that data source, from which a trial on the
 * same data counts its own training rows (its own validationSplit applied).
 */
export interface BaseObjective {
  readonly trainingRows: number | null;
  /** Absent for a function or a stored objective, and in sweeps stored before it was kept. */
  readonly data?: { readonly rows: number; readonly source: string };
}

/**
 * What identifies a model's data source as a parsed spec gives it (a built-in generator's
 * options, an uploaded dataset's id, the rows given inline): a digest of its JSON.
 */
const dataSourceKey = (source: DatasetSource): string => createHash('sha256').update(JSON.stringify(source)).digest('base64url');

/** The BaseObjective of a sweep whose parsed base has `objective`, as the API built it: its training rows and its data's. */
export function baseObjectiveOf(objective: RunSpec['objective'], built: { trainingRows: number | null; dataRows: number | null }): BaseObjective {
  const { trainingRows, dataRows } = built;
  if (isObjectiveReference(objective) || objective.type !== 'model' || dataRows === null) return { trainingRows };
  return { trainingRows, data: { rows: dataRows, source: dataSourceKey(objective.data) } };
}

/** The rows of `source`, a trial's data source, when it is the base's (before any validation split); else null. */
export function baseDataRows(base: BaseObjective, source: DatasetSource): number | null {
  return base.data !== undefined && dataSourceKey(source) === base.data.source ? base.data.rows : null;
}

export interface TrialRow {
  readonly runId: string;
  readonly trialNumber: number;
  readonly status: RunStatus;
  readonly value: number | null;
  readonly parameters: Record<string, number | string | boolean>;
  readonly result: { stopReason?: string; message?: string; steps?: number; pruning?: unknown } | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export interface BestTrial {
  readonly sweepId: string;
  readonly runId: string;
  readonly trialNumber: number;
  readonly value: number;
  readonly parameters: Record<string, number | string | boolean>;
}

export const sweepColumns = `id, tenant_id AS "tenantId", name, status, spec, result, idempotency_key AS "idempotencyKey",
  created_at AS "createdAt", updated_at AS "updatedAt", started_at AS "startedAt", finished_at AS "finishedAt", base_objective AS "baseObjective",
  failure_rules AS "failureRules", stopping`;

const trialColumns = `id AS "runId", trial_number AS "trialNumber", status, trial_value AS value, parameters, result,
  created_at AS "createdAt", finished_at AS "finishedAt"`;

const createStatement = `
  WITH inserted AS (
    INSERT INTO sweeps (id, tenant_id, name, spec, idempotency_key, base_objective, created_at, updated_at)
    VALUES ($1, $2, $3, $4::json, $5, $6::jsonb, now(), now())
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING ${sweepColumns})
  SELECT *, true AS created FROM inserted
  UNION ALL
  SELECT ${sweepColumns}, false AS created FROM sweeps
   WHERE tenant_id = $2 AND idempotency_key = $5 AND NOT EXISTS (SELECT FROM inserted)`;

/**
 * The field of the sweep's base objective ($2, the sweep's spec) that names a stored objective or
 * dataset its tenant ($1) no longer has (see ReferenceField); NULL when none.
 */
const missingReferenceStatement = `SELECT objective_missing_reference($1::uuid, $2::jsonb #> '{base,objective}') AS missing`;

/** An id, as a sweep's spec may name a stored objective or dataset (its base objective, its parameters' values). */
const idPattern = new RegExp(uuidText, 'i');

/**
 * Takes the locks, shared, of every stored objective and dataset the sweep's spec (`$1`) names,
 * those the database stores it as naming and a deletion looks for (`sweeps.named_resources`,
 * migration 20261213110000; see resource-deletion.ts): whichever of the two comes first, the
 * deletion sees the sweep or the sweep's check sees the deletion.
 */
const lockNamedStatement = 'SELECT resource_locks_shared(sweep_named_resources($1::jsonb)::text[])';

/** Whether the sweep's spec has any id, which it may name (see lockNamedStatement). */
const namesIds = (spec: string): boolean => idPattern.test(spec);

/** The values a sweep's parameters give the fields that name a stored objective or dataset: each a reference a trial would resolve. */
function parameterReferences(spec: unknown): { parameter: string; index: number; field: ReferenceField; id: string }[] {
  const parameters = (spec as { parameters?: Record<string, { values?: unknown[] }> }).parameters ?? {};
  return Object.entries(parameters).flatMap(([parameter, definition]) => {
    const field = Object.hasOwn(referenceParameters, parameter) ? referenceParameters[parameter] : undefined;
    if (field === undefined) return [];
    return (definition.values ?? []).flatMap((id, index) => (typeof id === 'string' ? [{ parameter, index, field, id }] : []));
  });
}

/**
 * Of the references $3 (ids) at the fields $2 ('objective', 'data', 'validation'), those its tenant
 * ($1) has no stored objective or dataset for, by their place in the arrays (from 1), in order.
 */
const missingParameterReferencesStatement = `
  SELECT n::int FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(field, id, n)
   WHERE objective_missing_reference($1::uuid, CASE field WHEN 'objective' THEN jsonb_build_object('id', id)
                                                           ELSE jsonb_build_object(field, jsonb_build_object('id', id)) END) IS NOT NULL
   ORDER BY n`;

/**
 * A trial's place on its sweep's leaderboard, compared in this order (every part non-null, so that
 * a row comparison orders them as ORDER BY does): its class (0 finished with a value, 1 pruned,
 * 2 queued or running, 3 the rest: failed, cancelled, finished without a value), its depth
 * (minus the step a pruned trial was pruned at, 0 for the others), its value times the goal's sign
 * (best first; NaN, after every number, for none), its trial number.
 */
export interface LeaderboardKey {
  readonly rankClass: number;
  readonly depth: number;
  readonly value: number;
  readonly trialNumber: number;
}

/** The leaderboard keys of a sweep's trials ($2: +1 to minimise, −1 to maximise), with their columns. */
const leaderboardKeys = `
  SELECT ${trialColumns},
         CASE WHEN status IN ${rankedStatusesSql} AND trial_value IS NOT NULL AND trial_value <> 'NaN' THEN 0
              WHEN status = 'pruned' THEN 1 WHEN status IN ${activeStatusesSql} THEN 2 ELSE 3 END AS "rankClass",
         CASE WHEN status = 'pruned' THEN coalesce(-(result->'pruning'->>'step')::float8, 0) ELSE 0 END AS depth,
         coalesce(trial_value * $2, 'NaN') AS "rankValue"
    FROM runs WHERE sweep_id = $1`;

/** A page of the leaderboard: $3 rows, after the key ($4 … $7) when one is given. */
const leaderboardStatement = (after: boolean) => `
  SELECT * FROM (${leaderboardKeys}) AS ranked
  ${after ? 'WHERE ("rankClass", depth, "rankValue", "trialNumber") > ($4::int, $5::float8, $6::float8, $7::int)' : ''}
   ORDER BY "rankClass", depth, "rankValue", "trialNumber" LIMIT $3`;

/**
 * The best valued trial of each sweep in $1 ($2: +1 to minimise, −1 to maximise). The sweeps are
 * said again as a condition on runs alone: joined only, a generic plan may hash-join the whole
 * index of trials, every tenant's, to return a page's few sweeps.
 */
export const bestTrialsSql = `
  SELECT DISTINCT ON (r.sweep_id) r.sweep_id AS "sweepId", r.id AS "runId", r.trial_number AS "trialNumber",
         r.trial_value AS value, r.parameters
    FROM unnest($1::uuid[], $2::float8[]) AS s(id, sign) JOIN runs r ON r.sweep_id = s.id
   WHERE r.sweep_id = ANY($1::uuid[]) AND r.status IN ${rankedStatusesSql} AND r.trial_value IS NOT NULL AND r.trial_value <> 'NaN'
   ORDER BY r.sweep_id, r.trial_value * s.sign, r.trial_number`;

export interface SweepListQuery {
  readonly status?: string;
  readonly after?: RunCursor;
  readonly limit: number;
}

/**
 * A page of a tenant's sweeps, naming only the filters given: the pool keeps generic plans (see
 * pool.ts), and in a generic plan `($n IS NULL OR …)` can serve as no index condition (a page deep
 * in a tenant's sweeps read and filtered out every newer one).
 */
export function sweepListStatement(tenantId: string, query: SweepListQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId, query.limit];
  const conditions = ['tenant_id = $1'];
  if (query.status !== undefined) conditions.push(`status = $${values.push(query.status)}::sweep_status`);
  if (query.after) {
    const createdAt = values.push(query.after.createdAt);
    conditions.push(`(created_at, id) < ($${createdAt}::timestamptz, $${values.push(query.after.id)}::uuid)`);
  }
  return {
    text: `SELECT ${sweepColumns} FROM sweeps WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $2`,
    values,
  };
}

/**
 * Runs `work` in a transaction on a connection of `pool`, committed once it returns and rolled
 * back when it throws; a connection whose ROLLBACK failed is discarded, not returned to the pool
 * in a transaction that may still be open.
 */
async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(() => false, () => true);
    throw error;
  } finally {
    client.release(broken);
  }
}

/** What ending a sweep did (see endSweep). */
export interface SweepEnd {
  /** Whether this call ended it. */
  readonly ended: boolean;
  /** Its running trials, which must be stopped (see stopSweepTrials in src/queue/sweep-trial-stops.ts). */
  readonly running: string[];
  /** Its queued trials, cancelled with it: only this call ended them, and its caller tells their ends. */
  readonly cancelled: StrandedRunEnd[];
}

/**
 * Ends a queued or running sweep with `status` and `sweepResult`, and cancels its queued trials
 * (with `trialResult`), in one transaction, as a client's cancel does. Only a sweep with
 * `minFailedRounds` failed rounds or more ends (the sweep reconciler's bound, see
 * src/worker/sweep-reconciler.ts).
 */
export async function endSweep(
  pool: Pool, id: string, status: 'cancelled' | 'failed', sweepResult: unknown, trialResult: RunResultView, minFailedRounds = 0,
): Promise<SweepEnd> {
  return inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE sweeps SET status = $3::sweep_status, result = $2::jsonb, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running') AND failed_rounds >= $4`,
      [id, JSON.stringify(sweepResult), status, minFailedRounds],
    );
    if (rowCount !== 1) return { ended: false, running: [], cancelled: [] };
    const { rows: cancelled } = await client.query<StrandedRunEnd>(
      `UPDATE runs SET status = 'cancelled', result = $2::jsonb, finished_at = now(), updated_at = now()
        WHERE sweep_id = $1 AND status = 'queued' RETURNING id, result, sweep_id AS "sweepId", trial_number AS "trialNumber"`,
      [id, JSON.stringify(trialResult)],
    );
    return { ended: true, running: await runningTrials(client, id), cancelled };
  });
}

/** The sweep's running trials. */
async function runningTrials(client: Pool | PoolClient, sweepId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM runs WHERE sweep_id = $1 AND status = 'running'`, [sweepId]);
  return rows.map((row) => row.id);
}

/** A sweep to store (see create). */
type NewSweep = { tenantId: string; name: string | null; spec: unknown; idempotencyKey?: string; baseObjective: BaseObjective };

/** Stores of a keyed sweep made again when the sweep its key named was deleted before it was read (see create). */
const replayTries = 3;

export function createSweepRepository(pool: Pool) {
  /** Stores the sweep, or finds the one of its idempotency key; null when that one was deleted before it was read. */
  async function createOnce(sweep: NewSweep): Promise<{ sweep: SweepRow; created: boolean } | null> {
    const spec = JSON.stringify(sweep.spec);
    const values = [timeOrderedUuid(), sweep.tenantId, sweep.name, spec, sweep.idempotencyKey ?? null, JSON.stringify(sweep.baseObjective)];
    const references = parameterReferences(sweep.spec);
    const rows = await inTransaction(pool, async (client) => {
      if (namesIds(spec)) {
        await client.query(lockNamedStatement, [spec]);
        const { rows: [{ missing } = { missing: null }] } = await client.query<{ missing: ReferenceField | null }>(missingReferenceStatement, [sweep.tenantId, spec]);
        if (missing !== null) throw missingReferenceError((sweep.spec as { base?: { objective?: unknown } }).base?.objective, missing);
      }
      if (references.length > 0) {
        const { rows: missing } = await client.query<{ n: number }>(missingParameterReferencesStatement, [sweep.tenantId, references.map((r) => r.field), references.map((r) => r.id)]);
        if (missing.length > 0) {
          throw new MissingParameterReferencesError(missing.map(({ n }) => {
            const { parameter, index, field, id } = references[n - 1]!;
            return missingParameterReference(parameter, index, field, id);
          }));
        }
      }
      return (await client.query<SweepRow & { created: boolean }>(createStatement, values)).rows;
    });
    const row = rows[0] ?? (await pool.query<SweepRow & { created: boolean }>(`SELECT ${sweepColumns}, false AS created FROM sweeps WHERE tenant_id = $1 AND idempotency_key = $2`, [sweep.tenantId, sweep.idempotencyKey])).rows[0];
    if (row === undefined) return null;
    const { created, ...stored } = row;
    return { sweep: stored, created };
  }

  return {
    /**
     * Stores a queued sweep; with an idempotency key this tenant used already, returns that sweep
     * (`created: false`). The stored objective and datasets its base's objective names are
     * checked again under their locks, taken shared, which their deletion takes exclusively (see
     * resource-lock.ts):
     * one deleted since the API checked them is thrown as resolving the objective would throw it
     * (ObjectiveNotFoundError, DatasetNotFoundError), nothing stored. So are, under the same
     * locks, the values of its parameters over those fields (`objective.id`, `objective.data.id`,
     * `objective.validation.id`): one its tenant has no objective or dataset for is thrown in a
     * MissingParameterReferencesError with every other, nothing stored.
     */
    async create(sweep: NewSweep): Promise<{ sweep: SweepRow; created: boolean }> {
      // A replay's sweep read after the insert found its key may have been deleted in between: its
      // key is free again, and the sweep is stored again, as if submitted after the deletion.
      for (let tries = 1; ; tries++) {
        const stored = await createOnce(sweep);
        if (stored) return stored;
        if (tries === replayTries) throw new Error(`the sweep of idempotency key ${sweep.idempotencyKey} was deleted ${replayTries} times while it was being submitted`);
      }
    },

    async findForTenant(tenantId: string, id: string): Promise<SweepRow | null> {
      const { rows } = await pool.query<SweepRow>(`SELECT ${sweepColumns} FROM sweeps WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
      return rows[0] ?? null;
    },

    async findById(id: string): Promise<SweepRow | null> {
      const { rows } = await pool.query<SweepRow>(`SELECT ${sweepColumns} FROM sweeps WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    /** Newest first, keyset-paginated on (createdAt, id). */
    async list(tenantId: string, query: SweepListQuery): Promise<SweepRow[]> {
      const { rows } = await pool.query<SweepRow>(sweepListStatement(tenantId, query));
      return rows;
    },

    /** Trials per status, for each sweep. */
    async trialCounts(sweepIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
      const { rows } = await pool.query<{ sweepId: string; status: string; count: number }>(
        `SELECT sweep_id AS "sweepId", status, count(*)::int AS count FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [sweepIds],
      );
      const counts = new Map<string, Record<string, number>>();
      for (const row of rows) counts.set(row.sweepId, { ...counts.get(row.sweepId), [row.status]: row.count });
      return counts;
    },

    /** The best valued trial of each sweep; `sign` is +1 to minimise, −1 to maximise. */
    async bestTrials(sweeps: readonly { id: string; sign: number }[]): Promise<Map<string, BestTrial>> {
      const { rows } = await pool.query<BestTrial>(bestTrialsSql, [sweeps.map((s) => s.id), sweeps.map((s) => s.sign)]);
      return new Map(rows.map((row) => [row.sweepId, row]));
    },

    /**
     * One page of the leaderboard (`sign` as in bestTrials): `limit` trials, best first, after the
     * trial whose key is `after` (see LeaderboardKey), each with its own key.
     */
    async leaderboard(sweepId: string, sign: number, after: LeaderboardKey | null, limit: number): Promise<(TrialRow & { key: LeaderboardKey })[]> {
      const values: unknown[] = [sweepId, sign, limit];
      if (after) values.push(after.rankClass, after.depth, after.value, after.trialNumber);
      const { rows } = await pool.query<TrialRow & { rankClass: number; depth: number; rankValue: number }>(leaderboardStatement(after !== null), values);
      return rows.map(({ rankClass, depth, rankValue, ...trial }) => ({ ...trial, key: { rankClass, depth, value: rankValue, trialNumber: trial.trialNumber } }));
    },

    /** One page of the sweep's trials by trial number: `limit` of them, numbered above `after` when given. */
    async trialsByNumber(sweepId: string, after: number | null, limit: number): Promise<TrialRow[]> {
      const { rows } = await pool.query<TrialRow>(
        `SELECT ${trialColumns} FROM runs WHERE sweep_id = $1 AND trial_number > $2 ORDER BY trial_number LIMIT $3`,
        [sweepId, after ?? -1, limit],
      );
      return rows;
    },

    /** Cancels a queued or running sweep and its queued trials, in one transaction (see endSweep). */
    cancel(id: string, sweepResult: unknown, trialResult: RunResultView): Promise<SweepEnd> {
      return endSweep(pool, id, 'cancelled', sweepResult, trialResult);
    },

    /** The sweep's running trials (of a cancel repeated: see the sweep service's cancel). */
    runningTrials(id: string): Promise<string[]> {
      return runningTrials(pool, id);
    },
  };
}

export type SweepRepository = ReturnType<typeof createSweepRepository>;
