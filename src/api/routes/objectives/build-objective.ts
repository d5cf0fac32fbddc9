/**
 * Building an objective inside a request: what the schema cannot see (a start where the
 * function or its gradient is not finite, a model that does not fit its data) becomes a 422
 * naming the field, before anything is stored or queued.
 */
import { createObjective, evaluationCost, repeatedSpecColumn, type Objective, type ResolvedObjectiveSpec } from '../../../core/objectives/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ErrorCode } from '../../errors/error-catalogue.ts';
import { errorMessage } from '../../../core/error-message.ts';
import { DatasetFieldError } from '../../../core/datasets/index.ts';
import { formatPath } from '../../../contracts/issues.ts';

const unprocessable = (code: ErrorCode, title: string, path: string, message: string) =>
  new AppError(422, code, title, { detail: `${path}: ${message}`, errors: [{ path, message, code }] });

/** Creates the objective of `spec` (data references resolved), found at `path` in the request: a 422 when it cannot be. */
export function createObjectiveForRequest(spec: ResolvedObjectiveSpec, path: string): Objective {
  try {
    return createObjective(spec);
  } catch (error) {
    throw objectiveProblem(error, path);
  }
}

/** The 422 of an objective that cannot be built: inline data that does not fit together is named at its field (`objective.data.features[1]`). */
function objectiveProblem(error: unknown, path: string): AppError {
  const at = error instanceof DatasetFieldError ? `${path}.${formatPath(error.path)}` : path;
  return unprocessable('invalid_objective', 'The objective cannot be built', at, errorMessage(error));
}

/**
 * Work a request may spend on checks of an objective (see evaluationCost): about a tenth of a
 * second. Beyond it the start is not checked here; the worker's first update measures the same
 * values, and a start that is not finite ends the run `diverged` with the reason.
 */
export const maxRequestCheckWork = 20_000_000;

/**
 * Builds the objective of a run about to be queued (or one being checked or stored): created, its
 * inline data checked as it comes in (repeatedSpecColumn), and finite with a finite gradient at
 * its start when that is cheap to check.
 */
export function buildObjective(spec: ResolvedObjectiveSpec, path: string): Objective {
  const objective = createObjectiveForRequest(spec, path);
  const repeated = repeatedSpecColumn(spec);
  if (repeated) throw objectiveProblem(repeated, path);
  if (evaluationCost(objective) <= maxRequestCheckWork) assertFiniteStart(objective, spec, path);
  return objective;
}

/** f and ∇f at the starting point must be finite, or the first update already diverges. */
function assertFiniteStart(objective: Objective, spec: ResolvedObjectiveSpec, path: string): void {
  const gradient = new Float64Array(objective.dimension);
  const value = objective.valueAndGradient(Float64Array.from(objective.initial), gradient);
  const at = spec.initial !== undefined ? `${path}.initial` : path;
  if (!Number.isFinite(value)) {
    throw unprocessable('non_finite_start', 'The objective is not finite at its start', at, `The objective is ${value} at the starting point.`);
  }
  const bad = gradient.findIndex((entry) => !Number.isFinite(entry));
  if (bad >= 0) {
    const name = objective.variables[bad] ?? `#${bad + 1}`;
    throw unprocessable('non_finite_start', 'The objective is not finite at its start', at,
      `The gradient with respect to ${name} is ${gradient[bad]} at the starting point.`);
  }
}
