/** No pruning: every trial runs to its own end. */
import { z } from 'zod';
import type { PrunerDefinition } from './pruner.ts';

const noneOptions = z.strictObject({});

export const noPruner: PrunerDefinition<typeof noneOptions> = {
  type: 'none',
  description: 'No pruning: every trial runs until its own stopping rules end it.',
  options: noneOptions,
  create: () => ({
    nextDecisionStep: () => Infinity,
    plan: () => null,
    decide: (step) => ({
      prune: false,
      rule: 'none',
      step: step.step,
      value: step.value,
      cutoff: null,
      rung: null,
      rank: null,
      competitors: 0,
      message: 'No pruner: the trial continues.',
    }),
  }),
};
