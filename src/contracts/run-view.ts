/**
 * What clients see of a run (`GET /v1/runs/{id}` and friends). Progress, early-stopping state
 * and result are written by the worker; they are null until it has something to say.
 */
import { z } from 'zod';
import { runSpecSchema } from './run-spec.ts';
import { runStatusSchema } from './run-status.ts';
import { earlyStoppingStateSchema, runProgressSchema } from './run-progress.ts';
import { runResultSchema } from './run-result.ts';

export const runViewSchema = z
  .object({
    id: z.uuid(),
    status: runStatusSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    sweepId: z.uuid().nullable(),
    trialNumber: z.number().int().nullable().describe("A sweep trial's number within its sweep, from 0."),
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).nullable()
      .describe("A sweep trial's parameters, keyed by dotted path into the spec."),
    attempts: z.number().int().describe('How many times a worker has started the run.'),
    /** The run spec as accepted, with defaults filled in. */
    spec: runSpecSchema,
    progress: runProgressSchema.nullable(),
    earlyStopping: earlyStoppingStateSchema.nullable(),
    result: runResultSchema.nullable(),
  })
  .meta({ id: 'Run' });

export type RunView = z.output<typeof runViewSchema>;
