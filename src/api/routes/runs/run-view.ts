/**
 * What clients see of a run (`GET /v1/runs/{id}` and friends). Progress, early-stopping state
 * and result are written by the worker; they are null until it has something to say.
 */
import { z } from 'zod';
import type { Run } from '../../../db/runs.ts';
import { runStatuses } from '../../../db/runs.ts';
import { runSpecSchema } from '../../../contracts/run-spec.ts';
import { pruningSchema } from '../../../contracts/sweep-view.ts';
import { parallelReportSchema } from '../../../contracts/parallel-report.ts';

export const runStatusSchema = z.enum(runStatuses).meta({ id: 'RunStatus' });

export const stopReasons = [
  'max_steps', 'early_stopping', 'loss_target', 'grad_norm_target', 'time_limit', 'pruned', 'diverged', 'cancelled', 'error',
] as const;

export const runProgressSchema = z
  .looseObject({
    step: z.number().int(),
    totalSteps: z.number().int().nullable(),
    epoch: z.number().int().nullable(),
    fraction: z.number().nullable(),
    stepsPerSecond: z.number().nullable(),
    etaSeconds: z.number().nullable(),
  })
  .meta({ id: 'RunProgress' });

export const earlyStoppingStateSchema = z
  .looseObject({
    enabled: z.boolean(),
    monitor: z.enum(['loss', 'valLoss']).nullable(),
    best: z.number().nullable(),
    bestStep: z.number().int().nullable(),
    patience: z.number().int().nullable(),
    stepsSinceBest: z.number().int().nullable(),
    stopped: z.boolean(),
  })
  .meta({ id: 'EarlyStoppingState' });

export const runResultSchema = z
  .looseObject({
    stopReason: z.enum(stopReasons),
    message: z.string().describe('The stop reason in a sentence for humans.'),
    finalLoss: z.number().nullable(),
    bestLoss: z.number().nullable(),
    bestStep: z.number().int().nullable(),
    steps: z.number().int(),
    params: z.array(z.number().nullable()).nullable().describe('Final parameters; an entry is null where it is not finite (a diverged run).'),
    pruning: pruningSchema.optional().describe("A pruned trial's reason: the rule, the step, its value against the cutoff, its rank among the competitors."),
    parallel: parallelReportSchema.optional().describe("A parallel run's replicas: steps, exchanges, staleness, distance to the center, throughput."),
  })
  .meta({ id: 'RunResult' });

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

const isoOrNull = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * Routes that answer with run views write them out with JSON.stringify. A view is built field
 * by field from the stored row (toRunView); validating it against runViewSchema once more on
 * every answer cost several times what writing it does. The schema still documents the
 * response (openapi.yaml), and the tests check the views against it.
 */
export const runViewSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

export function toRunView(run: Run): RunView {
  return {
    id: run.id,
    status: run.status,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
    sweepId: run.sweepId,
    trialNumber: run.trialNumber,
    parameters: run.parameters as RunView['parameters'],
    attempts: run.attempts,
    spec: run.spec as RunView['spec'],
    progress: run.progress as RunView['progress'],
    earlyStopping: run.earlyStopping as RunView['earlyStopping'],
    result: run.result as RunView['result'],
  };
}
