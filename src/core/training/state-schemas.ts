/** Schemas of the states that checkpoints carry, shared by the single and the parallel trainers. */
import { z } from 'zod';

const randomStateSchema = z.strictObject({
  s: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  spare: z.number().nullable(),
});

/** A local step's state (local-step.ts): optimizer, schedule, gradient-noise stream. */
export const localStepStateShape = {
  optimizer: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
  schedule: z.record(z.string(), z.number().nullable()),
  noiseRandom: randomStateSchema,
};

/** Where a data objective's batches stand (data-batches.ts). */
export const dataPositionSchema = z.strictObject({
  epoch: z.number().int().min(0),
  position: z.number().int().min(0),
  order: z.array(z.number().int().min(0)),
  random: randomStateSchema,
});

/** Early stopping's tracker (early-stopping.ts); null for a value not seen yet. */
export const trackerStateSchema = z.strictObject({
  best: z.number().nullable(),
  bestStep: z.number().int().nullable(),
  lastStep: z.number().int().min(0),
  stopped: z.boolean(),
});
