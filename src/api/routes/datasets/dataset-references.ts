/**
 * `{ "id": … }` data references inside an objective, resolved for a request: the tenant's
 * stored datasets replace them, an unknown id is a 404 naming the field (`objective.data.id`),
 * and a file path (which only the local CLI reads) is a 422.
 */
import type { ObjectiveSpec } from '../../../core/objectives/index.ts';
import {
  DatasetNotFoundError,
  UnreadableDataSourceError,
  type DatasetRepository,
  type ResolvedObjectiveSpec,
} from '../../../db/datasets.ts';
import { AppError } from '../../errors/app-error.ts';

/** Resolves the data references of `spec`, found at `path` in the request body (e.g. `objective`). */
export async function resolveObjectiveData(
  datasets: DatasetRepository,
  tenantId: string,
  spec: ObjectiveSpec,
  path = 'objective',
): Promise<ResolvedObjectiveSpec> {
  try {
    return await datasets.resolveDatasetReferences(spec, tenantId);
  } catch (error) {
    if (error instanceof DatasetNotFoundError) {
      const field = `${path}.${error.path}`;
      throw new AppError(404, 'dataset_not_found', 'Dataset not found', {
        detail: `${field}: ${error.message}`,
        errors: [{ path: field, message: error.message, code: 'dataset_not_found' }],
      });
    }
    if (error instanceof UnreadableDataSourceError) {
      const field = `${path}.${error.path}`;
      throw new AppError(422, 'unsupported_data_source', 'Unsupported data source', {
        detail: `${field}: ${error.message}`,
        errors: [{ path: field, message: error.message, code: 'unsupported_data_source' }],
      });
    }
    throw error;
  }
}
