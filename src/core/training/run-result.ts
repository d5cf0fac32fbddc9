/**
 * How a run ended: a machine-readable reason plus a sentence for humans, and what the returned
 * parameters are worth. Every figure says one thing: `finalLoss`, `finalValLoss` and
 * `finalValAccuracy` are measured at `params` (the returned ones), once, when the run ends;
 * `best` is the best value of the monitored metric the run measured, with the metric named.
 *
 * An update's loss is measured before it, so the parameters the last update left are measured
 * only here, when the run ends: their value of the monitored metric is a candidate for `best` as
 * every earlier one is, and wins when it is lower than all of them (`minDelta` decides what
 * early stopping counts as progress, never that the best is worse than the last parameters).
 * `earlyStopping.restoreBest` then keeps the last parameters, and so never returns parameters
 * worse than them by the monitored metric.
 */
import type { DataObjective, Objective } from '../objectives/objective.ts';
import type { StopReason } from './stop-reasons.ts';
import type { ParallelReport } from '../parallel/report.ts';
import type { BestTracker, Monitor } from './early-stopping.ts';
import type { BestParams } from './best-params.ts';

/**
 * The best value of the monitored metric: `loss` (an update's training loss, before it) or
 * `valLoss`; or the value at the last parameters, measured when the run ended, at the last step.
 */
interface BestValue {
  readonly metric: Monitor;
  readonly value: number;
  readonly step: number;
}

export interface RunResult {
  readonly stopReason: StopReason;
  readonly message: string;
  /** Updates completed. */
  readonly steps: number;
  /** The returned parameters: the last ones, or the best ones when `restoredBest`. */
  readonly params: number[];
  /** The objective at `params` (for data objectives: over the whole training set, penalty included); null when not finite. */
  readonly finalLoss: number | null;
  /** The validation loss at `params`; null without a validation set. */
  readonly finalValLoss: number | null;
  /** The validation accuracy at `params`; null without a validation set or for a regression. */
  readonly finalValAccuracy: number | null;
  /** The best monitored value of the run, the last parameters' included; null when none was seen. */
  readonly best: BestValue | null;
  /** True when earlyStopping.restoreBest replaced the last parameters by the best ones. */
  readonly restoredBest: boolean;
  /** A parallel run's replicas, exchanges, staleness and throughput. */
  readonly parallel?: ParallelReport;
}

export interface RunProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  readonly fraction: number;
}

/** What a run's end is made of. */
export interface RunEnding {
  readonly stopReason: StopReason;
  readonly message: string;
  readonly steps: number;
  /** The last parameters; the best ones are written into them when those are returned instead. */
  readonly params: Float64Array;
  readonly objective: Objective;
  readonly dataObjective: DataObjective | null;
  readonly tracker: BestTracker;
  /** The parameters at the tracker's best (earlyStopping.restoreBest); null without restoreBest. */
  readonly bestParams: BestParams | null;
  readonly parallel?: ParallelReport;
}

/** A figure measured at the returned parameters; null when it is not finite or cannot be measured (a run that failed). */
function measure(evaluate: () => number): number | null {
  try {
    const value = evaluate();
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** The result of a run that ended: the best value, the last parameters' counted; the figures at its returned parameters, measured now. */
export function describeEnding(ending: RunEnding): RunResult {
  const { params, objective, dataObjective, tracker, bestParams } = ending;
  const trainingLoss = () => (dataObjective ? dataObjective.trainingLoss(params) : objective.value(params));
  const validationLoss = () => dataObjective!.validationLoss(params);
  const monitored = tracker.monitor === 'loss' ? trainingLoss : validationLoss;
  const lastValue = ending.steps > 0 && params.every(Number.isFinite) ? measure(monitored) : null;
  const view = tracker.view();
  const seen = view.best !== null && view.bestStep !== null ? { metric: tracker.monitor, value: view.best, step: view.bestStep } : null;
  const lastIsBest = lastValue !== null && (seen === null || lastValue < seen.value);
  const best = lastIsBest ? { metric: tracker.monitor, value: lastValue, step: ending.steps } : seen;
  const restoredBest = bestParams !== null && best !== null;
  const returnsLast = lastIsBest || (restoredBest && bestParams.params.every((value, i) => value === params[i]));
  const restored = restoredBest && !lastIsBest;
  if (restored) bestParams.restoreInto(params);

  let message = ending.message;
  if (restoredBest) {
    message += !returnsLast
      ? ` The parameters are the best ones (earlyStopping.restoreBest): those at which ${best.metric} was ${best.value} at step ${best.step}, not the last ones.`
      : lastIsBest
        ? ` The parameters are the best ones (earlyStopping.restoreBest), which are the last ones: ${best.metric} was ${best.value} at them when the run ended, below the updates' best.`
        : ` The parameters are the best ones (earlyStopping.restoreBest), which are the last ones: ${best.metric} was ${best.value} at step ${best.step}.`;
  } else if (lastIsBest && seen !== null && ending.stopReason === 'early_stopping') {
    // The rule's sentence names the updates' best; the last parameters went below it.
    message += ` At the last parameters, when the run ended, ${seen.metric} was ${lastValue}: below the updates' best.`;
  }
  const finite = params.every(Number.isFinite);
  const validating = finite && dataObjective !== null && dataObjective.validationRows > 0;
  // When the last parameters are the returned ones, their monitored value is measured already.
  const returnedValue = restored ? null : lastValue;
  const atReturned = (metric: Monitor, evaluate: () => number) => (returnedValue !== null && tracker.monitor === metric ? returnedValue : measure(evaluate));
  return {
    stopReason: ending.stopReason,
    message,
    steps: ending.steps,
    params: Array.from(params),
    finalLoss: finite ? atReturned('loss', trainingLoss) : null,
    finalValLoss: validating ? atReturned('valLoss', validationLoss) : null,
    finalValAccuracy: validating && dataObjective.validationAccuracy ? measure(() => dataObjective.validationAccuracy!(params)) : null,
    best,
    restoredBest,
    ...(ending.parallel ? { parallel: ending.parallel } : {}),
  };
}
