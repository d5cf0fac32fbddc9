/**
 * A run's objective as the API rebuilds it for the landscape and the parameter names, resolved
 * as the worker resolves it (src/db/objective-resolution.ts), with the same problems as a
 * submission: a stored objective or dataset that is gone is a 404 naming the field, one that
 * can no longer be built a 422.
 */
import type { Objective, ObjectiveSpec } from '../../../core/objectives/index.ts';
import type { ObjectiveReference } from '../../../core/training/index.ts';
import type { ObjectiveSources } from '../../../db/objective-resolution.ts';
import type { Run } from '../../../db/runs.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ErrorCode } from '../../errors/error-catalogue.ts';
import { createObjectiveForRequest } from '../objectives/build-objective.ts';
import { resolvedSpecForRequest, storedSpecForRequest } from '../objectives/objective-problems.ts';

export type RunObjectiveSources = ObjectiveSources;

export const unprocessable = (code: ErrorCode, title: string, detail: string, path = 'objective') =>
  new AppError(422, code, title, { detail, errors: [{ path, message: detail, code }] });

const objectiveOf = (run: Run) => (run.spec as { objective: ObjectiveSpec | ObjectiveReference }).objective;

/** The run's objective spec, a stored objective's definition in place of its reference. */
export function runObjectiveSpec(sources: RunObjectiveSources, run: Run): Promise<ObjectiveSpec> {
  return storedSpecForRequest(sources, run.tenantId, objectiveOf(run), 'objective');
}

/** Builds the objective of `spec` (the run's, from runObjectiveSpec) for the run's tenant, its datasets resolved. */
export async function buildObjective(sources: RunObjectiveSources, run: Run, spec: ObjectiveSpec): Promise<Objective> {
  return createObjectiveForRequest(await resolvedSpecForRequest(sources, run.tenantId, spec, 'objective'), 'objective');
}
