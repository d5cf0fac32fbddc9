/**
 * The run loop. Every caller drives the same loop: the CLI and tests iterate over its records,
 * the worker calls `advance` in slices between which it saves checkpoints and reads cancel flags.
 *
 * One update t (1-based), in this order:
 *   1. the batch of step t is selected (data objectives);
 *   2. loss = f(θ) and g = ∇f at the optimizer's gradient point (θ, or Nesterov's look-ahead);
 *   3. divergence check (non-finite loss or gradient), early stopping / plateau on the loss;
 *   4. coupled weight decay g ← g + λθ (skipped for optimizers that decay decoupled),
 *   5. clipping (by value, then by global norm),
 *   6. gradient noise g ← g + N(0, η/(1+t)^γ),
 *   7. the optimizer step with the scheduled η_t;
 *   8. validation (every `validationEvery` updates and after the last), stopping rules, record.
 *
 * The hot path allocates nothing: records (and their parameter copies) are built only for
 * recorded steps.
 */
import type { Objective } from '../objectives/objective.ts';
import { isDataObjective, type DataObjective, type ObjectiveState } from '../objectives/objective.ts';
import { createObjective } from '../objectives/index.ts';
import {
  createOptimizer,
  optimizers,
  resolveOptimizerConfig,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerDefinition,
} from '../optimizers/index.ts';
import { createSchedule, scheduleMonitor, type Schedule } from '../schedules/index.ts';
import { Random } from '../random.ts';
import { allFinite, distance, norm } from '../vec.ts';
import { addGradientNoise, type GradientNoise } from './gradient-noise.ts';
import { clipGradient, type Clipping } from './clipping.ts';
import { applyWeightDecay } from './weight-decay.ts';
import { BestTracker, type EarlyStoppingView, type Monitor } from './early-stopping.ts';
import { DataBatches } from './data-batches.ts';
import { recordEvery, recordParams } from './record-settings.ts';
import { isObjectiveReference, type RunConfig } from './run-config.ts';
import { runCheckpointSchema, type RunCheckpoint } from './checkpoint.ts';
import type { StepRecord } from './step-record.ts';
import type { RunProgress, RunResult, StopReason } from './run-result.ts';

export interface IterateRunOptions {
  /** Continue from this checkpoint (taken by `run.checkpoint()` of a run of the same spec). */
  readonly checkpoint?: RunCheckpoint;
  /** Milliseconds from any origin; needed for time limits and deadlines (the core has no clock). */
  readonly clock?: () => number;
  /** The objective, already built (a stored one the caller resolved, or a dataset it loaded). */
  readonly objective?: Objective;
}

export interface AdvanceLimits {
  /** Make at most this many more updates in this call. */
  readonly maxSteps?: number;
  /** Return once the clock reads at least this (checked every few updates, never before the first). */
  readonly deadline?: number;
}

/** Seeds of the run's independent random streams, derived from `training.seed`. */
const noiseStream = 0x100000000;

/** How many updates to make between two clock readings, at most. */
const maximumClockInterval = 1 << 16;

function resolveLearningRate(config: OptimizerConfig): number {
  return (resolveOptimizerConfig(config) as { learningRate?: number }).learningRate ?? 1;
}

function coupledWeightDecay(config: OptimizerConfig): number {
  const definition: OptimizerDefinition = optimizers[config.name];
  if (definition.decoupledWeightDecay) return 0;
  return (config as { weightDecay?: number }).weightDecay ?? 0;
}

/** ‖g‖₂ computed as m·‖g/m‖₂ with m = max|g_i|, for gradients whose squares overflow. */
function scaledNorm(gradient: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < gradient.length; i++) largest = Math.max(largest, Math.abs(gradient[i]));
  let sum = 0;
  for (let i = 0; i < gradient.length; i++) sum += (gradient[i] / largest) ** 2;
  return largest * Math.sqrt(sum);
}

function describeValue(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export class Run implements Iterable<StepRecord> {
  readonly objective: Objective;
  readonly variables: readonly string[];
  readonly totalSteps: number;
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  private readonly params: Float64Array;
  private readonly previous: Float64Array;
  private readonly gradient: Float64Array;
  /** Where the gradient is taken: `params` itself, or a look-ahead buffer. */
  private readonly point: Float64Array;
  private readonly data: DataBatches | null;
  private readonly dataObjective: DataObjective | null;
  private readonly validating: boolean;
  private readonly validationEvery: number;
  private readonly every: number;
  private readonly withParams: boolean;
  private readonly noise: GradientNoise | null;
  private readonly noiseRandom: Random;
  private readonly clip: Clipping | null;
  private readonly weightDecay: number;
  private readonly tracker: BestTracker;
  private readonly bestParams: Float64Array | null;
  /** The objective's own state (batch-normalization statistics) at the best parameters. */
  private bestObjectiveState: ObjectiveState | null = null;
  private readonly scheduleListens: Monitor | null;
  private readonly lossBelow: number;
  private readonly gradNormBelow: number;
  private readonly timeLimitMilliseconds: number;
  private readonly epochLimited: boolean;

  private step = 0;
  private epoch = 0;
  private lastLoss: number | null = null;
  private lastLearningRate = 0;
  private lastGradNorm = 0;
  private lastRecordedStep = 0;
  private lastValidationStep = 0;
  private valLoss = NaN;
  private valAccuracy = NaN;
  private elapsedMilliseconds = 0;
  private clockInterval = 1;
  private cancelRequested = false;
  private finished: RunResult | null = null;
  /** The sentence of a divergence found inside an update. */
  private divergedAt = '';

  constructor(
    private readonly config: RunConfig,
    private readonly clock?: () => number,
    objective?: Objective,
  ) {
    if (objective === undefined) {
      if (isObjectiveReference(config.objective)) {
        throw new Error(`The objective {"id": "${config.objective.id}"} is stored: it must be resolved before the run starts.`);
      }
      objective = createObjective(config.objective);
    }
    this.objective = objective;
    this.variables = objective.variables;
    const dimension = objective.dimension;
    this.params = Float64Array.from(objective.initial);
    this.previous = new Float64Array(dimension);
    this.gradient = new Float64Array(dimension);
    this.optimizer = createOptimizer(dimension, config.optimizer);
    this.point = this.optimizer.gradientPoint ? new Float64Array(dimension) : this.params;

    const training = config.training;
    const dataObjective = isDataObjective(objective) ? objective : null;
    this.dataObjective = dataObjective;
    this.data = dataObjective ? new DataBatches(dataObjective, training.batchSize, training.shuffle, training.seed, training.curriculum) : null;
    const stepsPerEpoch = this.data ? this.data.batchesPerEpoch : 1;
    const epochSteps = training.epochs !== undefined ? training.epochs * stepsPerEpoch : Infinity;
    this.epochLimited = epochSteps < training.maxSteps;
    this.totalSteps = Math.min(training.maxSteps, epochSteps);

    this.every = recordEvery(config.record, training.maxSteps);
    this.withParams = recordParams(config.record, dimension);
    this.validating = dataObjective !== null && dataObjective.validationRows > 0;
    this.validationEvery = training.validationEvery ?? this.every;

    this.schedule = createSchedule(config.schedule, { baseLearningRate: resolveLearningRate(config.optimizer), totalSteps: this.totalSteps });
    const listens = scheduleMonitor(config.schedule);
    this.scheduleListens = listens === 'valLoss' && !this.validating ? 'loss' : listens;

    this.noise = config.gradientNoise && config.gradientNoise.variance > 0 ? config.gradientNoise : null;
    this.noiseRandom = new Random(training.seed + noiseStream);
    this.clip = config.clip && (config.clip.maxNorm !== undefined || config.clip.maxValue !== undefined) ? config.clip : null;
    this.weightDecay = coupledWeightDecay(config.optimizer);

    const early = config.earlyStopping;
    const monitor: Monitor = early?.monitor === 'valLoss' && this.validating ? 'valLoss' : 'loss';
    this.tracker = new BestTracker(early !== undefined, monitor, early?.patience ?? 0, early?.minDelta ?? 0);
    this.bestParams = early?.restoreBest ? new Float64Array(dimension) : null;

    this.lossBelow = config.stopWhen?.lossBelow ?? -Infinity;
    this.gradNormBelow = config.stopWhen?.gradNormBelow ?? -Infinity;
    this.timeLimitMilliseconds = training.timeLimitSeconds !== undefined ? training.timeLimitSeconds * 1000 : Infinity;
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
    const clock = this.clock;
    const deadline = limits.deadline ?? Infinity;
    if (deadline !== Infinity && !clock) throw new Error('advance({ deadline }) needs a clock (IterateRunOptions.clock).');
    const watchClock = clock !== undefined && (deadline !== Infinity || this.timeLimitMilliseconds !== Infinity);
    const stepLimit = limits.maxSteps !== undefined ? this.step + limits.maxSteps : Infinity;
    let lastReading = clock ? clock() : 0;
    let countdown = this.clockInterval;
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
        if (watchClock && --countdown <= 0) {
          const now = clock!();
          const interval = now - lastReading;
          this.elapsedMilliseconds += interval;
          lastReading = now;
          // Aim at one clock reading per millisecond or so, whatever a step costs.
          if (interval < 0.5) this.clockInterval = Math.min(this.clockInterval * 2, maximumClockInterval);
          else if (interval > 2) this.clockInterval = Math.max(1, this.clockInterval >> 1);
          countdown = this.clockInterval;
          if (this.elapsedMilliseconds >= this.timeLimitMilliseconds) {
            this.finish(records, 'time_limit', `Stopped at step ${this.step} by the time limit of ${this.timeLimitMilliseconds / 1000} s.`);
            break;
          }
          if (now >= deadline) break;
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.finish(records, 'error', `Update ${this.step + 1} failed: ${reason}`);
    }
    if (clock) this.elapsedMilliseconds += clock() - lastReading;
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

  /** One update. Returns why the run must stop after it, or null. */
  private stepOnce(records: StepRecord[]): StopReason | null {
    const t = this.step + 1;
    const params = this.params;
    const gradient = this.gradient;
    const objective = this.objective;
    this.epoch = this.data ? this.data.next(params) : t;
    const learningRate = this.schedule.learningRate(t);

    let loss: number;
    if (this.point !== params) {
      this.optimizer.gradientPoint!(params, this.point);
      loss = objective.value(params);
      objective.valueAndGradient(this.point, gradient);
    } else {
      loss = objective.valueAndGradient(params, gradient);
    }
    let gradNorm = norm(gradient);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      if (Number.isFinite(loss) && allFinite(gradient)) {
        gradNorm = scaledNorm(gradient);
      } else {
        this.divergedAt = this.describeDivergence(t, loss);
        return 'diverged';
      }
    }

    if (this.tracker.monitor === 'loss' && this.tracker.observe(t, loss) && this.bestParams) this.rememberBest(params);
    if (this.scheduleListens === 'loss') this.schedule.observe!(t, loss);

    if (this.weightDecay !== 0) applyWeightDecay(gradient, this.point, this.weightDecay);
    if (this.clip) clipGradient(gradient, this.clip);
    if (this.noise) addGradientNoise(gradient, t, this.noise, this.noiseRandom);

    const previous = this.previous;
    // A plain loop: TypedArray.set costs more than the copy itself on small vectors.
    for (let i = 0; i < params.length; i++) previous[i] = params[i];
    this.optimizer.step(params, gradient, learningRate, t);
    this.step = t;
    this.lastLoss = loss;
    this.lastLearningRate = learningRate;
    this.lastGradNorm = gradNorm;

    let stop: StopReason | null = null;
    if (this.validating && t % this.validationEvery === 0) this.validate(t);
    if (this.tracker.exhausted()) stop = 'early_stopping';
    else if (loss < this.lossBelow) stop = 'loss_target';
    else if (gradNorm < this.gradNormBelow) stop = 'grad_norm_target';
    else if (t >= this.totalSteps) stop = 'max_steps';
    if (stop === null && t % this.every !== 0) return null;
    if (stop !== null && this.validating && this.lastValidationStep !== t) this.validate(t);
    records.push(this.makeRecord());
    return stop;
  }


  /** Evaluates the validation set at the parameters after update t. */
  /** restoreBest: keeps the parameters, and the objective's state that goes with them. */
  private rememberBest(params: Float64Array): void {
    this.bestParams!.set(params);
    if (this.dataObjective?.getState) this.bestObjectiveState = this.dataObjective.getState();
  }

  private validate(t: number): void {
    const objective = this.dataObjective!;
    this.valLoss = objective.validationLoss(this.params);
    this.valAccuracy = objective.validationAccuracy ? objective.validationAccuracy(this.params) : NaN;
    this.lastValidationStep = t;
    if (this.tracker.monitor === 'valLoss' && this.tracker.observe(t, this.valLoss) && this.bestParams) this.rememberBest(this.params);
    if (this.scheduleListens === 'valLoss') this.schedule.observe!(t, this.valLoss);
  }

  /** The record of the last completed update. */
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

  private nonFiniteParameter(): number {
    const params = this.params;
    for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) return i;
    return -1;
  }

  private parameterName(i: number): string {
    return `${this.variables[i] ?? `#${i + 1}`} (parameter ${i + 1})`;
  }

  private describeDivergence(t: number, loss: number): string {
    const broken = this.nonFiniteParameter();
    if (broken >= 0) {
      return `Diverged: ${this.parameterName(broken)} became ${describeValue(this.params[broken])} at step ${t - 1}.`;
    }
    if (!Number.isFinite(loss)) return `Diverged at step ${t}: the loss is ${describeValue(loss)}.`;
    const gradient = this.gradient;
    for (let i = 0; i < gradient.length; i++) {
      if (!Number.isFinite(gradient[i])) {
        return `Diverged at step ${t}: the gradient with respect to ${this.parameterName(i)} is ${describeValue(gradient[i])}.`;
      }
    }
    return `Diverged at step ${t}.`;
  }

  private finish(records: StepRecord[], reason: StopReason, message: string | null): void {
    const t = this.step;
    if (reason !== 'diverged' && reason !== 'error') {
      const broken = this.nonFiniteParameter();
      if (broken >= 0) {
        reason = 'diverged';
        message = `Diverged: ${this.parameterName(broken)} became ${describeValue(this.params[broken])} at step ${t}.`;
      }
    }
    if (t > 0 && this.lastRecordedStep !== t && this.lastLoss !== null) {
      if (this.validating && this.lastValidationStep !== t) this.validate(t);
      records.push(this.makeRecord());
    }
    this.tracker.stopped = reason === 'early_stopping';
    if (this.bestParams && this.tracker.bestStep > 0) {
      this.params.set(this.bestParams);
      if (this.bestObjectiveState && this.dataObjective?.setState) this.dataObjective.setState(this.bestObjectiveState);
    }
    const view = this.tracker.view();
    this.finished = {
      stopReason: reason,
      message: message ?? this.describeStop(reason, t),
      finalLoss: this.lastLoss,
      bestLoss: view.best,
      bestStep: view.bestStep,
      steps: t,
      params: Array.from(this.params),
    };
  }

  private describeStop(reason: StopReason, t: number): string {
    const stopWhen = this.config.stopWhen;
    switch (reason) {
      case 'max_steps':
        return this.epochLimited
          ? `Completed ${this.config.training.epochs} epochs (${t} updates).`
          : `Reached maxSteps: ${t} updates.`;
      case 'early_stopping': {
        const view = this.tracker.view();
        return `Early stopping at step ${t}: ${view.monitor} did not improve for ${view.stepsSinceBest} updates (patience ${view.patience}); best ${view.best} at step ${view.bestStep}.`;
      }
      case 'loss_target':
        return `The loss ${this.lastLoss} fell below ${stopWhen?.lossBelow} at step ${t}.`;
      case 'grad_norm_target':
        return `The gradient norm ${this.lastGradNorm} fell below ${stopWhen?.gradNormBelow} at step ${t}.`;
      case 'diverged':
        return this.divergedAt;
      default:
        return `Stopped at step ${t} (${reason}).`;
    }
  }

  /** Everything needed to continue this run bit for bit (plain JSON). */
  checkpoint(): RunCheckpoint {
    return {
      version: 1,
      step: this.step,
      elapsedMilliseconds: this.elapsedMilliseconds,
      params: Array.from(this.params),
      optimizer: this.optimizer.getState(),
      schedule: this.schedule.getState(),
      noiseRandom: this.noiseRandom.getState() as RunCheckpoint['noiseRandom'],
      data: this.data ? (this.data.getState() as RunCheckpoint['data']) : null,
      objective: this.dataObjective?.getState ? this.dataObjective.getState() : null,
      tracker: this.tracker.getState(),
      bestParams: this.bestParams ? Array.from(this.bestParams) : null,
      bestObjective: this.bestObjectiveState,
      lastLoss: this.lastLoss,
      lastValidationStep: this.lastValidationStep,
    };
  }

  /** Restores a checkpoint of a run of the same spec. */
  restore(input: RunCheckpoint): void {
    const checkpoint = runCheckpointSchema.parse(input);
    if (checkpoint.params.length !== this.params.length) {
      throw new Error(`The checkpoint has ${checkpoint.params.length} parameters; the objective has ${this.params.length}.`);
    }
    this.step = checkpoint.step;
    this.elapsedMilliseconds = checkpoint.elapsedMilliseconds;
    this.params.set(checkpoint.params);
    this.optimizer.setState(checkpoint.optimizer);
    this.schedule.setState(checkpoint.schedule);
    this.noiseRandom.setState(checkpoint.noiseRandom);
    if (this.data && checkpoint.data) {
      this.data.setState(checkpoint.data);
      this.epoch = checkpoint.data.epoch;
    } else {
      this.epoch = checkpoint.step;
    }
    if (checkpoint.objective && this.dataObjective?.setState) this.dataObjective.setState(checkpoint.objective);
    this.tracker.setState(checkpoint.tracker);
    if (this.bestParams && checkpoint.bestParams) this.bestParams.set(checkpoint.bestParams);
    this.bestObjectiveState = checkpoint.bestObjective ?? null;
    this.lastLoss = checkpoint.lastLoss;
    this.lastRecordedStep = checkpoint.step;
    this.lastValidationStep = checkpoint.lastValidationStep;
  }
}

/** Starts (or, with `options.checkpoint`, resumes) a run of a parsed run spec. */
export function iterateRun(config: RunConfig, options: IterateRunOptions = {}): Run {
  const run = new Run(config, options.clock, options.objective);
  if (options.checkpoint) run.restore(options.checkpoint);
  return run;
}
