/**
 * A run's objective as the API rebuilds it for the landscape and the parameter names: the
 * stored definition behind an `{id}` reference, then the objective built with its dataset
 * references resolved. What can never be built is a 422 naming `objective`.
 */
import { createObjective, type Objective, type ObjectiveSpec } from '../../../core/objectives/index.ts';
import { isObjectiveReference, type ObjectiveReference } from '../../../core/training/index.ts';
import { isPermanentDatasetError, type DatasetRepository } from '../../../db/datasets.ts';
import type { ObjectiveRepository } from '../../../db/objectives.ts';
import type { Run } from '../../../db/runs.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ErrorCode } from '../../errors/error-catalogue.ts';
import { errorMessage } from '../../../core/error-message.ts';

export interface RunObjectiveSources {
  readonly objectives: ObjectiveRepository;
  readonly datasets: DatasetRepository;
}

export const unprocessable = (code: ErrorCode, title: string, detail: string, path = 'objective') =>
  new AppError(422, code, title, { detail, errors: [{ path, message: detail, code }] });


/** The run's objective spec, a stored objective's definition in place of its reference. */
export async function runObjectiveSpec({ objectives }: RunObjectiveSources, run: Run): Promise<ObjectiveSpec> {
  const reference = (run.spec as { objective: ObjectiveSpec | ObjectiveReference }).objective;
  if (!isObjectiveReference(reference)) return reference;
  const stored = await objectives.findSpec(run.tenantId, reference.id);
  if (!stored) throw unprocessable('objective_not_found', 'The stored objective is gone', `The stored objective ${reference.id} no longer exists.`, 'objective.id');
  return stored;
}

/** Builds the objective of `spec` for the run's tenant, its datasets resolved. */
export async function buildObjective({ datasets }: RunObjectiveSources, run: Run, spec: ObjectiveSpec): Promise<Objective> {
  const resolved = await datasets.resolveDatasetReferences(spec, run.tenantId).catch((error: unknown) => {
    if (isPermanentDatasetError(error)) throw unprocessable('invalid_objective', 'The objective cannot be built', errorMessage(error));
    throw error;
  });
  try {
    return createObjective(resolved);
  } catch (error) {
    throw unprocessable('invalid_objective', 'The objective cannot be built', `The objective cannot be built: ${errorMessage(error)}`);
  }
}
