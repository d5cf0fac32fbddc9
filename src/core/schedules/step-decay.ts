/** Step decay: η_t = η·γ^⌊s / stepSize⌋ (s = t − 1), i.e. multiply by γ every `stepSize` updates. */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const stepSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('step'),
    stepSize: z.number().int().min(1).max(1e9).describe('Updates between two decays (≥ 1).'),
    gamma: z.number().gt(0).max(1).default(0.1).describe('Factor γ applied every stepSize updates (0 < γ ≤ 1, default 0.1).'),
    warmupSteps,
  }).describe('η_t = η·γ^⌊(t−1)/stepSize⌋.'),
  ({ stepSize, gamma }, { baseLearningRate: eta }) => (step) => eta * Math.pow(gamma, Math.floor((step - 1) / stepSize)),
);
