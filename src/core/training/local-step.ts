/**
 * One optimizer's update of one parameter vector, with everything written once around every
 * optimizer: update t (1-based, this vector's own count) takes
 *
 *   η_t from the schedule;  the loss f(θ) and g = ∇f at the optimizer's gradient point
 *   (θ, or Nesterov's look-ahead);  then g ← g + λ·point (coupled weight decay),
 *   clipping (by value, then by norm),  g ← g + N(0, η/(1+t)^γ) (gradient noise),
 *   and the optimizer's step with η_t.
 *
 * A single run owns one; a parallel run owns one per replica (each with its own counter, its
 * optimizer state, schedule and noise stream), so every transform behaves the same in both.
 */
import type { Objective } from '../objectives/objective.ts';
import {
  createOptimizer,
  optimizers,
  resolveOptimizerConfig,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerDefinition,
  type OptimizerState,
} from '../optimizers/index.ts';
import { createSchedule, scheduleMonitor, type Schedule, type ScheduleSpec, type ScheduleState } from '../schedules/index.ts';
import { Random, type RandomState } from '../random.ts';
import { addGradientNoise, type GradientNoise } from './gradient-noise.ts';
import { clipGradient, type Clipping } from './clipping.ts';
import { applyWeightDecay } from './weight-decay.ts';
import type { Monitor } from './early-stopping.ts';
import { allocateVector } from '../kernels/index.ts';

/** The settings of a run spec that shape each update. */
export interface LocalStepSettings {
  readonly optimizer: OptimizerConfig;
  readonly schedule?: ScheduleSpec;
  readonly gradientNoise?: GradientNoise;
  readonly clip?: Clipping;
}

export interface LocalStepOptions {
  /** Updates this vector will make at most (schedules defined over the whole run use it). */
  readonly totalSteps: number;
  /** Seed of the gradient-noise stream. */
  readonly noiseSeed: number;
  /** Whether the run evaluates a validation loss (a schedule watching valLoss falls back to loss without one). */
  readonly validating: boolean;
}

/** What a checkpoint keeps of a local step (its counter is the caller's to keep). */
export interface LocalStepState {
  readonly optimizer: OptimizerState;
  readonly schedule: ScheduleState;
  readonly noiseRandom: RandomState;
}

/** The offset between the run's seed and its gradient-noise stream's seed. */
export const noiseStream = 0x100000000;

export function baseLearningRate(config: OptimizerConfig): number {
  return (resolveOptimizerConfig(config) as { learningRate?: number }).learningRate ?? 1;
}

function coupledWeightDecay(config: OptimizerConfig): number {
  const definition: OptimizerDefinition = optimizers[config.name];
  if (definition.decoupledWeightDecay) return 0;
  return (config as { weightDecay?: number }).weightDecay ?? 0;
}

export class LocalStep {
  /** ∇f of the update in progress (after `evaluate`; transformed in place by `apply`). */
  readonly gradient: Float64Array;
  /** The update in progress (during it) or the last one made: 1-based, 0 before the first. */
  t = 0;
  /** η_t of the update in progress or the last one made. */
  learningRate = 0;
  /**
   * Whether ∇f reaches the optimizer as the objective gives it: taken at the parameters themselves,
   * with no weight decay, clipping or noise (a sparse gradient may then be applied as it is).
   */
  readonly plainGradient: boolean;
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  /** Where the gradient is taken: the parameters themselves, or a look-ahead buffer. */
  private point: Float64Array | null;
  private readonly listens: Monitor | null;
  private readonly noise: GradientNoise | null;
  private readonly noiseRandom: Random;
  private readonly clip: Clipping | null;
  private readonly weightDecay: number;

  constructor(dimension: number, settings: LocalStepSettings, options: LocalStepOptions) {
    this.gradient = allocateVector(dimension);
    this.optimizer = createOptimizer(dimension, settings.optimizer);
    this.point = this.optimizer.gradientPoint ? allocateVector(dimension) : null;
    this.schedule = createSchedule(settings.schedule, { baseLearningRate: baseLearningRate(settings.optimizer), totalSteps: options.totalSteps });
    const listens = scheduleMonitor(settings.schedule);
    this.listens = listens === 'valLoss' && !options.validating ? 'loss' : listens;
    this.noise = settings.gradientNoise && settings.gradientNoise.variance > 0 ? settings.gradientNoise : null;
    this.noiseRandom = new Random(options.noiseSeed);
    this.clip = settings.clip && (settings.clip.maxNorm !== undefined || settings.clip.maxValue !== undefined) ? settings.clip : null;
    this.weightDecay = coupledWeightDecay(settings.optimizer);
    this.plainGradient = this.point === null && this.weightDecay === 0 && this.clip === null && this.noise === null;
  }

  /** Starts update `t`: fixes η_t. */
  begin(t: number): void {
    this.t = t;
    this.learningRate = this.schedule.learningRate(t);
  }

  /** f(params), with ∇f at the optimizer's gradient point written into `gradient`. */
  evaluate(objective: Objective, params: Float64Array): number {
    const point = this.point;
    if (point === null) return objective.valueAndGradient(params, this.gradient);
    this.optimizer.gradientPoint!(params, point);
    const loss = objective.value(params);
    objective.valueAndGradient(point, this.gradient);
    return loss;
  }

  /** Feeds a monitored value to a schedule that listens to it (reduce on plateau). */
  observe(monitor: Monitor, value: number): void {
    if (this.listens === monitor) this.schedule.observe!(this.t, value);
  }

  /** Coupled weight decay at the gradient's point, clipping, then noise, on `gradient` in place. */
  transform(params: Float64Array): void {
    const gradient = this.gradient;
    if (this.weightDecay !== 0) applyWeightDecay(gradient, this.point ?? params, this.weightDecay);
    if (this.clip) clipGradient(gradient, this.clip);
    if (this.noise) addGradientNoise(gradient, this.t, this.noise, this.noiseRandom);
  }

  /** Transforms the gradient and makes update t on `params`. */
  apply(params: Float64Array): void {
    this.transform(params);
    this.optimizer.step(params, this.gradient, this.learningRate, this.t);
  }

  getState(): LocalStepState {
    return { optimizer: this.optimizer.getState(), schedule: this.schedule.getState(), noiseRandom: this.noiseRandom.getState() };
  }

  /** Restores a state saved after update `t`. */
  setState(state: LocalStepState, t: number): void {
    this.optimizer.setState(state.optimizer);
    this.schedule.setState(state.schedule);
    this.noiseRandom.setState(state.noiseRandom);
    this.t = t;
  }
}
