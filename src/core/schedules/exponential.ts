/** Exponential decay: η_t = η·γ^s (s = t − 1). */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const exponentialSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('exponential'),
    gamma: z.number().gt(0).max(1).describe('Factor γ applied after every update (0 < γ ≤ 1).'),
    warmupSteps,
  }).describe('η_t = η·γ^(t−1).'),
  ({ gamma }, { baseLearningRate: eta }) => (step) => eta * Math.pow(gamma, step - 1),
);
