/**
 * The objective thread's entry: answers each InspectionRequest with its Inspection, or with the
 * problem (an AppError's fields) that building or checking the objective raised.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors/app-error.ts';
import { errorMessage } from '../../core/error-message.ts';
import { inspectObjective, type InspectionRequest } from './inspect-objective.ts';

parentPort!.on('message', ({ id, request }: { id: number; request: InspectionRequest }) => {
  try {
    parentPort!.postMessage({ id, inspection: inspectObjective(request) });
  } catch (error) {
    const problem = error instanceof AppError
      ? { statusCode: error.statusCode, code: error.code, title: error.title, detail: error.detail, errors: error.errors }
      : { message: errorMessage(error) };
    parentPort!.postMessage({ id, problem });
  }
});
