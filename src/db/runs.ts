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
import type { BacklogPlace } from './tenant-backlog.ts';
import type { MetricRowsUse } from './metric-rows-use.ts';

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
 * them: a submission's check here, src/db/tenant-backlog.ts and src/db/metric-rows-use.ts.
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
/**
 * Both of the tenant `tenant`'s uses at once, as a subquery of one row (`active_runs`,
 * `metric_rows`) to join laterally: the reservations visit every unfinished run of the tenant
 * anyway, so they are counted in the same pass instead of a second one.
 */
const tenantUseSql = (tenant: string) => `(SELECT count(*) AS active_runs, ${metricRowsSumSql(tenant)} AS metric_rows ${unfinishedRunsSql(tenant)})`;

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
  /** Found, ignoring case, in the optimizer's name, the objective's expression, benchmark or model name; or the run id. */
  readonly search?: string;
  readonly after?: RunCursor;
  readonly limit: number;
}

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

/**
 * Submitting a run with an idempotency key, in one round trip: the insert, or, when this tenant
 * already used the key, the earlier run. `created` tells which.
 */
const createStatement = {
  name: 'runs-create',
  text: `WITH inserted AS (
           INSERT INTO runs (id, tenant_id, spec, idempotency_key, sweep_id, trial_number, metric_rows_bound, created_at, updated_at)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::bigint, now(), now())
           ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
           RETURNING ${runColumns})
         SELECT *, true AS created FROM inserted
         UNION ALL
         SELECT ${runColumns}, false AS created FROM runs
          WHERE tenant_id = $2 AND idempotency_key = $4 AND NOT EXISTS (SELECT FROM inserted)`,
};

/** The run that holds this tenant's idempotency key. */
const byIdempotencyKeyStatement = {
  name: 'runs-by-idempotency-key',
  text: `SELECT ${runColumns} FROM runs WHERE tenant_id = $1 AND idempotency_key = $2`,
};

/**
 * The two steps of submitting runs, many at once, in one statement: `inserted` stores runs
 * without an idempotency key (which never conflict: a NULL key is distinct from every other),
 * one row per element of the arrays $1-$5 and $7 (each run's bound of metric rows, when known
 * from its data, see NewRun); `checked` reads, for runs stored by earlier statements
 * (committed, so any concurrent submission committed before this statement is counted too), what
 * their tenants' quotas and backlogs count: the tenant's unfinished runs, the run's rank among
 * them, the tenant's metric rows with the run's stored rows and reservation. A run thus takes two
 * of these statements in turn, each carrying other runs' other step.
 *
 * An inserted row answers only what the insert did not choose: the spec as jsonb stores it, the
 * deployment's queue prefix (a column default) and the time; the rest of a new run is known
 * (newRun). Returning every column had the API's event loop parse each of them back, a check's
 * row its 19 NULLs too, for values it already had.
 */
const submitStatement = {
  name: 'runs-submit',
  text: `WITH inserted AS (
           INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, metric_rows_bound, created_at, updated_at)
           SELECT id, tenant_id, spec, sweep_id, trial_number, metric_rows_bound, now(), now()
             FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::uuid[], $5::int[], $7::bigint[]) AS r(id, tenant_id, spec, sweep_id, trial_number, metric_rows_bound)
           RETURNING id, spec, queue_prefix, created_at),
         checked AS (SELECT id, tenant_id, created_at, status, metric_rows, metric_rows_bound FROM runs WHERE id = ANY($6::uuid[])),
         tenants AS MATERIALIZED (
           SELECT t.tenant_id, u.active_runs, u.metric_rows
             FROM (SELECT DISTINCT tenant_id FROM checked) t CROSS JOIN LATERAL ${tenantUseSql('t.tenant_id')} u)
         SELECT id, spec, queue_prefix AS "queuePrefix", created_at AS "createdAt", NULL::uuid AS "tenantId",
                NULL::int AS "activeRuns", NULL::int AS rank, NULL::float8 AS "metricRowsUse", NULL::int AS "metricRowsStored", NULL::float8 AS "metricRowsReserved"
           FROM inserted
         UNION ALL
         SELECT c.id, NULL, NULL, NULL, c.tenant_id,
                t.active_runs::int, (t.active_runs - ${activeRunsAfterSql('c')})::int, t.metric_rows,
                c.metric_rows, CASE WHEN c.status IN ${activeStatusesSql} THEN ${reservedRowsSql('c')}::float8 END
           FROM checked c JOIN tenants t ON t.tenant_id = c.tenant_id`,
};

/** A run to insert without an idempotency key, with the id it will have. */
type KeylessRun = Omit<NewRun, 'idempotencyKey'> & { readonly id: string };

/** What a stored run counts against its tenant's quotas, and its place in its tenant's backlog, as its submission's check reads them. */
export interface SubmissionCheck {
  /** Null when the run is gone. */
  readonly place: BacklogPlace | null;
  readonly metricRows: MetricRowsUse;
}

type SubmissionStep = { readonly insert: KeylessRun } | { readonly check: string };

type SubmitRow = Pick<Run, 'id' | 'spec' | 'queuePrefix' | 'createdAt' | 'tenantId'> & {
  readonly activeRuns: number | null;
  readonly rank: number | null;
  readonly metricRowsUse: number | null;
  readonly metricRowsStored: number | null;
  readonly metricRowsReserved: number | null;
};

/** A run just inserted, from what its insert was given and what it answered (see submitStatement). */
function newRun(run: KeylessRun, { spec, queuePrefix, createdAt }: SubmitRow): Run {
  return {
    id: run.id, tenantId: run.tenantId, status: 'queued', spec, progress: null, earlyStopping: null, result: null,
    idempotencyKey: null, sweepId: run.sweepId ?? null, trialNumber: run.trialNumber ?? null, parameters: null, trialValue: null,
    attempts: 0, metricRows: 0, queuePrefix, createdAt, updatedAt: createdAt, startedAt: null, finishedAt: null,
  };
}

/**
 * Runs over Prisma for everything but submission, which is the API's hottest write and goes
 * through the node-postgres `pool` as prepared statements: submissions without an idempotency
 * key that arrive while earlier ones are in flight are inserted together, in one statement.
 */
export function createRunRepository(database: Database, pool: Pool) {
  async function submit(steps: readonly SubmissionStep[]): Promise<Settled<Run | SubmissionCheck>[]> {
    const inserts = steps.flatMap((step) => ('insert' in step ? [step.insert] : []));
    const { rows } = await pool.query<SubmitRow>({
      ...submitStatement,
      values: [
        inserts.map((run) => run.id),
        inserts.map((run) => run.tenantId),
        inserts.map((run) => JSON.stringify(run.spec)),
        inserts.map((run) => run.sweepId ?? null),
        inserts.map((run) => run.trialNumber ?? null),
        steps.flatMap((step) => ('check' in step ? [step.check] : [])),
        inserts.map((run) => run.metricRowsBound ?? null),
      ],
    });
    const stored = new Map<string, SubmitRow>();
    const checks = new Map<string, SubmissionCheck>();
    for (const row of rows) {
      const { activeRuns, rank, metricRowsUse, metricRowsStored, metricRowsReserved } = row;
      if (activeRuns === null) {
        stored.set(row.id, row);
        continue;
      }
      checks.set(row.id, {
        place: { tenantId: row.tenantId, rank: Math.max(1, rank!), activeRuns },
        metricRows: { total: metricRowsUse!, run: metricRowsReserved === null ? null : { stored: metricRowsStored!, reserved: metricRowsReserved } },
      });
    }
    return steps.map((step) => {
      if ('check' in step) return { value: checks.get(step.check) ?? { place: null, metricRows: { total: 0, run: null } } };
      const row = stored.get(step.insert.id);
      return row ? { value: newRun(step.insert, row) } : { error: new Error(`run ${step.insert.id} was not returned by its insert`) };
    });
  }

  // Concurrent submissions share statements, inserts and checks alike. A row the statement
  // refuses (a tenant deleted meanwhile) fails its own submission only. The submissions whose key
  // checks were answered together reach their inserts in one turn, and those inserted together
  // their checks: gathered, they share one statement where the first went alone and the others
  // waited for it.
  const submissions = new Coalescer<SubmissionStep, Run | SubmissionCheck>(submit, { ...statementBatchLimits, gatherTurn: true });

  return {
    /**
     * Stores a queued run. With an idempotency key already used by this tenant, returns the
     * earlier run instead (`created: false`); concurrent duplicates resolve through the unique index.
     */
    async create(run: NewRun): Promise<{ run: Run; created: boolean }> {
      if (run.idempotencyKey === undefined) {
        return { run: await submissions.submit({ insert: { ...run, id: timeOrderedUuid() } }) as Run, created: true };
      }
      const idempotencyKey = run.idempotencyKey;
      const { rows } = await pool.query<Run & { created: boolean }>({
        ...createStatement,
        values: [timeOrderedUuid(), run.tenantId, JSON.stringify(run.spec), idempotencyKey, run.sweepId ?? null, run.trialNumber ?? null, run.metricRowsBound ?? null],
      });
      if (rows[0]) {
        const { created, ...stored } = rows[0];
        return { run: stored, created };
      }
      // The key's run was committed by a concurrent request after this statement's snapshot
      // was taken: the insert saw the conflict, the snapshot not the row. A new statement sees it.
      const { rows: [existing] } = await pool.query<Run>({ ...byIdempotencyKeyStatement, values: [run.tenantId, idempotencyKey] });
      if (!existing) throw new Error(`run with idempotency key ${idempotencyKey} vanished while it was being submitted`);
      return { run: existing, created: false };
    },

    /**
     * A stored run's place in its tenant's backlog and its tenant's metric rows, counted after it
     * was stored (a submission's quota check, then its job's priority), in a statement shared
     * with other submissions' inserts and checks.
     */
    checkSubmitted(runId: string): Promise<SubmissionCheck> {
      return submissions.submit({ check: runId }) as Promise<SubmissionCheck>;
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
