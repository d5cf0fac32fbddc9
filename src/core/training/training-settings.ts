/** `training`: how long, in which batches and in which order a run learns. */
import { z } from 'zod';
import { curriculumSchema } from './curriculum.ts';

const maximumSteps = 1e9;
/** Updates a run makes when neither `maxSteps` nor `epochs` is given. */
export const defaultMaxSteps = 1000;

export const trainingSettingsSchema = z
  .strictObject({
    maxSteps: z
      .number()
      .int()
      .min(1)
      .max(maximumSteps)
      .optional()
      .describe(`Most updates to make (1 … 1e9). Default: ${defaultMaxSteps}, or, when \`epochs\` is given, as many as the epochs take (at most 1e9).`),
    epochs: z
      .number()
      .int()
      .min(1)
      .max(maximumSteps)
      .optional()
      .describe('Stop after this many passes over the training data (a full-batch step on a non-data objective counts as one epoch); without maxSteps, the epochs alone decide. Default: no limit.'),
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

/** The most updates `training` allows before epochs are counted: maxSteps, else 1e9 when epochs decide, else 1000. */
export function stepBudget(training: TrainingSettings): number {
  return training.maxSteps ?? (training.epochs !== undefined ? maximumSteps : defaultMaxSteps);
}
