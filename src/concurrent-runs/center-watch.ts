/**
 * What the coordinator of a concurrent run does with the parameters the replicas share (hogwild's
 * θ, the parameter server's x̃ or w): the run engine's work around ticks, without the ticks. A
 * step is recorded in one of two ways. `take`: with what the replica that made it measured (its
 * mini-batch's loss and gradient norm, η, its step's norm: a hogwild thread's recorded updates,
 * see ../hogwild/record-ring.ts), and the parameters after it. `observe`: at the first step count
 * the coordinator sees at or past a multiple of `record.every`, by evaluating the loss and
 * gradient at a copy of the parameters on a fixed sample of at most `sampleRows` training rows;
 * `updateNorm` is then the change since the previous record. Either validates at
 * `validationEvery`; the watch keeps early stopping, the best parameters and the stop rules, and
 * writes the result.
 */
import { Random } from '../core/random.ts';
import type { DataObjective, Objective } from '../core/objectives/index.ts';
import type { ParallelReport } from '../core/parallel/index.ts';
import { createSchedule, type Schedule } from '../core/schedules/index.ts';
import { BestParams } from '../core/training/best-params.ts';
import type { RunCheckpoint } from '../core/training/checkpoint.ts';
import { describeBrokenParameter } from '../core/training/divergence.ts';
import { BestTracker, type Monitor } from '../core/training/early-stopping.ts';
import { baseLearningRate } from '../core/training/local-step.ts';
import { recordEvery, recordParams } from '../core/training/record-settings.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import { limitingEpochs } from '../core/training/run-engine.ts';
import { describeEnding, type RunResult } from '../core/training/run-result.ts';
import type { RunStopping } from '../core/training/run-stopping.ts';
import type { StopReason } from '../core/training/stop-reasons.ts';
import type { StepRecord } from '../core/training/step-record.ts';
import { StopRules } from '../core/training/stop-rules.ts';
import { distance, norm } from '../core/vec.ts';
import { finiteOrNull, joinNonFinite, splitNonFinite } from '../core/training/non-finite-entries.ts';

/** Training rows the recorded loss is computed on, at most (a seeded sample, the same at every record). */
const sampleRows = 4096;

/**
 * What the replica that made a recorded update measured of it: its mini-batch's loss and its raw
 * gradient's norm at the parameters as it read them, η, and the norm of the step it wrote.
 */
export interface MeasuredStep {
  loss: number;
  gradNorm: number;
  learningRate: number;
  updateNorm: number;
  /** The parameters the loss was measured at, when the run keeps the best by it (else taken as those after the step). */
  measuredAt?: Float64Array | null;
}

/** The checkpoint fields of the watch. */
export type WatchState = Pick<RunCheckpoint, 'tracker' | 'bestParams' | 'lastLoss' | 'lastValidationStep'>;

export class CenterWatch {
  /** The step of the last record. */
  step = 0;
  lastLoss: number | null = null;
  readonly tracker: BestTracker;
  /** The parameters at the last record. */
  readonly snapshot: Float64Array;
  private readonly previous: Float64Array;
  private readonly gradient: Float64Array;
  private readonly sample: Int32Array | null;
  private readonly schedule: Schedule;
  private readonly best: BestParams | null;
  private readonly stopRules: StopRules;
  readonly recordEvery: number;
  private readonly validationEvery: number;
  private readonly withParams: boolean;
  private readonly validating: boolean;
  private lastRecordedStep = 0;
  private lastValidationStep = 0;
  private lastGradNorm = 0;
  /**
   * The record at which a stop rule fired: the run's sentence names it, not the later record of
   * the updates the replicas made before they stopped.
   */
  private stoppedAt: { t: number; loss: number; gradNorm: number; tracker: BestTracker } | null = null;
  private valLoss = NaN;
  private valAccuracy = NaN;

  constructor(
    config: RunConfig,
    private readonly objective: Objective,
    private readonly dataObjective: DataObjective | null,
    readonly totalSteps: number,
    private readonly ticksPerEpoch: number,
  ) {
    const training = config.training;
    const dimension = objective.dimension;
    this.snapshot = Float64Array.from(objective.initial);
    this.previous = Float64Array.from(objective.initial);
    this.gradient = new Float64Array(dimension);
    this.stopRules = new StopRules(config.stopWhen, totalSteps, limitingEpochs(config, ticksPerEpoch));
    this.schedule = createSchedule(config.schedule, { baseLearningRate: baseLearningRate(config.optimizer), totalSteps });
    this.recordEvery = recordEvery(config.record, totalSteps);
    this.withParams = recordParams(config.record, dimension);
    this.validating = dataObjective !== null && dataObjective.validationRows > 0;
    this.validationEvery = training.validationEvery ?? this.recordEvery;
    this.sample = dataObjective ? sampleOf(dataObjective.trainingRows, training.seed) : null;
    const early = config.earlyStopping;
    const monitor: Monitor = early?.monitor === 'valLoss' && this.validating ? 'valLoss' : 'loss';
    this.tracker = new BestTracker(early !== undefined, monitor, early?.patience ?? 0, early?.minDelta ?? 0);
    this.best = early?.restoreBest ? new BestParams(dimension, dataObjective) : null;
  }

  /** Whether `completed` steps call for a record. */
  due(completed: number): boolean {
    const last = this.lastRecordedStep;
    return completed > last && (completed >= last + this.recordEvery - (last % this.recordEvery) || completed >= this.totalSteps);
  }

  /** Whether steps were made since the last record. */
  pending(completed: number): boolean {
    return completed > this.lastRecordedStep;
  }

  /**
   * Records step `step` at (a copy of) `params`. Its loss goes to the best value (and the best
   * parameters) as every recorded value does; unless `observe` is false (the run is already
   * stopping), also to the stop rules. Returns the rule it triggers, if any.
   */
  observe(step: number, params: Float64Array, records: StepRecord[], observe = true): StopReason | null {
    this.previous.set(this.snapshot);
    this.snapshot.set(params);
    this.step = step;
    if (this.sample) this.dataObjective!.selectBatch(this.sample, this.sample.length);
    const loss = this.objective.valueAndGradient(this.snapshot, this.gradient);
    this.lastLoss = loss;
    this.lastGradNorm = norm(this.gradient);
    if (this.tracker.monitor === 'loss' && this.tracker.observe(step, loss) && this.best) this.best.remember(this.snapshot);
    if (this.validationDue(step)) this.validate(step);
    records.push(this.makeRecord(this.schedule.learningRate(step), distance(this.snapshot, this.previous)));
    return observe ? this.stopRule(step) : null;
  }

  /**
   * Records update `step` as the replica that made it measured it, with `params` the parameters
   * after it, validated when `validate` and validation is due. Its loss goes to the best value
   * (and the best parameters) as every recorded value does; unless `observe` is false (the run is
   * already stopping), also to the stop rules. Returns the rule it triggers, if any.
   */
  take(step: number, measured: MeasuredStep, params: Float64Array, records: StepRecord[], options: { validate: boolean; observe: boolean }): StopReason | null {
    this.snapshot.set(params);
    this.step = step;
    this.lastLoss = measured.loss;
    this.lastGradNorm = measured.gradNorm;
    if (this.tracker.monitor === 'loss' && this.tracker.observe(step, measured.loss) && this.best) this.best.remember(measured.measuredAt ?? this.snapshot);
    if (options.validate && this.validationDue(step)) this.validate(step);
    records.push(this.makeRecord(measured.learningRate, measured.updateNorm));
    return options.observe ? this.stopRule(step) : null;
  }

  /** The stop rule the record of `step` meets, if any (noted the first time one does). */
  private stopRule(step: number): StopReason | null {
    const stop = this.stopRules.after(step, this.lastLoss!, this.lastGradNorm, this.tracker);
    if (stop !== null && stop !== 'max_steps' && this.stoppedAt === null) {
      // Early stopping's sentence is the tracker's as it was then, not after the records that follow.
      this.setStopRuleState({ t: step, loss: this.lastLoss, gradNorm: this.lastGradNorm, tracker: this.tracker.getState() });
    }
    return stop;
  }

  private validationDue(step: number): boolean {
    return this.validating && (step >= this.lastValidationStep + this.validationEvery || step >= this.totalSteps);
  }

  private validate(step: number): void {
    const objective = this.dataObjective!;
    this.valLoss = objective.validationLoss(this.snapshot);
    this.valAccuracy = objective.validationAccuracy ? objective.validationAccuracy(this.snapshot) : NaN;
    this.lastValidationStep = step;
    if (this.tracker.monitor === 'valLoss' && this.tracker.observe(step, this.valLoss) && this.best) this.best.remember(this.snapshot);
  }

  private makeRecord(learningRate: number, updateNorm: number): StepRecord {
    const step = this.step;
    const record: StepRecord = { step, loss: this.lastLoss!, gradNorm: this.lastGradNorm, learningRate, updateNorm, epoch: Math.ceil(step / this.ticksPerEpoch) };
    if (this.lastValidationStep === step) {
      record.valLoss = this.valLoss;
      if (!Number.isNaN(this.valAccuracy)) record.valAccuracy = this.valAccuracy;
    }
    if (this.withParams) record.params = Array.from(this.snapshot);
    this.lastRecordedStep = step;
    return record;
  }

  /**
   * The run's result once its replicas have stopped at `completed` steps with `params`: the last
   * step recorded (taken as `last` measured it, when a replica measured it, else observed), a
   * non-finite parameter reported (`brokenIndex`: a replica's report of one, 0 none, < 0 a
   * non-finite loss), the best parameters restored.
   */
  finish(
    records: StepRecord[],
    ending: {
      completed: number;
      params: Float64Array;
      stopping: { reason: StopReason; message: string | null } | null;
      brokenIndex: number;
      limitSeconds: number;
      last?: { readonly step: number; readonly measured: MeasuredStep } | null;
    },
    variables: readonly string[],
    parallel: ParallelReport,
  ): RunResult {
    let reason = ending.stopping?.reason ?? 'max_steps';
    let message = ending.stopping?.message ?? null;
    const last = ending.last;
    // Whether the record taken now validated the parameters returned as the last ones.
    let validatedLast = false;
    if (last && last.step > this.lastRecordedStep) {
      const stop = this.take(last.step, last.measured, ending.params, records, { validate: true, observe: !ending.stopping });
      if (!ending.stopping && stop !== null) reason = stop;
      validatedLast = this.lastValidationStep === this.step;
    } else if (this.pending(ending.completed)) {
      const stop = this.observe(ending.completed, ending.params, records, !ending.stopping);
      if (!ending.stopping && stop !== null) reason = stop;
      validatedLast = this.lastValidationStep === this.step;
    } else {
      this.snapshot.set(ending.params);
    }
    const brokenIndex = ending.brokenIndex;
    if (brokenIndex > 0 || this.snapshot.some((value) => !Number.isFinite(value))) {
      const index = brokenIndex > 0 ? brokenIndex - 1 : this.snapshot.findIndex((value) => !Number.isFinite(value));
      reason = 'diverged';
      message = describeBrokenParameter(variables, this.snapshot, index, this.step);
    } else if (brokenIndex < 0) {
      reason = 'diverged';
      message = `Diverged after step ${this.step}: a replica's loss was not finite.`;
    }
    this.tracker.stopped = reason === 'early_stopping';
    message ??= reason === 'cancelled'
      ? `Cancelled at step ${this.step}.`
      : reason === 'time_limit'
        ? `Stopped at step ${this.step} by the time limit of ${ending.limitSeconds} s.`
        : this.stopRules.describe(reason, { t: this.step, loss: this.lastLoss, gradNorm: this.lastGradNorm, tracker: this.tracker, ...this.stoppedAt, end: this.step, divergence: '' });
    // Early stopping's sentence names the best as it was when the rule fired; the records of the
    // updates made before the stop reached the replicas count in the best too.
    const best = this.tracker.view();
    if (reason === 'early_stopping' && this.stoppedAt && best.bestStep !== null && best.bestStep > this.stoppedAt.t) {
      message += ` The replicas' last updates after the stop reached a better ${best.monitor}: ${best.best} at step ${best.bestStep}.`;
    }
    return describeEnding({
      stopReason: reason,
      message,
      steps: this.step,
      params: Float64Array.from(this.snapshot),
      objective: this.objective,
      dataObjective: this.dataObjective,
      tracker: this.tracker,
      bestParams: this.best,
      validation: validatedLast ? { loss: this.valLoss, accuracy: Number.isNaN(this.valAccuracy) ? null : this.valAccuracy } : null,
      parallel,
    });
  }

  /**
   * The stop rule the last record restored (setState) meets, noted as the one that fired; null
   * when none does. A coordinator stops observing once it stops the run, so this is the rule an
   * earlier coordinator stopped it for, when its checkpoint (of a release that did not keep why)
   * says only that it stopped. The gradient norm is not kept: its target is not found again.
   */
  standingRule(): StopReason | null {
    if (this.lastLoss === null) return null;
    const t = this.tracker.lastStep > 0 ? this.tracker.lastStep : this.step;
    const stop = this.stopRules.after(t, this.lastLoss, NaN, this.tracker);
    if (stop === null || stop === 'max_steps') return null;
    this.setStopRuleState({ t, loss: finiteOrNull(this.lastLoss), gradNorm: null, tracker: this.tracker.getState() });
    return stop;
  }

  /** The record at which a stop rule fired, as a stopping run's checkpoint keeps it (run-stopping.ts); null when none did. */
  stopRuleState(): RunStopping['rule'] {
    const at = this.stoppedAt;
    return at && { t: at.t, loss: finiteOrNull(at.loss), gradNorm: finiteOrNull(at.gradNorm), tracker: at.tracker.getState() };
  }

  /** Restores what `stopRuleState` gave. */
  setStopRuleState(rule: RunStopping['rule']): void {
    if (rule === null) return;
    const { enabled, monitor, patience, minDelta } = this.tracker;
    const tracker = new BestTracker(enabled, monitor, patience, minDelta);
    tracker.setState(rule.tracker);
    this.stoppedAt = { t: rule.t, loss: rule.loss ?? NaN, gradNorm: rule.gradNorm ?? NaN, tracker };
  }

  /** The last row's step and the parameters then, as a stopping run's checkpoint keeps them (run-stopping.ts). */
  lastRowState(): NonNullable<RunStopping['lastRow']> {
    const { finite, nonFinite } = splitNonFinite(this.snapshot);
    return { step: this.lastRecordedStep, params: finite, ...(nonFinite ? { nonFinite } : {}) };
  }

  /** Restores what `lastRowState` gave (after `setState`, whose step counts the steps made since). */
  setLastRowState(row: RunStopping['lastRow']): void {
    if (row === undefined) return;
    if (row.params.length !== this.snapshot.length) throw new Error(`The checkpoint's last row has ${row.params.length} parameters; the objective has ${this.snapshot.length}.`);
    this.snapshot.set(row.params);
    joinNonFinite(this.snapshot, row.nonFinite);
    this.step = row.step;
    this.lastRecordedStep = row.step;
  }

  getState(): WatchState {
    return { tracker: this.tracker.getState(), bestParams: this.best ? Array.from(this.best.params) : null, lastLoss: this.lastLoss, lastValidationStep: this.lastValidationStep };
  }

  /** Restores the watch at `step` with the parameters of that checkpoint. */
  setState(state: WatchState, step: number, params: ArrayLike<number>): void {
    this.snapshot.set(params);
    this.step = step;
    this.lastRecordedStep = step;
    this.tracker.setState(state.tracker);
    if (this.best && state.bestParams) this.best.params.set(state.bestParams);
    this.lastLoss = state.lastLoss;
    this.lastValidationStep = state.lastValidationStep;
  }
}

/** A seeded sample of at most `sampleRows` training rows, in row order. */
function sampleOf(rows: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  if (rows <= sampleRows) return order;
  new Random(seed + 0x200000000).shuffle(order);
  return order.subarray(0, sampleRows).sort();
}
