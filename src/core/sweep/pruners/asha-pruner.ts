/**
 * Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel
 * Hyperparameter Tuning"), as Optuna's SuccessiveHalvingPruner implements it. Rung r lies at
 * step minSteps · η^(minEarlyStoppingRate + r). At its first recorded step at or past a rung, a
 * trial competes with every other trial that reached that step: it is promoted (continues) when
 * its value ranks within the best ⌊k/η⌋ of the k values there (within the best one while k < η),
 * else it stops. Asynchronous: a trial never waits for the rung to fill, it is judged by the
 * trials that got there before it. With `bootstrapCount` b, a rung with at most b values stops
 * every trial (Optuna's rule). A trial that clears several rungs at one step climbs them in turn.
 */
import { z } from 'zod';
import { formatValue, rankAmong, type Competitor, type PrunerDefinition, type PruningDecision, type PruningStep } from './pruner.ts';

const ashaOptions = z.strictObject({
  minSteps: z.number().int().min(1).optional().describe("Step of the first rung, the minimum resource r (default: 1% of the base spec's maxSteps, or of 1000 without one, as Optuna's 'auto' estimates it)."),
  reductionFactor: z.number().int().min(2).max(1000).default(4).describe('η: rungs lie η times apart, and 1 in η trials is promoted (Optuna: 4).'),
  minEarlyStoppingRate: z.number().int().min(0).max(30).default(0).describe('s: the first rung lies at minSteps · η^s (Optuna: 0).'),
  bootstrapCount: z.number().int().min(0).max(10_000).default(0).describe('Stop every trial at a rung holding at most this many values (Optuna: 0).'),
  maxRungs: z.number().int().min(1).max(30).optional().describe('No rungs past this many (default: no limit).'),
});

export type AshaOptions = z.output<typeof ashaOptions>;

export function rungStep(options: AshaOptions, rung: number): number {
  return (options.minSteps ?? 1) * options.reductionFactor ** (options.minEarlyStoppingRate + rung);
}

/** The first rung not yet behind the trial: the lowest whose step lies after its previous record. */
function nextRung(options: AshaOptions, previousStep: number | null): number {
  let rung = 0;
  while (previousStep !== null && rungStep(options, rung) <= previousStep) rung += 1;
  return rung;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export const ashaPruner: PrunerDefinition<typeof ashaOptions> = {
  type: 'asha',
  description: "Asynchronous successive halving (Optuna's SuccessiveHalvingPruner): at each rung only the best 1 in η of the trials that reached it continue.",
  options: ashaOptions,
  create: (options) => ({
    nextDecisionStep: (step) => {
      const rung = nextRung(options, step);
      return options.maxRungs !== undefined && rung >= options.maxRungs ? Infinity : rungStep(options, rung);
    },
    plan: (step) => {
      const rung = nextRung(options, step.previousStep);
      if (options.maxRungs !== undefined && rung >= options.maxRungs) return null;
      return rungStep(options, rung) <= step.step ? { population: 'reached' } : null;
    },
    decide: (step: PruningStep, competitors: readonly Competitor[]): PruningDecision => {
      let rung = nextRung(options, step.previousStep);
      const base = { rule: 'asha', step: step.step, value: step.value };
      const eta = options.reductionFactor;
      let last: PruningDecision | null = null;
      while (rungStep(options, rung) <= step.step && (options.maxRungs === undefined || rung < options.maxRungs)) {
        if (Number.isNaN(step.value)) {
          return { ...base, prune: true, cutoff: null, rung, rank: null, competitors: 0, message: `Pruned at rung ${rung} (step ${step.step}): its ${step.metric} is not a number.` };
        }
        const others = competitors
          .filter((competitor) => (competitor.prunedRung === null || competitor.prunedRung >= rung) && !Number.isNaN(competitor.value))
          .map((competitor) => competitor.value);
        const competing = [...others, step.value].sort((a, b) => a - b);
        const rank = rankAmong(step.value, others, step.goal);
        if (competing.length <= options.bootstrapCount) {
          return {
            ...base,
            prune: true,
            cutoff: null,
            rung,
            rank,
            competitors: others.length,
            message: `Pruned at rung ${rung} (step ${step.step}): only ${competing.length} value(s) at this rung, at most the bootstrap count ${options.bootstrapCount}.`,
          };
        }
        const promoted = Math.max(Math.floor(competing.length / eta), 1);
        const cutoff = step.goal === 'minimize' ? competing[promoted - 1] : competing[competing.length - promoted];
        const prune = step.goal === 'minimize' ? !(step.value <= cutoff) : !(step.value >= cutoff);
        const standing = `${step.metric} ${formatValue(step.value)} ranks ${ordinal(rank)} of ${competing.length} trial(s) at this step; the best ${promoted} (1 in ${eta}) go on, the last of them at ${formatValue(cutoff)}`;
        last = { ...base, prune, cutoff, rung, rank, competitors: others.length, message: `${prune ? 'Pruned' : 'Promoted'} at rung ${rung} (step ${step.step}): ${standing}.` };
        if (prune) return last;
        rung += 1;
      }
      return last ?? { ...base, prune: false, cutoff: null, rung: null, rank: null, competitors: 0, message: `Kept at step ${step.step}: no rung here.` };
    },
  }),
};
