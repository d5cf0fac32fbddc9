/**
 * The run spec: the body of POST /v1/runs, the payload of a run job, and the file `descent run`
 * reads. Strict at every level (unknown fields are rejected, so a typo never silently falls
 * back to a default). Its parsed form is the engine's RunConfig.
 */
import { z } from 'zod';
import { objectiveSpecSchema } from '../core/objectives/index.ts';
import { optimizerConfigSchema } from '../core/optimizers/index.ts';
import { scheduleSpecSchema } from '../core/schedules/index.ts';
import { parallelIssues, parallelSettingsSchema } from '../core/parallel/index.ts';
import { trainingSettingsSchema, gradientNoiseSchema, clippingSchema, earlyStoppingSchema, stopWhenSchema, recordSettingsSchema, objectiveReferenceSchema, type RunConfig } from '../core/training/index.ts';

export const runSpecSchema = z
  .strictObject({
    objective: z
      .union([objectiveSpecSchema, objectiveReferenceSchema])
      .describe('What to minimise: an inline objective spec, or {"id": …} of a stored objective.'),
    optimizer: optimizerConfigSchema.describe('How to minimise: `name` (see /v1/optimizers), `flavor` and hyperparameters.'),
    training: trainingSettingsSchema.prefault({}),
    schedule: scheduleSpecSchema.optional(),
    gradientNoise: gradientNoiseSchema.optional(),
    clip: clippingSchema.optional(),
    earlyStopping: earlyStoppingSchema.optional().describe('Early stopping (default: off).'),
    stopWhen: stopWhenSchema.optional(),
    record: recordSettingsSchema.prefault({}),
    parallel: parallelSettingsSchema.optional(),
  })
  .superRefine((spec, context) => {
    for (const issue of parallelIssues(spec)) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .meta({ id: 'RunSpec' })
  .describe('A run: objective, optimizer, and the training settings around them.');

export type RunSpec = z.output<typeof runSpecSchema>;
export type RunSpecInput = z.input<typeof runSpecSchema>;

// The contract and the engine must agree: a parsed spec is what iterateRun takes.
const _specIsRunConfig = (spec: RunSpec): RunConfig => spec;
void _specIsRunConfig;
