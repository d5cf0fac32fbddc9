/**
 * Resolving an objective inside a request (src/db/objective-resolution.ts), with what can never
 * resolve as the problem the client gets, naming the field: an unknown objective or dataset is
 * a 404 (`objective_not_found`, `dataset_not_found`), a data file path a 422
 * (`unsupported_data_source`, only the local CLI reads files), a stored definition that no
 * longer validates a 422 (`invalid_objective`).
 */
import type { ObjectiveSpec, ResolvedObjectiveSpec } from '../../../core/objectives/index.ts';
import type { ObjectiveReference } from '../../../core/training/index.ts';
import { DatasetNotFoundError, StoredDatasetError, UnreadableDataSourceError } from '../../../db/datasets.ts';
import { StoredObjectiveError } from '../../../db/objectives.ts';
import { MissingParameterReferencesError, ObjectiveNotFoundError, resolveObjectiveSpec, storedObjectiveSpec, type ObjectiveSources } from '../../../db/objective-resolution.ts';
import { AppError } from '../../errors/app-error.ts';
import { cappedIssues } from '../../errors/validation-problem.ts';
import type { ErrorCode } from '../../errors/error-catalogue.ts';

const problem = (status: 404 | 422, code: ErrorCode, title: string, path: string, message: string) =>
  new AppError(status, code, title, { detail: `${path}: ${message}`, errors: [{ path, message, code }] });

/**
 * The error of resolving the objective found at `path` in the request, as its problem; other
 * errors as they are. A sweep's parameter values naming what does not exist are named each at
 * its place in the parameter (`parameters["objective.id"].values[1]`), with the first one's code.
 */
export function objectiveProblem(error: unknown, path: string): unknown {
  if (error instanceof MissingParameterReferencesError) {
    const errors = error.missing.map(({ parameter, index, error: missing }) => ({
      path: `parameters["${parameter}"].values[${index}]`,
      message: missing.message,
      code: (missing instanceof ObjectiveNotFoundError ? 'objective_not_found' : 'dataset_not_found') as ErrorCode,
    }));
    const [first] = errors;
    const title = first!.code === 'objective_not_found' ? 'Objective not found' : 'Dataset not found';
    const named = errors.slice(0, 10).map((issue) => `${issue.path}: ${issue.message}`).join(' ');
    return new AppError(404, first!.code, title, cappedIssues(errors.length > 10 ? `${named} … (${errors.length} values)` : named, errors));
  }
  if (error instanceof ObjectiveNotFoundError) return problem(404, 'objective_not_found', 'Objective not found', `${path}.${error.path}`, error.message);
  if (error instanceof DatasetNotFoundError) return problem(404, 'dataset_not_found', 'Dataset not found', `${path}.${error.path}`, error.message);
  if (error instanceof UnreadableDataSourceError) return problem(422, 'unsupported_data_source', 'Unsupported data source', `${path}.${error.path}`, error.message);
  if (error instanceof StoredObjectiveError || error instanceof StoredDatasetError) return problem(422, 'invalid_objective', 'The objective cannot be built', path, error.message);
  return error;
}

/** The objective spec at `path`, a stored one in place of its `{id}` reference. */
export async function storedSpecForRequest(sources: ObjectiveSources, tenantId: string, objective: ObjectiveSpec | ObjectiveReference, path: string): Promise<ObjectiveSpec> {
  try {
    return await storedObjectiveSpec(sources, tenantId, objective);
  } catch (error) {
    throw objectiveProblem(error, path);
  }
}

/** The objective spec at `path`, its stored definition and data references resolved. */
export async function resolvedSpecForRequest(sources: ObjectiveSources, tenantId: string, objective: ObjectiveSpec | ObjectiveReference, path: string): Promise<ResolvedObjectiveSpec> {
  try {
    return await resolveObjectiveSpec(sources, tenantId, objective);
  } catch (error) {
    throw objectiveProblem(error, path);
  }
}
