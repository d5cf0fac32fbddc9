/**
 * Stored objectives: a tenant's named objective definitions, referenced from run specs as
 * `"objective": {"id": …}`. The definition is stored as validated (defaults filled in) together
 * with what building it told us (variables, dimension, gradient check), so listing never has to
 * rebuild an objective.
 */
import { objectiveSpecSchema, type ObjectiveSpec } from '../core/objectives/index.ts';
import type { Database } from './client.ts';
import { newestFirst, newestFirstAfter } from './keyset.ts';
import type { JsonValue, RunCursor } from './runs.ts';
import type { Objective } from '../generated/prisma/client.ts';
import { isUuid } from './uuid.ts';
import { DatasetNotFoundError } from './datasets.ts';
import { referenceFields } from './reference-fields.ts';

export type StoredObjective = Objective;

export interface NewObjective {
  readonly tenantId: string;
  readonly name?: string;
  readonly definition: JsonValue;
  readonly variables: readonly string[];
  readonly dimension: number;
  readonly gradientCheck: JsonValue;
}

/** A stored definition that no longer validates (the schema changed under it). */
export class StoredObjectiveError extends Error {
  override readonly name = 'StoredObjectiveError';
}

/** The paths of the fields naming a dataset (see referenceFields). */
const datasetPaths = Object.entries(referenceFields).filter(([, field]) => field !== 'objective').map(([path]) => path.split('.'));

/** Whether a definition names datasets (a model's `data` and `validation`, by `id`), as the database looks for them. */
const namesDatasets = (definition: JsonValue): boolean =>
  datasetPaths.some((path) => path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], definition) !== undefined);

/** The field (`data`, `validation`) of definition $2 naming a dataset its tenant ($1) no longer has; NULL when none. */
const missingDatasetStatement = 'SELECT objective_missing_reference($1::uuid, $2::jsonb) AS missing';

/**
 * Takes the locks, shared, of the datasets definition `$1` names, those the database stores it as
 * naming and a deletion looks for (`objectives.named_resources`, migration 20261213110000).
 */
const lockDatasetsStatement = 'SELECT resource_locks_shared(objective_named_resources($1::jsonb)::text[])';

/**
 * `statementTimeoutMs`: the bound of each statement (DATABASE_STATEMENT_TIMEOUT_MS), which bounds
 * the transaction that stores an objective naming datasets: it waits up to that long for a
 * connection, and its three statements (the locks, the check, the insert) up to that long each,
 * the locks for as long as a deletion of a dataset it names holds one. Prisma's own bounds (2 s
 * for a connection, 5 s for the whole) would fail it, a 500, while such a deletion of a tenant
 * with many runs held the lock. Prisma's bounds when not given.
 */
export function createObjectiveRepository(database: Database, { statementTimeoutMs }: { statementTimeoutMs?: number } = {}) {
  const transactionBounds = statementTimeoutMs === undefined ? {} : { maxWait: statementTimeoutMs, timeout: 3 * statementTimeoutMs };
  const findForTenant = async (tenantId: string, id: string): Promise<StoredObjective | null> =>
    isUuid(id) ? database.objective.findFirst({ where: { id, tenantId } }) : null;

  return {
    /**
     * Stores an objective. One whose definition names datasets is stored under their locks, taken
     * shared, which their deletion takes exclusively (see resource-lock.ts), once they are found
     * there still: one deleted since the API read it throws DatasetNotFoundError, nothing stored.
     */
    async create(objective: NewObjective): Promise<StoredObjective> {
      const data = {
        tenantId: objective.tenantId,
        name: objective.name ?? null,
        definition: objective.definition,
        variables: [...objective.variables],
        dimension: objective.dimension,
        gradientCheck: objective.gradientCheck,
      };
      if (!namesDatasets(objective.definition)) return database.objective.create({ data });
      return database.$transaction(async (transaction) => {
        const definition = JSON.stringify(objective.definition);
        await transaction.$executeRawUnsafe(lockDatasetsStatement, definition);
        const [row] = await transaction.$queryRawUnsafe<{ missing: 'data' | 'validation' | null }[]>(missingDatasetStatement, objective.tenantId, definition);
        if (row?.missing) {
          const field = row.missing;
          throw new DatasetNotFoundError(String((objective.definition as Record<typeof field, { id?: unknown } | undefined>)[field]?.id), `${field}.id`);
        }
        return transaction.objective.create({ data });
      }, { isolationLevel: 'ReadCommitted', ...transactionBounds });
    },

    /** The objective if it belongs to the tenant; another tenant's is as absent as a missing one. */
    findForTenant,

    /** The tenant's stored objective spec, parsed; null when there is none with this id. */
    async findSpec(tenantId: string, id: string): Promise<ObjectiveSpec | null> {
      const stored = await findForTenant(tenantId, id);
      if (!stored) return null;
      const parsed = objectiveSpecSchema.safeParse(stored.definition);
      if (!parsed.success) throw new StoredObjectiveError(`stored objective ${id} no longer validates: ${parsed.error.message}`);
      return parsed.data;
    },

    /** Newest first; keyset pagination on (createdAt, id). */
    async list(tenantId: string, query: { after?: RunCursor; limit: number }): Promise<StoredObjective[]> {
      return database.objective.findMany({
        where: { tenantId, ...newestFirstAfter(query.after) },
        orderBy: newestFirst,
        take: query.limit,
      });
    },
  };
}

export type ObjectiveRepository = ReturnType<typeof createObjectiveRepository>;
