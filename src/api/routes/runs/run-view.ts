/** A stored run as clients see it (the shape: src/contracts/run-view.ts). */
import type { Run } from '../../../db/runs.ts';
import type { RunView } from '../../../contracts/run-view.ts';

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * Routes that answer with run views write them out with JSON.stringify. A view is built field
 * by field from the stored row (toRunView); validating it against runViewSchema once more on
 * every answer cost several times what writing it does. The schema still documents the
 * response (openapi.yaml), and the tests check the views against it.
 */
export const runViewSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** The jsonb columns hold what the worker wrote with the contract's types. */
export function toRunView(run: Run): RunView {
  return {
    id: run.id,
    status: run.status,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
    sweepId: run.sweepId,
    trialNumber: run.trialNumber,
    parameters: run.parameters as RunView['parameters'],
    attempts: run.attempts,
    spec: run.spec as RunView['spec'],
    progress: run.progress as RunView['progress'],
    earlyStoppingState: run.earlyStopping as RunView['earlyStoppingState'],
    earlyStopping: run.earlyStopping as RunView['earlyStoppingState'],
    result: run.result as RunView['result'],
  };
}
