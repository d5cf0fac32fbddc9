/**
 * A run checkpoint: everything a run needs to continue bit for bit (parameters, optimizer,
 * schedule and random-generator states, data order and position, early-stopping state, best
 * parameters). Plain JSON; float64 values survive JSON text exactly.
 */
import { z } from 'zod';

const randomStateSchema = z.strictObject({
  s: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  spare: z.number().nullable(),
});

/** A data objective's own state (e.g. batch-normalization running statistics). */
const objectiveState = z.record(z.string(), z.union([z.number(), z.array(z.number())]));

export const runCheckpointSchema = z.strictObject({
  version: z.literal(1),
  step: z.number().int().min(0),
  elapsedMilliseconds: z.number().min(0),
  params: z.array(z.number()),
  optimizer: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
  schedule: z.record(z.string(), z.number().nullable()),
  noiseRandom: randomStateSchema,
  data: z
    .strictObject({
      epoch: z.number().int().min(0),
      position: z.number().int().min(0),
      order: z.array(z.number().int().min(0)),
      random: randomStateSchema,
    })
    .nullable(),
  objective: objectiveState.nullable(),
  tracker: z.strictObject({
    best: z.number().nullable(),
    bestStep: z.number().int().nullable(),
    lastStep: z.number().int().min(0),
    stopped: z.boolean(),
  }),
  bestParams: z.array(z.number()).nullable(),
  /** The objective's state at the best parameters (restoreBest with batch normalization). */
  bestObjective: objectiveState.nullable().optional(),
  lastLoss: z.number().nullable(),
  lastValidationStep: z.number().int().min(0),
});

export type RunCheckpoint = z.output<typeof runCheckpointSchema>;
