/** Runs: the stored spec, status, live progress and final result of every optimization. */
import { randomUUID } from 'node:crypto';
import { Coalescer, type Settled } from '../concurrency/coalescer.ts';
import type { Database } from './client.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';
import type { Prisma, Run, RunStatus } from '../generated/prisma/client.ts';

import type { RunResultView } from '../contracts/run-result.ts';
import { activeRunStatuses, rankedRunStatuses, type RunStatus as ContractStatus } from '../contracts/run-status.ts';
import { isUuid } from './uuid.ts';

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

export type JsonValue = Prisma.InputJsonValue;

export interface NewRun {
  readonly tenantId: string;
  readonly spec: JsonValue;
  readonly idempotencyKey?: string;
  readonly sweepId?: string;
  readonly trialNumber?: number;
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
  /** Found in the optimizer's name, the objective's expression, benchmark or model name, or the run id. */
  readonly search?: string;
  readonly after?: RunCursor;
  readonly limit: number;
}

/** The spec fields a search looks in. */
const searchedSpecPaths = [['optimizer', 'name'], ['objective', 'expression'], ['objective', 'name'], ['objective', 'model']];

/** The list's conditions on the spec (jsonb paths). */
function specFilters(query: RunListQuery): Prisma.RunWhereInput[] {
  const filters: Prisma.RunWhereInput[] = [];
  if (query.optimizer !== undefined) filters.push({ spec: { path: ['optimizer', 'name'], equals: query.optimizer } });
  if (query.objectiveType !== undefined) filters.push({ spec: { path: ['objective', 'type'], equals: query.objectiveType } });
  if (query.search !== undefined) {
    const search = query.search;
    filters.push({
      OR: [
        ...searchedSpecPaths.map((path) => ({ spec: { path, string_contains: search } })),
        ...(isUuid(search) ? [{ id: search.toLowerCase() }] : []),
      ],
    });
  }
  return filters;
}

/** A run row as Prisma's `Run`: every column, camel-cased (node-postgres parses jsonb and timestamptz alike). */
const runColumns = `id, tenant_id AS "tenantId", status, spec, progress, early_stopping AS "earlyStopping", result,
  idempotency_key AS "idempotencyKey", sweep_id AS "sweepId", trial_number AS "trialNumber", parameters, trial_value AS "trialValue", attempts, metric_rows AS "metricRows",
  queue_prefix AS "queuePrefix", created_at AS "createdAt", updated_at AS "updatedAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

/**
 * Submitting a run with an idempotency key, in one round trip: the insert, or, when this tenant
 * already used the key, the earlier run. `created` tells which.
 */
const createStatement = {
  name: 'runs-create',
  text: `WITH inserted AS (
           INSERT INTO runs (id, tenant_id, spec, idempotency_key, sweep_id, trial_number, created_at, updated_at)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, now(), now())
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
 * Submitting runs without an idempotency key (which never conflict: a NULL key is distinct from
 * every other), many at once: one row per element of the arrays.
 */
const insertBatchStatement = {
  name: 'runs-insert-batch',
  text: `INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, created_at, updated_at)
         SELECT id, tenant_id, spec, sweep_id, trial_number, now(), now()
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::uuid[], $5::int[]) AS r(id, tenant_id, spec, sweep_id, trial_number)
         RETURNING ${runColumns}`,
};

/** A run to insert without an idempotency key, with the id it will have. */
type KeylessRun = Omit<NewRun, 'idempotencyKey'> & { readonly id: string };

/**
 * Runs over Prisma for everything but submission, which is the API's hottest write and goes
 * through the node-postgres `pool` as prepared statements: submissions without an idempotency
 * key that arrive while earlier ones are in flight are inserted together, in one statement.
 */
export function createRunRepository(database: Database, pool: Pool) {
  async function insert(runs: readonly KeylessRun[]): Promise<Settled<Run>[]> {
    const { rows } = await pool.query<Run>({
      ...insertBatchStatement,
      values: [
        runs.map((run) => run.id),
        runs.map((run) => run.tenantId),
        runs.map((run) => JSON.stringify(run.spec)),
        runs.map((run) => run.sweepId ?? null),
        runs.map((run) => run.trialNumber ?? null),
      ],
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runs.map((run) => {
      const stored = byId.get(run.id);
      return stored ? { value: stored } : { error: new Error(`run ${run.id} was not returned by its insert`) };
    });
  }

  // A row the statement refuses (a tenant deleted meanwhile) fails its own submission only.
  const keylessInserts = new Coalescer<KeylessRun, Run>(insert, statementBatchLimits);

  return {
    /**
     * Stores a queued run. With an idempotency key already used by this tenant, returns the
     * earlier run instead (`created: false`); concurrent duplicates resolve through the unique index.
     */
    async create(run: NewRun): Promise<{ run: Run; created: boolean }> {
      if (run.idempotencyKey === undefined) {
        return { run: await keylessInserts.submit({ ...run, id: randomUUID() }), created: true };
      }
      const idempotencyKey = run.idempotencyKey;
      const { rows } = await pool.query<Run & { created: boolean }>({
        ...createStatement,
        values: [randomUUID(), run.tenantId, JSON.stringify(run.spec), idempotencyKey, run.sweepId ?? null, run.trialNumber ?? null],
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

    /** The run if it belongs to the tenant; another tenant's run is as absent as a missing one. */
    async findForTenant(tenantId: string, id: string): Promise<Run | null> {
      return database.run.findFirst({ where: { id, tenantId } });
    },

    async findById(id: string): Promise<Run | null> {
      return database.run.findUnique({ where: { id } });
    },

    /** Newest first; keyset pagination on (createdAt, id) so pages stay stable while runs are added. */
    async list(tenantId: string, query: RunListQuery): Promise<Run[]> {
      const after = query.after;
      return database.run.findMany({
        where: {
          tenantId,
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.sweepId === undefined ? {} : { sweepId: query.sweepId }),
          AND: specFilters(query),
          ...(after === undefined
            ? {}
            : { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: query.limit,
      });
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
