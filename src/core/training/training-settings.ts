/** `training`: how long, in which batches and in which order a run learns. */
import { z } from 'zod';
import { curriculumSchema } from './curriculum.ts';

export const maximumSteps = 1e9;

export const trainingSettingsSchema = z
  .strictObject({
    maxSteps: z.number().int().min(1).max(maximumSteps).default(1000).describe('Most updates to make (1 … 1e9, default 1000).'),
    epochs: z
      .number()
      .int()
      .min(1)
      .max(maximumSteps)
      .optional()
      .describe('Stop after this many passes over the training data (a full-batch step on a non-data objective counts as one epoch). Default: no limit.'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1e9)
      .optional()
      .describe('Examples per update on data objectives: 1 stochastic, k mini-batch; omitted or ≥ the training rows: full batch.'),
    curriculum: curriculumSchema.optional(),
    shuffle: z.boolean().default(true).describe('Reshuffle the training examples at the start of every epoch, seeded (default true).'),
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed of every random choice of the run: shuffling, gradient noise (0 … 2³²−1, default 0).'),
    timeLimitSeconds: z.number().positive().max(7 * 24 * 3600).optional().describe('Stop with time_limit after this much computing time (default: none).'),
    validationEvery: z
      .number()
      .int()
      .min(1)
      .max(maximumSteps)
      .optional()
      .describe('Evaluate valLoss/valAccuracy every this many updates and always after the last one (default: record.every).'),
  })
  .describe('Step budget, batching, order and seed.');

export type TrainingSettings = z.output<typeof trainingSettingsSchema>;
