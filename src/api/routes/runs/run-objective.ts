/**
 * A run's objective spec as the API reads it for the landscape and the parameter names, resolved
 * as the worker resolves it (src/db/objective-resolution.ts), with the same problems as a
 * submission: a stored objective that is gone is a 404 naming the field. Its data is resolved,
 * and the objective built, by the objective service, off the event loop.
 */
import type { ObjectiveSpec } from '../../../core/objectives/index.ts';
import type { ObjectiveReference } from '../../../core/training/index.ts';
import type { ObjectiveSources } from '../../../db/objective-resolution.ts';
import type { Run } from '../../../db/runs.ts';
import { storedSpecForRequest } from '../objectives/objective-problems.ts';

export type RunObjectiveSources = ObjectiveSources;

const objectiveOf = (run: Run) => (run.spec as { objective: ObjectiveSpec | ObjectiveReference }).objective;

/** The run's objective spec, a stored objective's definition in place of its reference. */
export function runObjectiveSpec(sources: RunObjectiveSources, run: Run): Promise<ObjectiveSpec> {
  return storedSpecForRequest(sources, run.tenantId, objectiveOf(run), 'objective');
}
