/**
 * The objective thread's entry: answers each InspectionRequest with its Inspection, each
 * LandscapeRequest with its grid, each JSON dataset upload with its dataset (its arrays
 * moved, not copied), and each page of a dataset with its JSON body (moved), or with the problem (an AppError's fields) that building, checking or
 * reading raised.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors/app-error.ts';
import { errorMessage } from '../../core/error-message.ts';
import { inspectObjective, type InspectionRequest } from './inspect-objective.ts';
import { datasetPageJson, type DatasetPageRequest } from './dataset-page.ts';
import { computeLandscape, type LandscapeRequest } from './landscape-grid.ts';
import { datasetBuffers, parseDatasetUpload } from './parse-dataset-upload.ts';

type Message =
  | { id: number; request: InspectionRequest }
  | { id: number; upload: Uint8Array }
  | { id: number; landscapeOf: LandscapeRequest }
  | { id: number; pageOf: DatasetPageRequest };

parentPort!.on('message', (message: Message) => {
  const { id } = message;
  try {
    if ('upload' in message) {
      const upload = parseDatasetUpload(message.upload);
      parentPort!.postMessage({ id, upload }, datasetBuffers(upload.dataset));
    } else if ('pageOf' in message) {
      const page = datasetPageJson(message.pageOf);
      parentPort!.postMessage({ id, page }, [page.buffer as ArrayBuffer]);
    } else if ('landscapeOf' in message) {
      parentPort!.postMessage({ id, landscape: computeLandscape(message.landscapeOf) });
    } else {
      parentPort!.postMessage({ id, inspection: inspectObjective(message.request) });
    }
  } catch (error) {
    const problem = error instanceof AppError
      ? { statusCode: error.statusCode, code: error.code, title: error.title, detail: error.detail, errors: error.errors }
      : { message: errorMessage(error) };
    parentPort!.postMessage({ id, problem });
  }
});
