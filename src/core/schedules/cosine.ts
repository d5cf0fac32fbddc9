/**
 * Cosine annealing (Loshchilov & Hutter): η_t = η_min + (η − η_min)·(1 + cos(π·s/T))/2 with
 * s = min(t − 1, T); T defaults to the run's step budget.
 */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const minLearningRate = z.number().min(0).finite().default(0).describe('Floor η_min of the learning rate (≥ 0, default 0).');

/** (1 + cos(π·fraction))/2: from 1 at fraction 0 down to 0 at fraction 1. */
export function cosineFactor(fraction: number): number {
  return 0.5 * (1 + Math.cos(Math.PI * fraction));
}

export const cosineSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('cosine'),
    periodSteps: z.number().int().min(1).max(1e9).optional().describe('Updates T from η down to η_min (default: the run’s total updates, maxSteps or what the epochs take); η_min afterwards.'),
    minLearningRate,
    warmupSteps,
  }).describe('η_t = η_min + (η − η_min)(1 + cos(π·min(t−1, T)/T))/2.'),
  (spec, { baseLearningRate: eta, totalSteps }) => {
    const minimum = spec.minLearningRate;
    const period = spec.periodSteps ?? Math.max(1, totalSteps);
    return (step) => minimum + (eta - minimum) * cosineFactor(Math.min(step - 1, period) / period);
  },
);
