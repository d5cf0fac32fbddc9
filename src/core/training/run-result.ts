/**
 * How a run ended: a machine-readable reason plus a sentence for humans, and what the returned
 * parameters are worth. Every figure says one thing: `finalLoss`, `finalValLoss` and
 * `finalValAccuracy` are measured at `params` (the returned ones), once, when the run ends;
 * `best` is the best value of the monitored metric seen during the run, with the metric named.
 */
import type { DataObjective, Objective } from '../objectives/objective.ts';
import type { StopReason } from './stop-reasons.ts';
import type { ParallelReport } from '../parallel/report.ts';
import type { BestTracker, Monitor } from './early-stopping.ts';

/** The best value of the monitored metric: `loss` (an update's training loss, before it) or `valLoss`. */
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
  /** The best monitored value of the run; null when none was seen. */
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

/** What a run's end is made of; `params` are the returned ones (restored already when `restoredBest`). */
export interface RunEnding {
  readonly stopReason: StopReason;
  readonly message: string;
  readonly steps: number;
  readonly params: Float64Array;
  readonly objective: Objective;
  readonly dataObjective: DataObjective | null;
  readonly tracker: BestTracker;
  readonly restoredBest: boolean;
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

/** The result of a run that ended: the figures at its returned parameters, measured now. */
export function describeEnding(ending: RunEnding): RunResult {
  const { params, objective, dataObjective, tracker } = ending;
  const finite = params.every(Number.isFinite);
  const validating = finite && dataObjective !== null && dataObjective.validationRows > 0;
  const view = tracker.view();
  const best = view.best !== null && view.bestStep !== null ? { metric: tracker.monitor, value: view.best, step: view.bestStep } : null;
  let message = ending.message;
  if (ending.restoredBest && best) {
    message += best.step === ending.steps
      ? ` The parameters are the best ones (earlyStopping.restoreBest), which are the last ones: ${best.metric} was ${best.value} at step ${best.step}.`
      : ` The parameters are the best ones (earlyStopping.restoreBest): those at which ${best.metric} was ${best.value} at step ${best.step}, not the last ones.`;
  }
  return {
    stopReason: ending.stopReason,
    message,
    steps: ending.steps,
    params: Array.from(params),
    finalLoss: finite ? measure(() => (dataObjective ? dataObjective.trainingLoss(params) : objective.value(params))) : null,
    finalValLoss: validating ? measure(() => dataObjective.validationLoss(params)) : null,
    finalValAccuracy: validating && dataObjective.validationAccuracy ? measure(() => dataObjective.validationAccuracy!(params)) : null,
    best,
    restoredBest: ending.restoredBest,
    ...(ending.parallel ? { parallel: ending.parallel } : {}),
  };
}
