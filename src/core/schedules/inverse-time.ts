/** Inverse-time decay: η_t = η / (1 + k·s) (s = t − 1). */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const inverseTimeSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('inverseTime'),
    decay: z.number().min(0).max(1e6).describe('Rate k in η/(1 + k·(t−1)) (≥ 0).'),
    warmupSteps,
  }).describe('η_t = η/(1 + k·(t−1)).'),
  ({ decay }, { baseLearningRate: eta }) => (step) => eta / (1 + decay * (step - 1)),
);
