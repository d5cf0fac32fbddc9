/** Turns what a delete did into the answer: nothing (204), 404, or 409 saying what keeps it. */
import type { Deletion } from '../../db/resource-deletion.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { isFinalRunStatus } from '../../contracts/run-status.ts';

export function assertDeleted(deletion: Deletion, kind: 'run' | 'objective' | 'dataset', id: string): void {
  const name = kind[0]!.toUpperCase() + kind.slice(1);
  if (deletion.outcome === 'deleted') return;
  if (deletion.outcome === 'not_found') throw notFound(name, `There is no ${kind} ${id}.`);
  // A finished trial is kept while its sweep runs; an unfinished run is to be cancelled first, trial or not.
  if (kind === 'run' && deletion.sweepId !== undefined && deletion.status !== undefined && isFinalRunStatus(deletion.status)) {
    throw new AppError(409, 'sweep_active', 'The run is a trial of a sweep that has not ended', {
      detail: `Run ${id} is a trial of sweep ${deletion.sweepId}, which has not ended; cancel it (POST /v1/sweeps/${deletion.sweepId}/cancel) or wait for it to end, then delete the run.`,
    });
  }
  if (kind === 'run') {
    throw new AppError(409, 'run_active', 'The run has not finished', {
      detail: `Run ${id} is ${deletion.status}; cancel it (POST /v1/runs/${id}/cancel) and delete it once it has finished.`,
    });
  }
  throw new AppError(409, `${kind}_in_use`, `The ${kind} is in use`, {
    detail: `${name} ${id} is needed by ${deletion.runId ? `run ${deletion.runId}` : 'a run'}, which is queued or running; `
      + 'delete it once no queued or running run needs it.',
  });
}
