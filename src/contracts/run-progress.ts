/**
 * A running run's progress and early-stopping state: what the worker writes to the run row and
 * publishes as `progress` events, and what `GET /v1/runs/{id}` and the event stream show.
 */
import { z } from 'zod';

export const runProgressSchema = z
  .object({
    step: z.number().int().describe('Updates made so far.'),
    totalSteps: z.number().int().nullable().describe('Updates the run will make at most; null when only a time limit bounds it.'),
    epoch: z.number().int().nullable().describe('The current epoch over the training data (model objectives); null otherwise.'),
    fraction: z.number().nullable().describe('step / totalSteps, in [0, 1]; null without totalSteps.'),
    stepsPerSecond: z.number().nullable().describe('Recent speed, in updates per second.'),
    etaSeconds: z.number().nullable().describe('Seconds left at the recent speed; null without totalSteps.'),
  })
  .meta({ id: 'RunProgress', description: 'How far a run has got, written by its worker as it runs.' });

export type RunProgressView = z.output<typeof runProgressSchema>;

export const earlyStoppingStateSchema = z
  .object({
    enabled: z.boolean().describe('Whether the spec asked for early stopping.'),
    monitor: z.enum(['loss', 'valLoss']).nullable().describe('The metric watched for improvement.'),
    best: z
      .number()
      .nullable()
      .describe(
        "The best value of the monitored metric so far, over the updates' values as early stopping counts them: in a concurrent run, also the record of the updates its replicas made after a stop reached them, which may be past the best the rule saw when it fired. result.best counts the last parameters' value too, and so may be below it.",
      ),
    bestStep: z.number().int().nullable().describe('The step of that best value.'),
    patience: z.number().int().nullable().describe('Recorded evaluations without improvement allowed before stopping.'),
    stepsSinceBest: z.number().int().nullable().describe('Steps from the best value to the last record.'),
    stopped: z.boolean().describe('Whether early stopping has ended the run (the rule fired; the run\'s message says at which step, and when a concurrent run\'s last updates then reached a better value).'),
  })
  .meta({ id: 'EarlyStoppingState', description: 'Where early stopping stands: the monitored metric, its best value and the patience left.' });

export type EarlyStoppingStateView = z.output<typeof earlyStoppingStateSchema>;
