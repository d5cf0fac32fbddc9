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

export function createObjectiveRepository(database: Database) {
  const findForTenant = async (tenantId: string, id: string): Promise<StoredObjective | null> =>
    isUuid(id) ? database.objective.findFirst({ where: { id, tenantId } }) : null;

  return {
    async create(objective: NewObjective): Promise<StoredObjective> {
      return database.objective.create({
        data: {
          tenantId: objective.tenantId,
          name: objective.name ?? null,
          definition: objective.definition,
          variables: [...objective.variables],
          dimension: objective.dimension,
          gradientCheck: objective.gradientCheck,
        },
      });
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
