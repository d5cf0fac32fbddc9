/**
 * How a run ended: a machine-readable reason plus a sentence for humans, and what the returned
 * parameters are worth. Every figure says one thing: `finalLoss`, `finalValLoss` and
 * `finalValAccuracy` are measured at `params` (the returned ones), once, when the run ends;
 * `best` is the best value of the monitored metric the run measured, with the metric named.
 *
 * An update's loss is measured before it, so the parameters the last update left are measured
 * only here, when the run ends: their value of the monitored metric is a candidate for `best` as
 * every earlier one is, and wins when it is not above any of them (`minDelta` decides what early
 * stopping counts as progress, never that the best is worse than the last parameters).
 *
 * An update's value is its batch's (a concurrent run's observed record: a sample's), with batch
 * normalization in training mode, and the end measures over the whole set in evaluation mode: so
 * `earlyStopping.restoreBest` measures the best update's parameters here too, as the last ones,
 * and returns whichever is lower, never parameters worse than the last ones. That measure is the
 * returned parameters' `finalLoss` or `finalValLoss`: the end evaluates the monitored metric twice
 * at most, once when the last parameters are the best or were validated already.
 */
import type { DataObjective, Objective } from '../objectives/objective.ts';
import type { StopReason } from './stop-reasons.ts';
import type { ParallelReport } from '../parallel/report.ts';
import type { BestTracker, Monitor } from './early-stopping.ts';
import type { BestParams } from './best-params.ts';
import { finiteOrNull } from './non-finite-entries.ts';

/**
 * The best value of the monitored metric: `loss` (an update's training loss, before it) or
 * `valLoss` (after update `step`); or, `atEnd`, the value at the last parameters, measured when
 * the run ended, at the last step.
 */
interface BestValue {
  readonly metric: Monitor;
  readonly value: number;
  readonly step: number;
  readonly atEnd: boolean;
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
  /** True when earlyStopping.restoreBest replaced the last parameters by the best update's ones (measured lower when the run ended). */
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
  /** The validation at `params` when the run validated them already (at its last step, nothing changed since); accuracy null without one. */
  readonly validation?: { readonly loss: number; readonly accuracy: number | null } | null;
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

/**
 * What describeEnding said of the returned parameters after the stop's sentence, kept beside the
 * result (not a field: results are stored as they are), so that a stop restated (a pruned trial,
 * a tenant's quota) keeps it.
 */
const parameterNotes = new WeakMap<RunResult, string>();

/** The result with another stop reason and sentence, what it says of its parameters kept. */
export function restated<Reason extends StopReason>(result: RunResult, stopReason: Reason, message: string): RunResult & { readonly stopReason: Reason } {
  return { ...result, stopReason, message: message + (parameterNotes.get(result) ?? '') };
}

/** The result of a run that ended: the best value, the last parameters' counted; the figures at its returned parameters, measured now. */
export function describeEnding(ending: RunEnding): RunResult {
  const { params, objective, dataObjective, tracker, bestParams } = ending;
  const metric = tracker.monitor;
  const trainingLoss = () => (dataObjective ? dataObjective.trainingLoss(params) : objective.value(params));
  const validationLoss = () => dataObjective!.validationLoss(params);
  const monitored = metric === 'loss' ? trainingLoss : validationLoss;
  // A run whose update failed midway has no last parameters to speak of: the updates' best stands.
  const measurable = ending.steps > 0 && ending.stopReason !== 'error' && params.every(Number.isFinite);
  const validated = measurable ? ending.validation ?? null : null;
  const lastValue = !measurable ? null : metric === 'valLoss' && validated ? finiteOrNull(validated.loss) : measure(monitored);
  const view = tracker.view();
  const seen = view.best !== null && view.bestStep !== null ? { metric, value: view.best, step: view.bestStep, atEnd: false } : null;
  const lastIsBest = lastValue !== null && (seen === null || lastValue <= seen.value);
  const best = lastIsBest ? { metric, value: lastValue, step: ending.steps, atEnd: true } : seen;

  // restoreBest: the best update's parameters, measured now as the last ones are (an update's own
  // value was measured on its batch), returned when they are lower; the last ones are kept else.
  let returned: 'last' | 'best' = 'last';
  let bestValue: number | null = null;
  let note = '';
  if (bestParams !== null && seen !== null && !lastIsBest) {
    const lastParams = Float64Array.from(params);
    const lastState = dataObjective?.getState?.() ?? null;
    bestParams.restoreInto(params);
    bestValue = measure(monitored);
    if (lastValue !== null && (bestValue === null || lastValue <= bestValue)) {
      params.set(lastParams);
      if (lastState) dataObjective!.setState!(lastState);
    } else {
      returned = 'best';
    }
  }
  if (bestParams !== null && best !== null) {
    const atEnd = (value: number | null) => (value === null ? 'not finite' : String(value));
    note = returned === 'best'
      ? ` The parameters are the best ones (earlyStopping.restoreBest): those at which ${metric} was ${seen!.value} at step ${seen!.step}, not the last ones`
        + (lastValue === null ? '.' : `; when the run ended, ${metric} was ${atEnd(bestValue)} at them, ${lastValue} at the last ones.`)
      : lastIsBest
        ? ` The parameters are the last ones, which are the best (earlyStopping.restoreBest): ${metric} was ${lastValue} at them when the run ended${seen !== null && lastValue < seen.value ? ", below the updates' best" : ''}.`
        : ` The parameters are the last ones (earlyStopping.restoreBest kept them): when the run ended, ${metric} was ${lastValue} at them, ${atEnd(bestValue)} at the best ones (those of step ${seen!.step}).`;
  } else if (lastIsBest && seen !== null && lastValue < seen.value && ending.stopReason === 'early_stopping') {
    // The rule's sentence names the updates' best; the last parameters went below it.
    note = ` At the last parameters, when the run ended, ${metric} was ${lastValue}: below the updates' best.`;
  }

  const finite = params.every(Number.isFinite);
  const validating = finite && dataObjective !== null && dataObjective.validationRows > 0;
  // The monitored value at the returned parameters is measured already, and so is the validation at the last ones.
  const returnedValue = returned === 'best' ? bestValue : lastValue;
  const returnedValidation = returned === 'last' ? validated : null;
  const at = (figure: Monitor, evaluate: () => number) => (metric === figure && (returned === 'best' || lastValue !== null) ? returnedValue : measure(evaluate));
  const result: RunResult = {
    stopReason: ending.stopReason,
    message: ending.message + note,
    steps: ending.steps,
    params: Array.from(params),
    finalLoss: finite ? at('loss', trainingLoss) : null,
    finalValLoss: !validating ? null : returnedValidation ? finiteOrNull(returnedValidation.loss) : at('valLoss', validationLoss),
    finalValAccuracy: !validating || !dataObjective.validationAccuracy
      ? null
      : returnedValidation?.accuracy !== undefined && returnedValidation.accuracy !== null ? finiteOrNull(returnedValidation.accuracy) : measure(() => dataObjective.validationAccuracy!(params)),
    best,
    restoredBest: returned === 'best',
    ...(ending.parallel ? { parallel: ending.parallel } : {}),
  };
  if (note) parameterNotes.set(result, note);
  return result;
}
