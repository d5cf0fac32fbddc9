/** Constant learning rate: η_t = η. */
import { z } from 'zod';
import { defineSchedule } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const constantSchedule = defineSchedule(
  z.strictObject({
    type: z.literal('constant'),
    warmupSteps,
  }).describe('η_t = η.'),
  (_spec, { baseLearningRate: eta }) => () => eta,
);
