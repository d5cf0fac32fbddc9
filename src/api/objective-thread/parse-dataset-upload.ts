/**
 * A JSON dataset upload (`POST /v1/datasets`) read in the objective thread: parsed, validated
 * against the upload schema and turned into a Dataset there, so that no request holds the API's
 * event loop while a large upload is read. A 53 MB upload of 329,036 rows of 8 numbers took 2.0 s
 * to parse, 1.1 s to validate and 0.2 s to build; DATASET_MAX_BYTES allows 64 MiB by default and
 * up to 256 MiB. The problems are those the event loop gave: invalid JSON (400 `invalid_json`,
 * also for a `__proto__` or `constructor.prototype` key, as src/api/plugins/json-body.ts refuses),
 * a body that does not validate (400 `validation_failed`, naming every bad field, also a string
 * PostgreSQL cannot store, as src/api/plugins/validator-compiler.ts names it), a dataset that is
 * not consistent (422 `invalid_dataset`).
 */
import parseJson from 'secure-json-parse';
import { datasetUploadSchema } from '../../contracts/dataset-upload.ts';
import { DatasetFieldError, materializeDataset, withColumnsOnce, type Dataset } from '../../core/datasets/index.ts';
import { formatPath } from '../../contracts/issues.ts';
import { errorMessage } from '../../core/error-message.ts';
import { mayHoldUnstorableText, unstorableTexts } from '../../core/unstorable-text.ts';
import { AppError } from '../errors/app-error.ts';
import { invalidJson } from '../plugins/json-body.ts';
import { withUnstorableTexts } from '../plugins/validator-compiler.ts';
import { cappedIssues, validationProblem } from '../errors/validation-problem.ts';

export interface ParsedUpload {
  readonly name?: string;
  readonly targetName?: string;
  readonly dataset: Dataset;
}

export function parseDatasetUpload(bytes: Uint8Array): ParsedUpload {
  let body: unknown;
  const text = new TextDecoder().decode(bytes);
  try {
    // As the application's JSON bodies are read: a `__proto__` or `constructor.prototype` key is invalid JSON.
    body = parseJson(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw invalidJson(error);
  }
  const parsed = withUnstorableTexts(datasetUploadSchema.safeParse(body), mayHoldUnstorableText(text) ? unstorableTexts(body) : []);
  if ('error' in parsed) {
    const { status, code, title, detail, errors } = validationProblem(parsed.error, 'body');
    throw new AppError(status, code, title, cappedIssues(detail, errors));
  }
  const { name, targetName, ...source } = parsed.value;
  try {
    return { ...(name === undefined ? {} : { name }), ...(targetName === undefined ? {} : { targetName }), dataset: withColumnsOnce(materializeDataset(source)) };
  } catch (error) {
    const message = errorMessage(error);
    // The field, where the data's parts do not fit together (`features[1]`, `targets`); else the whole body.
    const path = error instanceof DatasetFieldError ? formatPath(error.path) : '';
    throw new AppError(422, 'invalid_dataset', 'The dataset is invalid', {
      detail: `The dataset is invalid: ${path === '' ? '' : `${path}: `}${message}.`,
      errors: [{ path, message, code: 'invalid_dataset' }],
    });
  }
}

/** The buffers of a dataset's arrays, to move them to another thread instead of copying them. */
export function datasetBuffers({ features, targets, difficulty }: Dataset): ArrayBuffer[] {
  const arrays = [features.values, targets, ...(features.kind === 'sparse' ? [features.rowStarts, features.indices] : []), ...(difficulty ? [difficulty] : [])];
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}
