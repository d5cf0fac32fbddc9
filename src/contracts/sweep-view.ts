/**
 * What clients see of a sweep (`GET /v1/sweeps/{id}`) and of its trials (the leaderboard,
 * `GET /v1/sweeps/{id}/trials`). A trial is a run: its id is a run id, and everything that works
 * on a run works on it.
 */
import { z } from 'zod';
import { sweepSpecSchema } from './sweep-spec.ts';
import { runStatuses } from './run-status.ts';

export const sweepStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof sweepStatuses)[number];
export const sweepStatusSchema = z.enum(sweepStatuses).meta({ id: 'SweepStatus', description: 'Where a sweep stands: `queued`, `running`, then `completed`, `failed` or `cancelled`.' });
/** Statuses a sweep never leaves. */
export const finalSweepStatuses: readonly SweepStatus[] = ['completed', 'failed', 'cancelled'];
export const isFinalSweepStatus = (status: string): boolean => (finalSweepStatuses as readonly string[]).includes(status);

/** Why a sweep ended: one line per reason, with the status it ends in. */
export const sweepEndRegistry = {
  budget_exhausted: { status: 'completed', description: 'Every trial of the budget (maxTrials) finished.' },
  grid_exhausted: { status: 'completed', description: 'Every point of the grid finished.' },
  target_reached: { status: 'completed', description: 'A trial reached metric.target; the message names the best that did.' },
  time_limit: { status: 'completed', description: 'budget.timeLimitSeconds passed: no trial started after it.' },
  no_trial_finished: { status: 'failed', description: 'budget.timeLimitSeconds passed before any trial finished, and every trial was cancelled, so it has no best trial.' },
  no_best_trial: {
    status: 'failed',
    description: 'Its budget, grid or time limit was spent and no trial ran to its end with a finite value of metric.name (each completed or diverged without one, such as a valLoss never finite, was pruned, failed or was cancelled), so it has no best trial; the message counts its trials by status.',
  },
  too_many_failures: { status: 'failed', description: 'More trials failed than budget.maxFailedTrials, or, without it, 10 trials in a row; or every trial failed once its budget, grid or time limit was spent.' },
  coordination_failed: { status: 'failed', description: 'Its coordination failed round after round; the message names the last error. Its running trials were cancelled.' },
  refused_spec: { status: 'failed', description: 'Its stored spec fails a check that submissions have had since it was stored; the message names the field. It creates no more trials.' },
  trials_cancelled: { status: 'cancelled', description: 'A client cancelled every trial (POST /v1/runs/{id}/cancel) before it finished, until its budget or grid was spent, so it has no best trial.' },
  cancelled: { status: 'cancelled', description: 'A client cancelled the sweep; its running trials were cancelled.' },
} as const satisfies Record<string, { status: SweepStatus; description: string }>;

/** A client's cancel of a sweep, as its result says (the cancel's answer, and its example). */
export const cancelledByClient = { reason: 'cancelled', message: 'A client cancelled the sweep.' } as const;

export type SweepEndReason = keyof typeof sweepEndRegistry;
const sweepEndReasons = Object.keys(sweepEndRegistry) as [SweepEndReason, ...SweepEndReason[]];

const sweepResultSchema = z
  .object({
    reason: z.enum(sweepEndReasons).describe(sweepEndReasons.map((reason) => `\`${reason}\`: ${sweepEndRegistry[reason].description}`).join(' ')),
    message: z.string().describe('Why it ended, in a sentence.'),
  })
  .meta({
    id: 'SweepResult',
    description: 'Why a sweep ended. A sweep that ends while trials are queued or running (target_reached, too_many_failures, time_limit, refused_spec) starts no more trials, '
      + 'cancels its queued ones and stops its running ones, and ends once every trial has ended, deciding then from how they ended: '
      + 'a trial that completes before its cancel reaches it counts, and can be the best. '
      + 'It ends with the ending that stopped it, as its cancelled trials\' messages say, whatever else came to hold while it waited '
      + '(a trial that reached the target after a sweep stopped for too_many_failures is its best, and the sweep failed with too_many_failures; '
      + 'one stopped for refused_spec fails so though its time limit passed meanwhile; one stopped at its time limit may end no_trial_finished, no_best_trial or too_many_failures as its trials ended); '
      + 'several holding at once, it stops for the strongest: target_reached, too_many_failures, time_limit, refused_spec. A cancel (cancelled) ends it at once.',
  });

export type SweepResult = z.output<typeof sweepResultSchema>;

const parameterValuesSchema = z
  .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
  .describe('The trial\'s parameters, keyed by dotted path into the run spec.');

/** A trial is a run: its statuses are a run's. */
export const trialStatuses = runStatuses;

export const pruningSchema = z
  .object({
    rule: z.string().describe('The pruner: median or asha.'),
    step: z.number().int().describe('The step at which it was decided.'),
    value: z.number().nullable().describe("The value compared: the trial's best so far (median), its value at the rung (asha). The TPE sampler ranks pruned trials by their step and this value (where Optuna's uses the last intermediate value: the same for asha, the best so far for median); the trial's `value` is its value of the sweep's metric."),
    cutoff: z.number().nullable().describe('The value it had to beat.'),
    rung: z.number().int().nullable().describe('The rung of the decision (asha); null for median.'),
    rank: z.number().int().nullable().describe('1 = best among the trial and its competitors.'),
    competitors: z.number().int().describe('How many other trials it was compared with.'),
    message: z.string().describe('The decision in a sentence.'),
  })
  .meta({ id: 'Pruning', description: "Why a trial was pruned: the rule, the step, its value against the cutoff, its rank." });

export const trialViewSchema = z
  .object({
    runId: z.uuid().describe('The run the trial is.'),
    trialNumber: z.number().int().describe('Its number within the sweep, from 0.'),
    status: z.enum(trialStatuses).describe("The run's status."),
    value: z.number().nullable().describe("Its value of the sweep's metric (`metric.name`), for a pruned trial as for a finished one: finalLoss or best.value of its result (a pruned trial's as it stopped), or the best valLoss or valAccuracy of its recorded steps. Null while it runs, for a failed or cancelled trial, and when it has none (a diverged loss). What a pruner compared is `pruning.value`."),
    parameters: parameterValuesSchema,
    steps: z.number().int().nullable().describe('Updates made.'),
    stopReason: z.string().nullable().describe("The run's stopReason once it has ended."),
    message: z.string().nullable().describe('How it ended, in a sentence (for a pruned trial: why it was pruned).'),
    pruning: pruningSchema.nullable(),
    createdAt: z.iso.datetime().describe('When the sweep started it.'),
    finishedAt: z.iso.datetime().nullable().describe('When it ended; null while it runs.'),
  })
  .meta({ id: 'Trial', description: "A sweep's trial: a run with the parameters the sampler chose, and how it ended." });

export type TrialView = z.output<typeof trialViewSchema>;

const trialCountsSchema = z
  .object(Object.fromEntries(trialStatuses.map((status) => [status, z.number().int().describe(`Trials ${status}.`)])) as Record<(typeof trialStatuses)[number], z.ZodNumber>)
  .extend({ total: z.number().int().describe('Trials started.') })
  .meta({ id: 'TrialCounts', description: "A sweep's trials per status." });

export const sweepViewSchema = z
  .object({
    id: z.uuid().describe('The sweep id.'),
    name: z.string().nullable().describe("The spec's name, if it gave one."),
    status: sweepStatusSchema,
    createdAt: z.iso.datetime().describe('When it was submitted.'),
    startedAt: z.iso.datetime().nullable().describe('When its first round started trials; null while queued.'),
    finishedAt: z.iso.datetime().nullable().describe('When it ended; null until then.'),
    spec: sweepSpecSchema.describe('The spec as accepted, with every default and the sampler seed filled in.'),
    trials: trialCountsSchema.describe('Trials per status.'),
    best: z
      .object({
        runId: z.uuid().describe('The run of the best trial.'),
        trialNumber: z.number().int().describe('Its trial number.'),
        value: z.number().describe("Its value of the sweep's metric."),
        parameters: parameterValuesSchema,
      })
      .nullable()
      .describe(
        'The best trial so far: of its completed, early stopped and diverged trials, the one with the best finite value of the metric; null while none has one. '
        + 'A completed sweep has one, but for one stored before the failure rules, whose result\'s message then says it has none; one that failed with no_trial_finished or no_best_trial, '
        + 'or ended with trials_cancelled, has none; one cancelled, or failed for another reason, may have one or not, and its result does not say.',
      ),
    progress: z
      .object({
        trials: z.number().int().describe('Trials finished.'),
        maxTrials: z.number().int().describe('budget.maxTrials (the grid size for a grid sampler).'),
        fraction: z.number().describe('Finished trials over maxTrials.'),
        elapsedSeconds: z.number().nullable().describe('Seconds since it started; null while queued.'),
        timeLimitSeconds: z.number().nullable().describe('budget.timeLimitSeconds, if set.'),
      })
      .describe('How far along the budget it is.'),
    result: sweepResultSchema.nullable().describe('Why it ended; null while it runs, also while a sweep that is ending waits for the trials it stopped (its status is running until then).'),
  })
  .meta({ id: 'Sweep', description: 'A sweep: its spec as accepted, its trials per status, the best trial so far, its progress and, once ended, why.' });

export type SweepView = z.output<typeof sweepViewSchema>;
