/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017): the cosine of
 * cosine.ts over periods T_0, T_0·m, T_0·m², …; at the start of each period η_t jumps back to η.
 * Within period i, which began at s_i: η_t = η_min + (η − η_min)(1 + cos(π·(s − s_i)/T_i))/2.
 */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { cosineFactor, minLearningRate } from './cosine.ts';
import { warmupSteps } from './warmup.ts';

export const cosineRestartsSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('cosineRestarts'),
    periodSteps: z.number().int().min(1).max(1e9).describe('Length T_0 of the first period, in updates.'),
    periodMultiplier: z.number().int().min(1).max(1000).default(1).describe('Factor m by which each period is longer than the previous (integer ≥ 1, default 1).'),
    minLearningRate,
    warmupSteps,
  }).describe('SGDR: cosine annealing restarted every T_0, T_0·m, T_0·m², … updates.'),
  ({ periodSteps, periodMultiplier, minLearningRate: minimum }, { baseLearningRate: eta }) => (step) => {
    let s = step - 1;
    let period = periodSteps;
    if (periodMultiplier === 1) {
      s %= period;
    } else {
      while (s >= period) {
        s -= period;
        period *= periodMultiplier;
      }
    }
    return minimum + (eta - minimum) * cosineFactor(s / period);
  },
);
