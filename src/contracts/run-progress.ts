/**
 * A running run's progress and early-stopping state: what the worker writes to the run row and
 * publishes as `progress` events, and what `GET /v1/runs/{id}` and the event stream show.
 */
import { z } from 'zod';

export const runProgressSchema = z
  .object({
    step: z.number().int(),
    totalSteps: z.number().int().nullable(),
    epoch: z.number().int().nullable(),
    fraction: z.number().nullable(),
    stepsPerSecond: z.number().nullable(),
    etaSeconds: z.number().nullable(),
  })
  .meta({ id: 'RunProgress' });

export type RunProgressView = z.output<typeof runProgressSchema>;

export const earlyStoppingStateSchema = z
  .object({
    enabled: z.boolean(),
    monitor: z.enum(['loss', 'valLoss']).nullable(),
    best: z.number().nullable(),
    bestStep: z.number().int().nullable(),
    patience: z.number().int().nullable(),
    stepsSinceBest: z.number().int().nullable(),
    stopped: z.boolean(),
  })
  .meta({ id: 'EarlyStoppingState' });

export type EarlyStoppingStateView = z.output<typeof earlyStoppingStateSchema>;
