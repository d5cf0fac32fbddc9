/**
 * Optuna's median stopping rule (MedianPruner): after `startupTrials` trials have completed and
 * past `warmupSteps`, at the first recorded step of each interval of `intervalSteps`, a trial
 * stops when its best value so far is worse than the median of the completed trials' values at
 * the same step. A best value of NaN stops it at once; fewer than `minTrials` completed values
 * at the step never stop it. The median interpolates linearly (numpy's nanpercentile).
 */
import { z } from 'zod';
import { formatValue, isBetter, rankAmong, type PrunerDefinition, type PruningStep } from './pruner.ts';

const medianOptions = z.strictObject({
  startupTrials: z.number().int().min(0).max(10_000).default(5).describe('No pruning until this many trials completed (Optuna: n_startup_trials = 5).'),
  warmupSteps: z.number().int().min(0).default(0).describe('No pruning before this step (Optuna: n_warmup_steps = 0).'),
  intervalSteps: z.number().int().min(1).default(1).describe('Decide at the first recorded step of each interval after the warm-up (Optuna: interval_steps = 1).'),
  minTrials: z.number().int().min(1).max(10_000).default(1).describe('Decide only with at least this many completed values at the step (Optuna: n_min_trials = 1).'),
});

/** numpy.percentile's linear interpolation between the sorted values. */
function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * q) / 100;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Whether `step` is the trial's first recorded step in its interval (Optuna's `_is_first_in_interval_step`). */
function isFirstInInterval(step: PruningStep, warmupSteps: number, intervalSteps: number): boolean {
  const nearestLowerDecisionStep = Math.floor((step.step - warmupSteps) / intervalSteps) * intervalSteps + warmupSteps;
  return (step.previousStep ?? -1) < nearestLowerDecisionStep;
}

export const medianPruner: PrunerDefinition<typeof medianOptions> = {
  type: 'median',
  description: "Median stopping rule (Optuna's MedianPruner): stop a trial whose best value so far is worse than the completed trials' median at the same step.",
  options: medianOptions,
  create: (options) => ({
    nextDecisionStep: (step) =>
      step < options.warmupSteps
        ? options.warmupSteps
        : options.warmupSteps + (Math.floor((step - options.warmupSteps) / options.intervalSteps) + 1) * options.intervalSteps,
    plan: (step) => {
      if (step.completedTrials === 0 || step.completedTrials < options.startupTrials) return null;
      if (step.step < options.warmupSteps) return null;
      if (!isFirstInInterval(step, options.warmupSteps, options.intervalSteps)) return null;
      return { population: 'completed' };
    },
    decide: (step, competitors) => {
      const base = { rule: 'median', step: step.step, value: step.bestValue, rung: null };
      if (Number.isNaN(step.bestValue)) {
        return { ...base, prune: true, cutoff: null, rank: null, competitors: 0, message: `Pruned at step ${step.step}: its ${step.metric} is not a number.` };
      }
      const values = competitors.map((competitor) => competitor.value).filter((value) => !Number.isNaN(value));
      if (competitors.length < options.minTrials || values.length === 0) {
        return {
          ...base,
          prune: false,
          cutoff: null,
          rank: null,
          competitors: values.length,
          message: `Kept at step ${step.step}: ${competitors.length} completed trial(s) reached this step, fewer than the ${Math.max(options.minTrials, 1)} needed.`,
        };
      }
      const median = percentile(values, 50);
      const prune = isBetter(median, step.bestValue, step.goal);
      const rank = rankAmong(step.bestValue, values, step.goal);
      const comparison = `its best ${step.metric} so far, ${formatValue(step.bestValue)}, is ${prune ? 'worse than' : 'no worse than'} ${formatValue(median)}, the median of ${values.length} completed trial(s) at this step`;
      return {
        ...base,
        prune,
        cutoff: median,
        rank,
        competitors: values.length,
        message: `${prune ? 'Pruned' : 'Kept'} at step ${step.step}: ${comparison}.`,
      };
    },
  }),
};
