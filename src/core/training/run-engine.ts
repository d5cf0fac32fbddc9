/**
 * The run loop. Every caller drives the same loop: the CLI and tests iterate over its records,
 * the worker calls `advance` in slices between which it saves checkpoints and reads cancel flags.
 *
 * One tick t (1-based), in this order:
 *   1. the trainer evaluates: the batch of tick t, the loss and gradient before the update
 *      (a non-finite loss or gradient ends the run as diverged);
 *   2. early stopping and a plateau schedule watching the loss see it;
 *   3. the trainer applies the update (weight decay, clipping, noise, the optimizer's step:
 *      local-step.ts);
 *   4. validation (every `validationEvery` ticks and after the last), stopping rules, record.
 *
 * The trainer decides what a tick does to which vectors (single-trainer.ts, or a parallel
 * algorithm's replicas); the engine records, validates and returns `trainer.params`.
 *
 * The hot path allocates nothing: records (and their parameter copies) are built only for
 * recorded steps.
 */
import type { DataObjective, Objective } from '../objectives/objective.ts';
import { distance } from '../vec.ts';
import { BestParams } from './best-params.ts';
import { encodeCheckpoint, restoreCheckpoint, type CheckpointParts, type RunCheckpoint } from './checkpoint.ts';
import { describeBrokenParameter, nonFiniteParameter } from './divergence.ts';
import { BestTracker, type EarlyStoppingView, type Monitor } from './early-stopping.ts';
import { recordEvery, recordParams } from './record-settings.ts';
import type { RunConfig } from './run-config.ts';
import { stepBudget } from './training-settings.ts';
import { describeEnding, type RunProgress, type RunResult } from './run-result.ts';
import type { StopReason } from './stop-reasons.ts';
import type { StepRecord } from './step-record.ts';
import { StopRules } from './stop-rules.ts';
import { TimeBudget } from './time-budget.ts';
import type { Trainer } from './trainer.ts';
import { allocateVector } from '../kernels/index.ts';
import { errorMessage } from '../error-message.ts';
import type { PruningDecision } from '../sweep/index.ts';

export interface AdvanceLimits {
  /** Make at most this many more updates in this call. */
  readonly maxSteps?: number;
  /** Return once the clock reads at least this (checked every few updates, never before the first). */
  readonly deadline?: number;
  /**
   * The call may store the run's last row alone (its tenant's metric-rows quota reached): a run
   * stopping ends in it, without the rows it has no room for, rather than leave them to a next call.
   */
  readonly lastRowOnly?: boolean;
}

/**
 * What the worker and the CLI drive: the core's RunEngine, or the coordinator of a run whose
 * replicas are real threads. `advance` makes progress until a limit and returns the new records.
 */
export interface RunLoop {
  readonly variables: readonly string[];
  readonly totalSteps: number;
  /** Every this many updates a record (record.every, else ⌈totalSteps / 10,000⌉), and the last one. */
  readonly recordEvery: number;
  readonly done: boolean;
  /** The result, once the run is done (null before). */
  readonly result: RunResult | null;
  readonly progress: RunProgress;
  readonly earlyStopping: EarlyStoppingView;
  /** The current parameters (a copy). */
  readonly currentParams: number[];
  /**
   * Asks the run to stop; `pruning` when a sweep's pruner stops the trial, `atQuota` when the
   * tenant's metric-rows quota does. A run that takes several calls to end after it (a concurrent
   * hogwild run taking its threads' rows) keeps either in its checkpoints, and a run resumed from
   * one gives it back as `pruning` or `atQuota`.
   */
  cancel(pruning?: PruningDecision, atQuota?: boolean): void;
  /** The pruner's decision the run is stopping by, when it keeps one (see `cancel`). */
  readonly pruning?: PruningDecision | null;
  /** Whether the run is stopping at its tenant's metric-rows quota, when it keeps that (see `cancel`). */
  readonly atQuota?: boolean;
  advance(limits?: AdvanceLimits): StepRecord[];
  checkpoint(): RunCheckpoint;
  /** Waits, until `deadline` at most, for what the next `advance` returns (a run whose replicas are queue jobs watches their server here). */
  settle?(deadline: number): Promise<void>;
  /** Releases what the run holds beyond memory (threads), when the caller gives up on it. */
  close?(): Promise<void>;
}

/** Ticks a run makes at most: its step budget (stepBudget), or fewer when `training.epochs` ends it sooner. */
export function totalTicks(config: Pick<RunConfig, 'training'>, ticksPerEpoch: number): number {
  const epochTicks = config.training.epochs !== undefined ? config.training.epochs * ticksPerEpoch : Infinity;
  return Math.min(stepBudget(config.training), epochTicks);
}

/** The epoch count when it, not the step budget, ends the run; else null. */
export function limitingEpochs(config: RunConfig, ticksPerEpoch: number): number | null {
  const epochs = config.training.epochs;
  return epochs !== undefined && epochs * ticksPerEpoch <= stepBudget(config.training) ? epochs : null;
}

export class RunEngine implements RunLoop, Iterable<StepRecord> {
  readonly variables: readonly string[];
  readonly totalSteps: number;
  readonly recordEvery: number;
  private readonly params: Float64Array;
  /** The parameters before the last completed tick (for updateNorm), and the buffer of the tick in progress. */
  private previous: Float64Array;
  private before: Float64Array;
  private readonly validating: boolean;
  private readonly validationEvery: number;
  private readonly withParams: boolean;
  private readonly tracker: BestTracker;
  private readonly best: BestParams | null;
  private readonly stopRules: StopRules;
  private readonly time: TimeBudget;
  /** training.timeLimitSeconds as given (its sentence names it so, not as milliseconds / 1000). */
  private readonly limitSeconds: number;
  private readonly parts: CheckpointParts;

  private step = 0;
  /** The epoch of the last completed tick (a tick that diverged drew its batch, perhaps of the next epoch, and made no update). */
  private epoch = 0;
  private lastLoss: number | null = null;
  private lastLearningRate = 0;
  private lastGradNorm = 0;
  private lastRecordedStep = 0;
  private lastValidationStep = 0;
  private valLoss = NaN;
  private valAccuracy = NaN;
  private cancelRequested = false;
  private finished: RunResult | null = null;
  /** The sentence of a divergence found inside a tick. */
  private divergence = '';

  constructor(
    readonly objective: Objective,
    private readonly dataObjective: DataObjective | null,
    private readonly trainer: Trainer,
    config: RunConfig,
    clock?: () => number,
  ) {
    this.variables = objective.variables;
    this.params = trainer.params;
    this.previous = allocateVector(objective.dimension);
    this.before = allocateVector(objective.dimension);
    const training = config.training;
    this.totalSteps = totalTicks(config, trainer.ticksPerEpoch);
    this.stopRules = new StopRules(config.stopWhen, this.totalSteps, limitingEpochs(config, trainer.ticksPerEpoch));
    this.limitSeconds = training.timeLimitSeconds ?? Infinity;
    this.time = new TimeBudget(clock, this.limitSeconds * 1000);

    this.recordEvery = recordEvery(config.record, this.totalSteps);
    this.withParams = recordParams(config.record, objective.dimension);
    this.validating = dataObjective !== null && dataObjective.validationRows > 0;
    this.validationEvery = training.validationEvery ?? this.recordEvery;

    const early = config.earlyStopping;
    const monitor: Monitor = early?.monitor === 'valLoss' && this.validating ? 'valLoss' : 'loss';
    this.tracker = new BestTracker(early !== undefined, monitor, early?.patience ?? 0, early?.minDelta ?? 0);
    this.best = early?.restoreBest ? new BestParams(objective.dimension, dataObjective) : null;
    this.parts = { trainer, tracker: this.tracker, best: this.best, dataObjective };
  }

  get done(): boolean {
    return this.finished !== null;
  }

  /** The result, once the run is done (null before). */
  get result(): RunResult | null {
    return this.finished;
  }

  get progress(): RunProgress {
    return { step: this.step, totalSteps: this.totalSteps, epoch: this.epoch, fraction: this.totalSteps > 0 ? this.step / this.totalSteps : 1 };
  }

  get earlyStopping(): EarlyStoppingView {
    return this.tracker.view();
  }

  /** The current parameters (a copy). */
  get currentParams(): number[] {
    return Array.from(this.params);
  }

  /** Asks the run to stop: the next `advance` ends it with stopReason 'cancelled'. */
  cancel(): void {
    this.cancelRequested = true;
  }

  /**
   * Makes updates until the run ends or a limit is reached; returns the records of the recorded
   * steps among them (the last completed step is always recorded when the run ends).
   */
  advance(limits: AdvanceLimits = {}): StepRecord[] {
    const records: StepRecord[] = [];
    if (this.finished) return records;
    this.time.begin(limits.deadline ?? Infinity);
    const stepLimit = limits.maxSteps !== undefined ? this.step + limits.maxSteps : Infinity;
    try {
      for (;;) {
        if (this.cancelRequested) {
          this.finish(records, 'cancelled', `Cancelled at step ${this.step}.`);
          break;
        }
        if (this.step >= stepLimit) break;
        const stop = this.stepOnce(records);
        if (stop !== null) {
          this.finish(records, stop, null);
          break;
        }
        const timeCheck = this.time.check();
        if (timeCheck === 'time_limit') {
          this.finish(records, 'time_limit', `Stopped at step ${this.step} by the time limit of ${this.limitSeconds} s.`);
          break;
        }
        if (timeCheck === 'deadline') break;
      }
    } catch (error) {
      const reason = errorMessage(error);
      this.finish(records, 'error', `Update ${this.step + 1} failed: ${reason}`);
    }
    this.time.end();
    return records;
  }

  /** Every record until the run ends. */
  *records(sliceSteps = 4096): Generator<StepRecord, RunResult, undefined> {
    while (!this.finished) yield* this.advance({ maxSteps: sliceSteps });
    return this.finished;
  }

  [Symbol.iterator](): Iterator<StepRecord> {
    return this.records();
  }

  /** Runs to the end and returns the result. */
  runToEnd(): RunResult {
    while (!this.finished) this.advance();
    return this.finished;
  }

  /** One tick. Returns why the run must stop after it, or null. */
  private stepOnce(records: StepRecord[]): StopReason | null {
    const t = this.step + 1;
    const trainer = this.trainer;
    const params = this.params;
    const before = this.before;
    // A plain loop: TypedArray.set costs more than the copy itself on small vectors.
    for (let i = 0; i < params.length; i++) before[i] = params[i];
    const divergence = trainer.evaluate(t);
    if (divergence !== null) {
      this.divergence = divergence;
      return 'diverged';
    }
    this.before = this.previous;
    this.previous = before;
    const loss = trainer.loss;
    if (this.tracker.monitor === 'loss' && this.tracker.observe(t, loss) && this.best) this.best.remember(params);
    trainer.observe('loss', loss);
    trainer.apply(t);
    this.step = t;
    this.epoch = trainer.epoch;
    this.lastLoss = loss;
    this.lastLearningRate = trainer.learningRate;
    this.lastGradNorm = trainer.gradNorm;

    if (this.validating && t % this.validationEvery === 0) this.validate(t);
    const stop = this.stopRules.after(t, loss, this.lastGradNorm, this.tracker);
    if (stop === null && t % this.recordEvery !== 0) return null;
    // The last tick's pending exchanges come before its record, and its validation after them.
    const changed = stop !== null && this.trainer.finish();
    if (stop !== null && this.validating && (changed || this.lastValidationStep !== t)) this.validate(t);
    records.push(this.makeRecord());
    return stop;
  }

  /** Evaluates the validation set at the parameters after tick t. */
  private validate(t: number): void {
    const objective = this.dataObjective!;
    this.valLoss = objective.validationLoss(this.params);
    this.valAccuracy = objective.validationAccuracy ? objective.validationAccuracy(this.params) : NaN;
    this.lastValidationStep = t;
    if (this.tracker.monitor === 'valLoss' && this.tracker.observe(t, this.valLoss) && this.best) this.best.remember(this.params);
    this.trainer.observe('valLoss', this.valLoss);
  }

  /** The record of the last completed tick. */
  private makeRecord(): StepRecord {
    const t = this.step;
    const record: StepRecord = {
      step: t,
      loss: this.lastLoss!,
      gradNorm: this.lastGradNorm,
      learningRate: this.lastLearningRate,
      updateNorm: distance(this.params, this.previous),
      epoch: this.epoch,
    };
    if (this.lastValidationStep === t) {
      record.valLoss = this.valLoss;
      if (!Number.isNaN(this.valAccuracy)) record.valAccuracy = this.valAccuracy;
    }
    if (this.withParams) record.params = Array.from(this.params);
    this.lastRecordedStep = t;
    return record;
  }

  private finish(records: StepRecord[], reason: StopReason, message: string | null): void {
    const t = this.step;
    // Pending exchanges of a parallel run belong to its last tick, and so to that tick's record.
    const changed = this.trainer.finish();
    // Whether the last validation is at the parameters returned as the last ones (a checkpoint keeps its step, not its figures).
    let validatedLast = !changed && this.lastValidationStep === t && !Number.isNaN(this.valLoss);
    if (changed && t > 0 && this.lastRecordedStep === t && records.at(-1)?.step === t) {
      records.pop();
      this.lastRecordedStep = 0;
      if (this.validating) this.validate(t);
      validatedLast = this.validating;
    }
    if (reason !== 'diverged' && reason !== 'error') {
      const broken = nonFiniteParameter(this.params);
      if (broken >= 0) {
        reason = 'diverged';
        message = describeBrokenParameter(this.variables, this.params, broken, t);
      }
    }
    if (t > 0 && this.lastRecordedStep !== t && this.lastLoss !== null) {
      if (this.validating && this.lastValidationStep !== t) {
        this.validate(t);
        validatedLast = true;
      }
      records.push(this.makeRecord());
    }
    this.tracker.stopped = reason === 'early_stopping';
    this.finished = describeEnding({
      stopReason: reason,
      message: message ?? this.stopRules.describe(reason, { t, loss: this.lastLoss, gradNorm: this.lastGradNorm, tracker: this.tracker, divergence: this.divergence }),
      steps: t,
      params: this.params,
      objective: this.objective,
      dataObjective: this.dataObjective,
      tracker: this.tracker,
      bestParams: this.best,
      validation: validatedLast && t > 0 ? { loss: this.valLoss, accuracy: Number.isNaN(this.valAccuracy) ? null : this.valAccuracy } : null,
      ...(this.trainer.report ? { parallel: this.trainer.report(this.time.elapsedSoFar()) } : {}),
    });
  }

  /** Everything needed to continue this run bit for bit (plain JSON). */
  checkpoint(): RunCheckpoint {
    return encodeCheckpoint(
      { step: this.step, elapsedMilliseconds: this.time.elapsedMilliseconds, lastLoss: this.lastLoss, lastValidationStep: this.lastValidationStep },
      this.parts,
    );
  }

  /** Restores a checkpoint of a run of the same spec. */
  restore(input: RunCheckpoint): void {
    const engine = restoreCheckpoint(input, this.parts);
    this.step = engine.step;
    this.epoch = this.trainer.epoch;
    this.time.elapsedMilliseconds = engine.elapsedMilliseconds;
    this.lastLoss = engine.lastLoss;
    this.lastRecordedStep = engine.step;
    this.lastValidationStep = engine.lastValidationStep;
  }
}
