/** How a run ended, as clients see it: `result` of a run view and of a final `status` event. */
import { z } from 'zod';
import { stopReasonRegistry, stopReasons, type StopReason } from '../core/training/index.ts';
import { pruningSchema } from './sweep-view.ts';
import { parallelReportSchema } from './parallel-report.ts';

export const stopReasonSchema = z
  .enum(stopReasons)
  .meta({ id: 'StopReason', description: stopReasons.map((reason) => `\`${reason}\`: ${stopReasonRegistry[reason].description}`).join(' ') });

export const runResultSchema = z
  .object({
    stopReason: stopReasonSchema,
    message: z.string().describe('The stop reason in a sentence for humans; with earlyStopping.restoreBest, then which parameters it returned and why.'),
    steps: z.number().int().describe('Updates completed.'),
    params: z.array(z.number().nullable()).nullable()
      .describe("The returned parameters: the last ones, or the best update's when restoredBest; an entry is null where it is not finite (a diverged run). Null when the run never started."),
    finalLoss: z.number().nullable()
      .describe('The objective at `params`, measured when the run ended: for a model, over the whole training set (L2 penalty included, batch normalization in evaluation mode). Null when not finite or not measured.'),
    finalValLoss: z.number().nullable().describe('The validation loss at `params` (null without a validation set).'),
    finalValAccuracy: z.number().nullable().describe('The validation accuracy at `params` (null without a validation set, or for a regression).'),
    best: z
      .object({
        metric: z.enum(['loss', 'valLoss']).describe("The monitored metric: `loss` (an update's training loss, on its batch, before the update) or `valLoss`."),
        value: z.number().describe("Its lowest value the run measured, the last parameters' included."),
        step: z.number().int().describe('The step of that value: `loss` measured before update `step`, `valLoss` after it; `steps` when atEnd.'),
        atEnd: z.boolean().optional().describe("True when `value` is the last parameters' (those the last update left), measured when the run ended as finalLoss or finalValLoss are; false when it is an update's. Absent from results stored before it was kept (their value is an update's)."),
      })
      .nullable()
      .describe(
        'The best value of the monitored metric (earlyStopping.monitor; the training loss without early stopping or without a validation set): '
        + "the lowest the run measured, as early stopping counts it. An update's value counts when it is below the best so far by more than minDelta; "
        + "when the run ends, the last parameters' value counts when it is not above the best at all (atEnd). So best.value is never above the last "
        + "parameters' value; earlyStopping.best, the updates' best alone, may be. Null when the run made no update.",
      ),
    restoredBest: z.boolean().describe(
      "True when earlyStopping.restoreBest replaced the last parameters by the best update's (those of best.step). An update's value is its batch's "
      + "(a concurrent run's observed record: a sample of the training rows'; with batch normalization, in training mode), so when the run ends "
      + 'restoreBest measures the best update\'s parameters as the last ones are (finalLoss, finalValLoss) and returns the lower, the last ones on a tie: '
      + 'never parameters worse than the last ones by that measure. False when it kept the last ones: they are the best (best.atEnd), or they measured '
      + 'no higher; the message says which, with both values.',
    ),
    pruning: pruningSchema.optional().describe("A pruned trial's reason: the rule, the step, its value against the cutoff, its rank among the competitors."),
    parallel: parallelReportSchema.optional().describe("A parallel run's replicas: steps, exchanges, staleness, distance to the center, throughput."),
  })
  .meta({ id: 'RunResult', description: 'How a run ended: why, after how many updates, with which parameters and figures.' });

export type RunResultView = z.output<typeof runResultSchema>;

/** The result of a run that ended with no parameters to show (cancelled before it started, failed in a worker). */
export function resultWithoutParams(stopReason: StopReason, message: string, steps = 0): RunResultView {
  return { stopReason, message, steps, params: null, finalLoss: null, finalValLoss: null, finalValAccuracy: null, best: null, restoredBest: false };
}

/**
 * The result of a sweep's trial cancelled before it started, saying `why` ("its sweep was
 * cancelled"): by the sweep's own stop, a client's cancel of the sweep, its coordination failing;
 * in the service and in `descent sweep` alike.
 */
export function cancelledBeforeStart(why: string): RunResultView {
  return resultWithoutParams('cancelled', `Cancelled before it started: ${why}.`);
}
