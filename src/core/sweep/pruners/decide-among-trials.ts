/**
 * A pruning decision at one recorded step from what every trial of the sweep shows there: this
 * trial's value and best so far, the others' statuses, values at the step and pruning. The
 * worker reads those in one query; the local CLI keeps them in memory; both decide here.
 */
import type { Goal } from '../trial.ts';
import type { Competitor, Pruner, PruningDecision } from './pruner.ts';

export interface TrialAtStep {
  readonly status: string;
  /** Its value at the step, or null when it has none there. */
  readonly value: number | null;
  readonly pruning: { readonly step?: number; readonly rung?: number | null } | null;
}

const completeStatuses = new Set(['completed', 'early_stopped']);

export function decideAmongTrials(
  pruner: Pruner,
  at: { readonly step: number; readonly previousStep: number | null; readonly goal: Goal; readonly metric: string },
  own: { readonly value: number; readonly best: number | null },
  others: readonly TrialAtStep[],
): PruningDecision | null {
  const context = {
    ...at,
    value: own.value,
    bestValue: own.best ?? NaN,
    completedTrials: others.filter((other) => completeStatuses.has(other.status)).length,
  };
  const plan = pruner.plan(context);
  if (!plan) return null;
  const competitors: Competitor[] = others
    .filter((other) => other.value !== null && (plan.population === 'reached' || completeStatuses.has(other.status)))
    .map((other) => ({
      value: other.value!,
      prunedRung: other.status === 'pruned' && other.pruning?.step === at.step ? (other.pruning.rung ?? null) : null,
    }));
  return pruner.decide(context, competitors);
}

/** The first recorded step (a multiple of `recordEvery`) at or past the pruner's next decision step after `step`. */
export function nextCheckStep(pruner: Pruner, step: number, recordEvery: number): number {
  const target = pruner.nextDecisionStep(step);
  return Number.isFinite(target) ? Math.ceil(target / recordEvery) * recordEvery : Infinity;
}

/** Whether a trial recorded every `recordEvery` steps asks its pruner at `step`. */
export function isCheckStep(pruner: Pruner, step: number, recordEvery: number): boolean {
  return step % recordEvery === 0 && pruner.nextDecisionStep(step - recordEvery) <= step;
}
