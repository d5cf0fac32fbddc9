/** Checking, storing, reading and resolving objectives for one tenant. */
import type { Objective, ObjectiveSpec } from '../../../core/objectives/index.ts';
import type { ObjectiveReference } from '../../../core/training/index.ts';
import type { DatasetRepository } from '../../../db/datasets.ts';
import type { ObjectiveRepository, StoredObjective } from '../../../db/objectives.ts';
import type { ResourceDeletion } from '../../../db/resource-deletion.ts';
import type { JsonValue } from '../../../db/runs.ts';
import { notFound } from '../../errors/app-error.ts';
import { cursorPage, type PageQuery } from '../cursor-page.ts';
import { resolvedSpecForRequest } from './objective-problems.ts';
import { assertDeleted } from '../deletion-answer.ts';
import { buildObjective } from './build-objective.ts';
import { gradientCheckAtStart, maxShownDimension, type GradientCheckView, type ObjectiveView } from './objective-view.ts';
import { parameterCount } from '../../../contracts/parameter-count.ts';

export interface ObjectiveCheck {
  readonly variables: string[];
  readonly dimensions: number;
  readonly dimension: number;
  readonly initial: number[] | null;
  readonly gradientCheck: GradientCheckView;
}

export function toObjectiveView(stored: StoredObjective): ObjectiveView {
  return {
    id: stored.id,
    name: stored.name,
    createdAt: stored.createdAt.toISOString(),
    objective: stored.definition as ObjectiveView['objective'],
    variables: stored.variables,
    ...parameterCount(stored.dimension),
    gradientCheck: stored.gradientCheck as ObjectiveView['gradientCheck'],
  };
}

export interface ObjectiveServiceDependencies {
  readonly objectives: ObjectiveRepository;
  readonly datasets: DatasetRepository;
  readonly deletion: ResourceDeletion;
}

export function createObjectiveService({ objectives, datasets, deletion }: ObjectiveServiceDependencies) {
  /** Builds the tenant's objective (stored definition and dataset references resolved); 4xx naming the field when it cannot be. */
  async function build(tenantId: string, objective: ObjectiveSpec | ObjectiveReference) {
    return buildObjective(await resolvedSpecForRequest({ objectives, datasets }, tenantId, objective, 'objective'), 'objective');
  }

  async function check(tenantId: string, spec: ObjectiveSpec): Promise<ObjectiveCheck> {
    const objective = await build(tenantId, spec);
    return {
      variables: [...objective.variables],
      ...parameterCount(objective.dimension),
      initial: objective.dimension <= maxShownDimension ? Array.from(objective.initial) : null,
      gradientCheck: gradientCheckAtStart(objective),
    };
  }

  return {
    check,

    async create(tenantId: string, body: { name?: string; objective: ObjectiveSpec }): Promise<StoredObjective> {
      const { variables, dimensions: dimension, gradientCheck } = await check(tenantId, body.objective);
      return objectives.create({
        tenantId,
        name: body.name,
        definition: body.objective as JsonValue,
        variables,
        dimension,
        gradientCheck: gradientCheck as JsonValue,
      });
    },

    async get(tenantId: string, id: string): Promise<StoredObjective> {
      const stored = await objectives.findForTenant(tenantId, id);
      if (!stored) throw notFound('Objective', `There is no objective ${id}.`);
      return stored;
    },

    list(tenantId: string, query: PageQuery) {
      return cursorPage((page) => objectives.list(tenantId, page), query);
    },

    /** Deletes a stored objective; 409 while a queued or running run references it. */
    async delete(tenantId: string, id: string): Promise<void> {
      assertDeleted(await deletion.deleteObjective(tenantId, id), 'objective', id);
    },

    /**
     * Makes sure a run's objective can be built at its start before the run is queued: a stored
     * one must exist for this tenant (404 naming `objective.id`), and either must build.
     */
    async assertRunnable(tenantId: string, objective: ObjectiveSpec | ObjectiveReference): Promise<Objective> {
      return build(tenantId, objective);
    },
  };
}

export type ObjectiveService = ReturnType<typeof createObjectiveService>;
