/** Checking, storing, reading and resolving objectives for one tenant. */
import type { ObjectiveSpec } from '../../../core/objectives/index.ts';
import type { ObjectiveReference } from '../../../core/training/index.ts';
import type { DatasetRepository } from '../../../db/datasets.ts';
import type { ObjectiveRepository, StoredObjective } from '../../../db/objectives.ts';
import type { ResourceDeletion } from '../../../db/resource-deletion.ts';
import type { JsonValue } from '../../../db/runs.ts';
import { noSuch } from '../../errors/app-error.ts';
import { cursorPage, type PageQuery } from '../cursor-page.ts';
import { objectiveProblem, resolvedSpecForRequest } from './objective-problems.ts';
import { assertDeleted } from '../deletion-answer.ts';
import type { GradientCheckView, ObjectiveView } from './objective-view.ts';
import type { Inspection, InspectionRequest } from '../../objective-thread/inspect-objective.ts';
import type { Landscape, LandscapeRequest } from '../../objective-thread/landscape-grid.ts';
import type { ClientSignal, ObjectiveThread } from '../../objective-thread/objective-thread.ts';
import { parameterCount } from '../../../contracts/parameter-count.ts';
import type { RunSpec } from '../../../contracts/run-spec.ts';

export interface ObjectiveCheck {
  readonly variables: string[] | null;
  readonly dimensions: number;
  readonly dimension: number;
  readonly initial: number[] | null;
  readonly gradientCheck: GradientCheckView | null;
  readonly gradientCheckSkipped: string | null;
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

type InspectionOptions = Partial<Pick<InspectionRequest, 'run' | 'curriculum' | 'gradientCheck' | 'allVariables' | 'maxVariables' | 'unchecked'>>;

export interface ObjectiveServiceDependencies {
  readonly objectives: ObjectiveRepository;
  readonly datasets: DatasetRepository;
  readonly deletion: ResourceDeletion;
  /** Builds and checks objectives off the event loop. */
  readonly thread: ObjectiveThread;
}

export function createObjectiveService({ objectives, datasets, deletion, thread }: ObjectiveServiceDependencies) {
  /**
   * Builds the tenant's objective (stored definition and dataset references resolved) in the
   * thread; 4xx naming the field, from `path` (where the request holds it), when it cannot be.
   * Dropped (rejecting with the signal's reason) when `signal` aborts while it waits for a thread.
   */
  async function inspect(tenantId: string, objective: ObjectiveSpec | ObjectiveReference, options: InspectionOptions = {}, path = 'objective', signal?: ClientSignal): Promise<Inspection> {
    const spec = await resolvedSpecForRequest({ objectives, datasets }, tenantId, objective, path);
    return thread.inspect(tenantId, { spec, path, ...options }, signal);
  }

  async function check(tenantId: string, spec: ObjectiveSpec, signal?: ClientSignal): Promise<ObjectiveCheck> {
    const { variables, dimension, initial, gradientCheck, gradientCheckSkipped } = await inspect(tenantId, spec, { gradientCheck: true }, 'objective', signal);
    return { variables, ...parameterCount(dimension), initial, gradientCheck, gradientCheckSkipped };
  }

  return {
    check,

    async create(tenantId: string, body: { name?: string; objective: ObjectiveSpec }): Promise<StoredObjective> {
      const { variables, dimension, gradientCheck } = await inspect(tenantId, body.objective, { gradientCheck: true, allVariables: true });
      // A dataset it names deleted since it was read is the 404 reading it would now answer.
      return objectives.create({
        tenantId,
        name: body.name,
        definition: body.objective as JsonValue,
        variables: variables ?? [],
        dimension,
        gradientCheck: gradientCheck as JsonValue,
      }).catch((error: unknown) => {
        throw objectiveProblem(error, 'objective');
      });
    },

    async get(tenantId: string, id: string): Promise<StoredObjective> {
      const stored = await objectives.findForTenant(tenantId, id);
      if (!stored) throw noSuch('objective', id);
      return stored;
    },

    list(tenantId: string, query: PageQuery) {
      return cursorPage((page) => objectives.list(tenantId, page), query);
    },

    /** Deletes a stored objective; 409 while a run (finished or not) or a sweep that has not ended names it. */
    async delete(tenantId: string, id: string): Promise<void> {
      assertDeleted(await deletion.deleteObjective(tenantId, id), 'objective', id);
    },

    /**
     * Makes sure a run's objective can be built at its start before the run is queued: a stored
     * one must exist for this tenant (404 naming `objective.id`), and either must build. With the
     * run, the inspection says what a worker would hold for it.
     */
    assertRunnable(tenantId: string, objective: ObjectiveSpec | ObjectiveReference, run?: InspectionRequest['run'], signal?: ClientSignal): Promise<Inspection> {
      return inspect(tenantId, objective, run ? { run } : {}, 'objective', signal);
    },

    /**
     * Makes sure a sweep's base objective can be built, as assertRunnable does for a run's, and
     * says whether it can order the rows by the base's curriculum (curriculumIssue).
     */
    assertSweepBase(tenantId: string, base: RunSpec): Promise<Inspection> {
      return inspect(tenantId, base.objective, { curriculum: base.training.curriculum }, 'base.objective');
    },

    /** A run's objective on a grid (landscape-grid.ts), its data resolved, built and evaluated off the event loop. */
    async landscape(tenantId: string, objective: ObjectiveSpec, request: Omit<LandscapeRequest, 'spec'>): Promise<Landscape> {
      const spec = await resolvedSpecForRequest({ objectives, datasets }, tenantId, objective, 'objective');
      return thread.landscape(tenantId, { spec, ...request });
    },

    /**
     * The dimension and parameter names (up to `maxNames` of them, else null) of a queued or
     * finished run's objective, built where it cannot hold the event loop (a model on a large
     * dataset takes a good part of a second), its start not checked.
     */
    async parameterNames(tenantId: string, objective: ObjectiveSpec, maxNames: number): Promise<{ dimension: number; names: string[] | null }> {
      const { dimension, variables } = await inspect(tenantId, objective, { maxVariables: maxNames, unchecked: true });
      return { dimension, names: variables };
    },
  };
}

export type ObjectiveService = ReturnType<typeof createObjectiveService>;
