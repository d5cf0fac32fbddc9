/** Turns what a delete did into the answer: nothing (204), 404, or 409 saying what keeps it. */
import type { Deletion } from '../../db/resource-deletion.ts';
import { listedUsers, type UsedBy } from '../../contracts/used-by.ts';
import { AppError, noSuch } from '../errors/app-error.ts';
import { isFinalRunStatus } from '../../contracts/run-status.ts';

/** What a DELETE's description says of the tenant's bound on deletions in progress (TENANT_MAX_CONCURRENT_DELETIONS). */
export const deletionsInProgressNote = 'A tenant has at most `TENANT_MAX_CONCURRENT_DELETIONS` deletions (of runs, stored objectives and datasets) '
  + 'in progress on the API process: one more is 429 `too_many_concurrent` with `Retry-After`.';

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `ids` said in a sentence, with how many more there are than it lists. */
const listed = (ids: readonly string[], count: number) => `${ids.join(', ')}${count > ids.length ? ` and ${count - ids.length} more` : ''}`;

/**
 * Why a stored objective or dataset cannot be deleted, and what to do: which runs, sweeps and
 * stored objectives name it (the newest of each), and how to delete or end them first.
 */
function inUseDetail(kind: 'objective' | 'dataset', id: string, { runs, unfinishedRuns, sweeps, objectives, runIds, sweepIds, objectiveIds }: UsedBy): string {
  const users = [
    ...(runs > 0 ? [`${counted(runs, 'run')}${unfinishedRuns > 0 ? ` (${unfinishedRuns} of them queued or running)` : ''}`] : []),
    ...(sweeps > 0 ? [`${counted(sweeps, 'sweep')} that ${sweeps === 1 ? 'has' : 'have'} not ended`] : []),
    ...(objectives > 0 ? [counted(objectives, 'stored objective')] : []),
  ];
  // A sweep first: its trials, among the runs, can be deleted once it has ended.
  const steps = [
    ...(sweeps > 0 ? [`cancel the sweeps (POST /v1/sweeps/{id}/cancel) or let them end: ${listed(sweepIds, sweeps)}`] : []),
    ...(runs > 0 ? [`delete the runs (DELETE /v1/runs/{id}${unfinishedRuns > 0 ? '; cancel an unfinished one first, POST /v1/runs/{id}/cancel' : ''}): ${listed(runIds, runs)}`] : []),
    ...(objectives > 0 ? [`delete the stored objectives (DELETE /v1/objectives/{id}): ${listed(objectiveIds, objectives)}`] : []),
  ];
  // Why each kind of user keeps it, said only of the kinds there are.
  const reasons = [
    ...(runs > 0 ? ['a run reads it to run, and once finished to show its landscape and parameter names'] : []),
    ...(sweeps > 0 ? [`a sweep's next trials are runs of it`] : []),
    ...(objectives > 0 ? ['every run of a stored objective over it reads it'] : []),
  ];
  const name = kind === 'objective' ? 'Objective' : 'Dataset';
  return `${name} ${id} is used by ${users.join(', ')}: ${reasons.join('; ')}. `
    + `To delete it, first ${steps.join('; ')}. \`usedBy\` lists the newest ${listedUsers} of each.`;
}

export function assertDeleted(deletion: Deletion, kind: 'run' | 'objective' | 'dataset', id: string): void {
  if (deletion.outcome === 'deleted') return;
  if (deletion.outcome === 'not_found') throw noSuch(kind, id);
  if (deletion.outcome === 'in_use') {
    const resource = kind === 'dataset' ? 'dataset' : 'objective';
    throw new AppError(409, `${resource}_in_use`, `The ${resource} is in use`, { detail: inUseDetail(resource, id, deletion.usedBy), usedBy: deletion.usedBy });
  }
  // A finished trial is kept while its sweep runs; an unfinished run is to be cancelled first, trial or not.
  if (deletion.sweepId !== undefined && deletion.status !== undefined && isFinalRunStatus(deletion.status)) {
    throw new AppError(409, 'sweep_active', 'The run is a trial of a sweep that has not ended', {
      detail: `Run ${id} is a trial of sweep ${deletion.sweepId}, which has not ended; cancel it (POST /v1/sweeps/${deletion.sweepId}/cancel) or wait for it to end, then delete the run.`,
    });
  }
  throw new AppError(409, 'run_active', 'The run has not finished', {
    detail: `Run ${id} is ${deletion.status}; cancel it (POST /v1/runs/${id}/cancel) and delete it once it has finished.`,
  });
}
