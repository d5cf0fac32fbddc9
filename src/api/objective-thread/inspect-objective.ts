/**
 * What a request needs to know of an objective, worked out where it cannot hold the API's event
 * loop (inspection-thread.ts): the objective built from its resolved spec, its start checked
 * when that is cheap enough, its gradient checked, and for a run the bytes a worker would hold.
 * Building a model on a large dataset, or a 10⁷-parameter benchmark, takes a second or more;
 * a problem comes back as the AppError it is.
 */
import type { RunSpec } from '../../contracts/run-spec.ts';
import { isDataObjective, type ResolvedObjectiveSpec } from '../../core/objectives/index.ts';
import { curriculumIssue, memoryFootprint, type Curriculum, type MemoryFootprint } from '../../core/training/index.ts';
import { describeSweepBase, type SweepBaseObjective } from '../../contracts/sweep-base.ts';
import { AppError } from '../errors/app-error.ts';
import { buildObjective, createObjectiveForRequest } from '../routes/objectives/build-objective.ts';
import { gradientCheckAtStart, maxShownDimension, uncheckedGradient, type GradientCheckView } from '../routes/objectives/objective-view.ts';

export interface InspectionRequest {
  readonly spec: ResolvedObjectiveSpec;
  /** Where the objective is in the request, for problems. */
  readonly path: string;
  /** The run about to be queued: its worker's footprint is measured. */
  readonly run?: RunSpec;
  /** A sweep's base curriculum: whether the objective can order by it is told (curriculumIssue), not refused. */
  readonly curriculum?: Curriculum;
  /** Check the gradient at the start (objectives/check, and storing an objective). */
  readonly gradientCheck?: boolean;
  /** List every parameter name, whatever the dimension (storing an objective). */
  readonly allVariables?: boolean;
  /** List the parameter names up to this dimension instead of maxShownDimension (a run's parameter names). */
  readonly maxVariables?: number;
  /** Build the objective only, without checking its start (a run's parameter names: the run is queued already). */
  readonly unchecked?: boolean;
}

export interface Inspection extends SweepBaseObjective {
  readonly dimension: number;
  /** Training rows of a model on data; null for a function. */
  readonly trainingRows: number | null;
  /** Rows of a model's data before its validation split; null for a function. */
  readonly dataRows: number | null;
  /** Parameter names: all of them up to maxShownDimension (or `maxVariables`), or with `allVariables`; else null. */
  readonly variables: string[] | null;
  /** The starting point, up to maxShownDimension parameters; else null. */
  readonly initial: number[] | null;
  readonly gradientCheck: GradientCheckView | null;
  /** Why the gradient was not checked when it was asked for; else null. */
  readonly gradientCheckSkipped: string | null;
  /** What a worker would hold for the run; null without one. */
  readonly footprint: MemoryFootprint | null;
  /** The same with one replica, for a parallel run (which field makes it large); else null. */
  readonly oneReplicaFootprint: MemoryFootprint | null;
}

export function inspectObjective(request: InspectionRequest): Inspection {
  const objective = request.unchecked ? createObjectiveForRequest(request.spec, request.path) : buildObjective(request.spec, request.path);
  const run = request.run;
  const curriculum = run?.training.curriculum;
  const unordered = curriculum && !request.unchecked ? curriculumIssue(curriculum, objective) : null;
  if (unordered !== null) {
    throw new AppError(400, 'validation_failed', 'The request is invalid', {
      detail: 'The request body is invalid: training.curriculum.by.',
      errors: [{ path: 'training.curriculum.by', message: unordered, code: 'custom' }],
    });
  }
  const shown = objective.dimension <= maxShownDimension;
  const named = objective.dimension <= (request.maxVariables ?? maxShownDimension);
  const skipped = request.gradientCheck ? uncheckedGradient(objective) : null;
  return {
    dimension: objective.dimension,
    trainingRows: isDataObjective(objective) ? objective.trainingRows : null,
    dataRows: isDataObjective(objective) ? (objective.dataRows ?? null) : null,
    ...describeSweepBase(objective, request.curriculum),
    variables: named || request.allVariables ? [...objective.variables] : null,
    initial: shown ? Array.from(objective.initial) : null,
    gradientCheck: request.gradientCheck && skipped === null ? gradientCheckAtStart(objective) : null,
    gradientCheckSkipped: skipped,
    footprint: run ? memoryFootprint(run, objective) : null,
    oneReplicaFootprint: run?.parallel ? memoryFootprint({ ...run, parallel: { ...run.parallel, replicas: 1 } }, objective) : null,
  };
}
