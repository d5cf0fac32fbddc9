/** Runs: the stored spec, status, live progress and final result of every optimization. */
import { timeOrderedUuid } from './time-ordered-uuid.ts';
import { Coalescer, type Settled } from '../concurrency/coalescer.ts';
import type { Database } from './client.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';
import type { Prisma, Run, RunStatus } from '../generated/prisma/client.ts';

import type { RunResultView } from '../contracts/run-result.ts';
import { activeRunStatuses, rankedRunStatuses, type RunStatus as ContractStatus } from '../contracts/run-status.ts';
import { isUuid } from './uuid.ts';
import { missingReferenceError } from './objective-resolution.ts';
import type { ReferenceField } from './reference-fields.ts';
import type { RunPlace } from '../queue/runs-queue.ts';

export type { Run, RunStatus };

// The database enum (prisma/schema.prisma) and the contract's statuses are the same set.
const _sameStatuses: [RunStatus, ContractStatus] extends [ContractStatus, RunStatus] ? true : never = true;
void _sameStatuses;

/** A SQL list of statuses, `('queued', 'running')`: names from the contract's table, never input. */
const statusList = (statuses: readonly RunStatus[]) => `(${statuses.map((status) => `'${status}'`).join(', ')})`;
/** Statuses a run is still in on its way to a final one, as a SQL list. */
export const activeStatusesSql = statusList(activeRunStatuses);
/** Statuses whose runs have a value that ranks, as a SQL list. */
export const rankedStatusesSql = statusList(rankedRunStatuses);

/*
 * What a tenant's runs count against its quotas and where a run stands in its tenant's backlog,
 * as SQL expressions over the runs table (aliased `o` inside), for the statements that read
 * them: src/db/tenant-backlog.ts and src/db/metric-rows-use.ts. A submission counts the same in
 * PostgreSQL, under its tenant's lock (runs_submit, migration 20261207120000).
 */
/** The unfinished (queued or running) runs of the tenant `tenant` (an SQL expression). */
export const activeRunsSql = (tenant: string) => `(SELECT count(*) FROM runs o WHERE o.tenant_id = ${tenant} AND o.status IN ${activeStatusesSql})`;
/**
 * The unfinished runs of run `run`'s tenant submitted after it (`run` a row alias with
 * tenant_id, created_at and id): for a run just submitted, a few index entries at the end of
 * its tenant's runs (on tenant and time). Its rank is its tenant's unfinished runs less these.
 * The statuses are counted, not searched: given them as a condition, the planner could read the
 * runs through the reconciler's partial index of every tenant's unfinished runs instead, which
 * it did whenever the statistics were taken with few unfinished runs, and the generic plan
 * kept it: each submitted run's rank then read the whole backlog of every tenant (with 1,500
 * runs queued, 0.4 ms of a submission statement per run). An old run's rank (a run enqueued
 * again) reads all its tenant's runs since, finished ones too: rare, and never per submission.
 */
export const activeRunsAfterSql = (run: string) => `(SELECT count(*) FILTER (WHERE o.status IN ${activeStatusesSql}) FROM runs o WHERE o.tenant_id = ${run}.tenant_id
  AND o.created_at >= ${run}.created_at AND (o.created_at, o.id) > (${run}.created_at, ${run}.id))`;
/** The metric rows an unfinished run `run` counts: those it stored, or its spec's bound (metric_rows_bound) when more. */
export const reservedRowsSql = (run: string) => `greatest(${run}.metric_rows, coalesce(${run}.metric_rows_bound, 0))`;
/** The metric rows the finished runs of the tenant `tenant` store: their sum kept per tenant, in shards, by a statement trigger on runs (migrations 20261206040000, 20261206043000). */
const finishedRowsSql = (tenant: string) => `(SELECT coalesce(sum(f.rows), 0) FROM tenant_metric_rows f WHERE f.tenant_id = ${tenant})`;
/** Over the unfinished runs `o` of the tenant `tenant` (read through the index on tenant and status). */
const unfinishedRunsSql = (tenant: string) => `FROM runs o WHERE o.tenant_id = ${tenant} AND o.status IN ${activeStatusesSql}`;
/** The tenant's metric rows: the finished runs' sum plus `o`'s reservations (an aggregate over unfinishedRunsSql). */
const metricRowsSumSql = (tenant: string) => `(${finishedRowsSql(tenant)} + coalesce(sum(${reservedRowsSql('o')}), 0))::float8`;
/**
 * The metric rows the tenant `tenant` counts against its quota: stored by finished runs, reserved
 * by unfinished ones (as many as the tenant may have queued and running), never reading every run
 * the tenant ever had.
 */
export const metricRowsUseSql = (tenant: string) => `(SELECT ${metricRowsSumSql(tenant)} ${unfinishedRunsSql(tenant)})`;

export type JsonValue = Prisma.InputJsonValue;

export interface NewRun {
  readonly tenantId: string;
  readonly spec: JsonValue;
  readonly idempotencyKey?: string;
  readonly sweepId?: string;
  readonly trialNumber?: number;
  /**
   * The most metric rows it may record, when known below its spec's bound (metricRowsBound of its
   * data, see metric-rows-use.ts); PostgreSQL keeps the lower of the two.
   */
  readonly metricRowsBound?: number | null;
}

/** Position in the newest-first listing: the last run of the previous page. */
export interface RunCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface RunListQuery {
  readonly status?: RunStatus;
  readonly sweepId?: string;
  /** `spec.optimizer.name` equals this. */
  readonly optimizer?: string;
  /** `spec.objective.type` equals this (`expression`, `benchmark`, `model`). */
  readonly objectiveType?: string;
  /** Found, ignoring case, in the optimizer's name, the objective's expression, benchmark or model name; or the run id, or its last 8 or more characters. */
  readonly search?: string;
  readonly after?: RunCursor;
  readonly limit: number;
}

/** A search that may be the end of a run's id: 8 or more of its last characters (hex digits and dashes). */
const idEnd = /^[0-9a-f-]{8,35}$/i;

/** The spec fields a search looks in. */
const searchedSpecPaths = [['optimizer', 'name'], ['objective', 'expression'], ['objective', 'name'], ['objective', 'model']];

/** A jsonb path into the spec as an SQL literal (`'{optimizer,name}'`): names from the list above, never input. */
const specPath = (path: readonly string[]) => `'{${path.join(',')}}'`;

/**
 * A run row as Prisma's `Run`, with `result` the SQL expression given: every column, camel-cased
 * (node-postgres parses jsonb and timestamptz alike).
 */
const runColumnsWith = (result: string) => `id, tenant_id AS "tenantId", status, spec, progress, early_stopping AS "earlyStopping", ${result} AS result,
  idempotency_key AS "idempotencyKey", sweep_id AS "sweepId", trial_number AS "trialNumber", parameters, trial_value AS "trialValue", attempts, metric_rows AS "metricRows",
  queue_prefix AS "queuePrefix", created_at AS "createdAt", updated_at AS "updatedAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

const runColumns = runColumnsWith('result');

/**
 * A run's result without its parameters. A result is an object, or NULL while the run has none:
 * asking for its type first would have PostgreSQL read the stored value twice (a large one is
 * decompressed at each reading).
 */
const resultWithoutParamsSql = `result - 'params'`;

/**
 * A page of a tenant's runs as the list answers them: newest first after the cursor, with only
 * the filters given, each run's result without `params`. PostgreSQL leaves them out before it
 * sends the rows: the final parameters of a run of 10⁶ are 20 MB of JSON, which the API read and
 * parsed for every such run on a page, only to drop them.
 */
export function runListStatement(tenantId: string, query: RunListQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId, query.limit];
  const parameter = (value: unknown, type: string) => `$${values.push(value)}::${type}`;
  const conditions = ['tenant_id = $1::uuid'];
  if (query.status !== undefined) conditions.push(`status = ${parameter(query.status, 'run_status')}`);
  if (query.sweepId !== undefined) conditions.push(`sweep_id = ${parameter(query.sweepId, 'uuid')}`);
  if (query.optimizer !== undefined) conditions.push(`spec #> '{optimizer,name}' = to_jsonb(${parameter(query.optimizer, 'text')})`);
  if (query.objectiveType !== undefined) conditions.push(`spec #> '{objective,type}' = to_jsonb(${parameter(query.objectiveType, 'text')})`);
  if (query.search !== undefined) {
    // ILIKE's own `%`, `_` and `\` in the text are searched as themselves.
    const pattern = parameter(`%${query.search.replace(/[\\%_]/g, '\\$&')}%`, 'text');
    const found = searchedSpecPaths.map((path) => `(spec #>> ${specPath(path)} ILIKE ${pattern} AND jsonb_typeof(spec #> ${specPath(path)}) = 'string')`);
    if (isUuid(query.search)) found.push(`id = ${parameter(query.search.toLowerCase(), 'uuid')}`);
    // The end of an id, as the dashboard shows runs (their last 8 characters: a UUIDv7's first ones are its time).
    else if (idEnd.test(query.search)) found.push(`id::text LIKE ${parameter(`%${query.search.toLowerCase()}`, 'text')}`);
    conditions.push(`(${found.join(' OR ')})`);
  }
  if (query.after !== undefined) {
    conditions.push(`(created_at, id) < (${parameter(query.after.createdAt, 'timestamptz')}, ${parameter(query.after.id, 'uuid')})`);
  }
  return {
    text: `SELECT ${runColumnsWith(resultWithoutParamsSql)} FROM runs WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $2::int`,
    values,
  };
}

/** The run that holds this tenant's idempotency key. */
const byIdempotencyKeyStatement = {
  name: 'runs-by-idempotency-key',
  text: `SELECT ${runColumns} FROM runs WHERE tenant_id = $1 AND idempotency_key = $2`,
};

/** Submissions of a keyed run made again when the run their key named was deleted before it was read (see create). */
const replayTries = 3;

/**
 * Submitting runs, many at once, in one statement: each run's quota check and its insert, under
 * its tenant's lock (runs_submit, migrations 20261207120000, 20261207140000 and 20261208120000),
 * one row per element of the arrays $1-$9, in the order the runs were submitted. A run is stored
 * if the stored objective and datasets it names still exist and it fits its tenant's quotas with
 * every run stored before it, those submitted before it in the same statement included, and
 * refused otherwise, nothing of it stored; a run whose tenant already used its idempotency key is
 * that run (a replay, never refused). The API checked that what the run names exists before;
 * checked again under their locks, taken shared, which a deletion of them takes exclusively (see
 * resource-lock.ts), a run is never stored naming what a deletion removed meanwhile. The check
 * costs a run naming a stored objective 8-11 µs; one naming none reads no table.
 *
 * A stored run answers only what the insert did not choose: the spec as jsonb stores it, the
 * deployment's queue prefix (a column default) and the time, with its place in its tenant's
 * backlog; the rest of a new run is known (newRun). Returning every column had the API's event
 * loop parse each of them back for values it already had.
 */
const submitStatement = {
  name: 'runs-submit',
  text: `SELECT n, outcome, run_id AS id, stored_spec AS spec, stored_prefix AS "queuePrefix", stored_at AS "createdAt", place, used, requested
           FROM runs_submit($1::uuid[], $2::uuid[], $3::jsonb[], $4::varchar[], $5::uuid[], $6::int[], $7::bigint[], $8::float8[], $9::float8[])`,
};

/** A tenant's quotas on runs (TENANT_MAX_ACTIVE_RUNS, TENANT_MAX_METRIC_ROWS), as a submission counts them. */
export interface RunQuotas {
  /** Unfinished (queued or running) runs, at most. */
  readonly maxActiveRuns: number;
  /** Metric rows, stored by finished runs or reserved by unfinished ones (see metric-rows-use.ts), at most. */
  readonly maxMetricRows: number;
}

const unlimited: RunQuotas = { maxActiveRuns: Infinity, maxMetricRows: Infinity };

/** A submission refused at a quota of its tenant: nothing of it was stored. */
export class RunQuotaError extends Error {
  override readonly name = 'RunQuotaError';
  constructor(
    readonly quota: 'activeRuns' | 'metricRows',
    readonly limit: number,
    /** What the tenant had, the runs stored before this one included. */
    readonly used: number,
    /** What this run would add: 1 run, or the metric rows it reserves. */
    readonly requested: number,
  ) {
    super(`the tenant's ${quota === 'activeRuns' ? 'unfinished runs' : 'metric rows'} would be ${used + requested}, beyond its quota of ${limit}`);
  }
}

/** A run to submit, with the id it will have and its tenant's quotas. */
interface Submission {
  readonly run: NewRun & { readonly id: string };
  readonly quotas: RunQuotas;
}

/** A submission's answer: the new run with its place, or the id of the run its idempotency key already had. */
type Submitted = { readonly run: Run; readonly place: RunPlace } | { readonly existing: string };

interface SubmitRow {
  readonly n: number;
  readonly outcome: 'created' | 'existing' | 'active_runs' | 'metric_rows' | `missing_${ReferenceField}`;
  readonly id: string;
  readonly spec: Run['spec'];
  readonly queuePrefix: string | null;
  readonly createdAt: Date;
  readonly place: number | null;
  readonly used: number | null;
  readonly requested: number | null;
}

/** A run just inserted, from what its insert was given and what it answered (see submitStatement). */
function newRun(run: Submission['run'], { spec, queuePrefix, createdAt }: SubmitRow): Run {
  return {
    id: run.id, tenantId: run.tenantId, status: 'queued', spec, progress: null, earlyStopping: null, result: null,
    idempotencyKey: run.idempotencyKey ?? null, sweepId: run.sweepId ?? null, trialNumber: run.trialNumber ?? null, parameters: null, trialValue: null,
    attempts: 0, metricRows: 0, queuePrefix, createdAt, updatedAt: createdAt, startedAt: null, finishedAt: null,
  };
}

/** The answer of submission `submission` from its row. */
function submitted({ run, quotas }: Submission, row: SubmitRow | undefined): Settled<Submitted> {
  switch (row?.outcome) {
    case 'created':
      return { value: { run: newRun(run, row), place: { priority: Math.max(1, row.place!), tenantId: run.tenantId } } };
    case 'existing':
      return { value: { existing: row.id } };
    case 'active_runs':
      return { error: new RunQuotaError('activeRuns', quotas.maxActiveRuns, row.used!, row.requested!) };
    case 'metric_rows':
      return { error: new RunQuotaError('metricRows', quotas.maxMetricRows, row.used!, row.requested!) };
    case 'missing_objective':
    case 'missing_data':
    case 'missing_validation':
      return { error: missingReferenceError((run.spec as { objective?: unknown }).objective, row.outcome.slice('missing_'.length) as ReferenceField) };
    default:
      return { error: new Error(`run ${run.id} was not answered by its submission`) };
  }
}

/**
 * Runs over Prisma for everything but submission, which is the API's hottest write and goes
 * through the node-postgres `pool` as prepared statements: submissions without an idempotency
 * key that arrive while earlier ones are in flight are inserted together, in one statement.
 */
export function createRunRepository(database: Database, pool: Pool) {
  async function submit(submissions: readonly Submission[]): Promise<Settled<Submitted>[]> {
    const runs = submissions.map((submission) => submission.run);
    const { rows } = await pool.query<SubmitRow>({
      ...submitStatement,
      values: [
        runs.map((run) => run.id),
        runs.map((run) => run.tenantId),
        runs.map((run) => JSON.stringify(run.spec)),
        runs.map((run) => run.idempotencyKey ?? null),
        runs.map((run) => run.sweepId ?? null),
        runs.map((run) => run.trialNumber ?? null),
        runs.map((run) => run.metricRowsBound ?? null),
        submissions.map((submission) => submission.quotas.maxActiveRuns),
        submissions.map((submission) => submission.quotas.maxMetricRows),
      ],
    });
    const answers = new Map(rows.map((row) => [row.n, row]));
    return submissions.map((submission, i) => submitted(submission, answers.get(i + 1)));
  }

  // Concurrent submissions share statements, in the order they were made: the runs stored are
  // those that fit their tenant's quotas in that order. A row the statement refuses (a tenant
  // deleted meanwhile) fails its own submission only; the others are tried again one after
  // another, in order. Submissions of one key and tenant go in statements of their own, in
  // order: the first stores the run, the others find it. Those made in one turn share one
  // statement where the first went alone and the others waited for it.
  const submissions = new Coalescer<Submission, Submitted>(submit, {
    ...statementBatchLimits,
    gatherTurn: true,
    distinct: ({ run }) => (run.idempotencyKey === undefined ? run.id : `${run.tenantId}/${run.idempotencyKey}`),
  });

  return {
    /**
     * Stores a queued run if it fits its tenant's `quotas` (none when not given) with every run
     * stored before it, submissions made before it at the same time included; throws
     * RunQuotaError otherwise, nothing stored; throws ObjectiveNotFoundError or
     * DatasetNotFoundError (as resolving its objective would) when the stored objective or a
     * dataset it names was deleted meanwhile. The stored run comes with its place in its
     * tenant's backlog (its job's priority). With an idempotency key already used by this
     * tenant, returns the earlier run instead (`created: false`), whatever the quotas; should
     * that run be deleted before it is read, the submission is made again, a new one, counted
     * at the quotas as any other.
     */
    async create(run: NewRun, quotas: RunQuotas = unlimited): Promise<{ run: Run; created: boolean; place?: RunPlace }> {
      // A replay's run read after the submission found it may have been deleted in between (a
      // finished run deleted by its tenant): its key is free again, and the submission is made
      // again, as if it came after the deletion. Each try follows a deletion, so a few suffice.
      for (let tries = 1; ; tries++) {
        const answer = await submissions.submit({ run: { ...run, id: timeOrderedUuid() }, quotas });
        if ('run' in answer) return { run: answer.run, created: true, place: answer.place };
        const { rows: [existing] } = await pool.query<Run>({ ...byIdempotencyKeyStatement, values: [run.tenantId, run.idempotencyKey] });
        if (existing) return { run: existing, created: false };
        if (tries === replayTries) throw new Error(`the run of idempotency key ${run.idempotencyKey} was deleted ${replayTries} times while it was being submitted`);
      }
    },

    /** The run if it belongs to the tenant; another tenant's run is as absent as a missing one. */
    async findForTenant(tenantId: string, id: string): Promise<Run | null> {
      return database.run.findFirst({ where: { id, tenantId } });
    },

    async findById(id: string): Promise<Run | null> {
      return database.run.findUnique({ where: { id } });
    },

    /**
     * Newest first; keyset pagination on (createdAt, id) so pages stay stable while runs are
     * added. Each run's result comes without `params` (see runListStatement).
     */
    async list(tenantId: string, query: RunListQuery): Promise<Run[]> {
      const { text, values } = runListStatement(tenantId, query);
      return database.$queryRawUnsafe<Run[]>(text, ...values);
    },

    /** Queued → cancelled, so the run never starts; false when it is no longer queued. */
    async cancelQueued(id: string, result: RunResultView): Promise<boolean> {
      const { count } = await database.run.updateMany({
        where: { id, status: 'queued' },
        data: { status: 'cancelled', result: result as JsonValue, finishedAt: new Date() },
      });
      return count === 1;
    },

    async delete(id: string): Promise<void> {
      await database.run.deleteMany({ where: { id } });
    },
  };
}

export type RunRepository = ReturnType<typeof createRunRepository>;
