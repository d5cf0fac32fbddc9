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
    id: z.uuid().describe('The run id.'),
    status: runStatusSchema,
    createdAt: z.iso.datetime().describe('When it was submitted.'),
    updatedAt: z.iso.datetime().describe('When its row last changed (status, progress or result).'),
    startedAt: z.iso.datetime().nullable().describe('When a worker first started it; null while queued.'),
    finishedAt: z.iso.datetime().nullable().describe('When it reached a final status; null until then.'),
    sweepId: z.uuid().nullable().describe('The sweep it is a trial of; null for a run submitted by itself.'),
    trialNumber: z.number().int().nullable().describe("A sweep trial's number within its sweep, from 0."),
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).nullable()
      .describe("A sweep trial's parameters, keyed by dotted path into the spec."),
    attempts: z.number().int().describe('How many times a worker has started the run.'),
    /** The run spec as accepted, with defaults filled in. */
    spec: runSpecSchema,
    progress: runProgressSchema.nullable(),
    earlyStoppingState: earlyStoppingStateSchema.nullable(),
    earlyStopping: earlyStoppingStateSchema.nullable().meta({ deprecated: true })
      .describe('Deprecated, read `earlyStoppingState`: the same object under the name the spec gives its early-stopping settings. Kept for one version.'),
    result: runResultSchema.nullable(),
  })
  .meta({ id: 'Run', description: 'A run: its spec as accepted, its status, progress, early-stopping state and, once ended, its result.' });

export type RunView = z.output<typeof runViewSchema>;

/**
 * A run as `GET /v1/runs` lists it: its result without the parameters, which a run of millions
 * of them would make larger than a page can be written; `GET /v1/runs/{id}` has them.
 */
export const runListItemSchema = runViewSchema
  .extend({
    result: runResultSchema.omit({ params: true })
      .meta({ id: 'RunListResult', description: 'How a run ended, as a list gives it: the run\'s result without `params` (read the run for them).' })
      .nullable(),
  })
  .meta({ id: 'RunListItem', description: 'A run in a list: the run as `GET /v1/runs/{id}` answers it, its result without `params`.' });

export type RunListItem = z.output<typeof runListItemSchema>;

/** The list's form of a run's view: the same, its result without the parameters. */
export function toRunListItem(view: RunView): RunListItem {
  if (view.result === null) return view;
  const { params: _params, ...result } = view.result;
  return { ...view, result };
}
