/** The ordinary run: one optimizer (a local step) on one parameter vector, over all the data. */
import type { DataObjective, Objective } from '../objectives/objective.ts';
import type { SingleTrainerState, TrainerState } from './checkpoint.ts';
import { DataBatches } from './data-batches.ts';
import { describeDivergence, finiteGradientNorm } from './divergence.ts';
import type { Monitor } from './early-stopping.ts';
import { LocalStep, noiseStream } from './local-step.ts';
import type { RunConfig } from './run-config.ts';
import type { Trainer } from './trainer.ts';
import { copyToVector } from '../kernels/index.ts';

export class SingleTrainer implements Trainer {
  readonly params: Float64Array;
  readonly ticksPerEpoch: number;
  loss = NaN;
  gradNorm = 0;
  epoch = 0;
  private readonly local: LocalStep;
  private readonly data: DataBatches | null;

  constructor(
    private readonly objective: Objective,
    dataObjective: DataObjective | null,
    config: RunConfig,
    totalSteps: (ticksPerEpoch: number) => number,
  ) {
    const training = config.training;
    // θ lives where the SIMD kernels reach it (kernels/), for the whole run.
    this.params = copyToVector(objective.initial);
    this.data = dataObjective ? new DataBatches(dataObjective, training.batchSize, training.shuffle, training.seed, training.curriculum) : null;
    this.ticksPerEpoch = this.data ? this.data.batchesPerEpoch : 1;
    this.local = new LocalStep(objective.dimension, config, {
      totalSteps: totalSteps(this.ticksPerEpoch),
      noiseSeed: training.seed + noiseStream,
      validating: dataObjective !== null && dataObjective.validationRows > 0,
    });
  }

  get learningRate(): number {
    return this.local.learningRate;
  }

  evaluate(t: number): string | null {
    const params = this.params;
    this.epoch = this.data ? this.data.next(params) : t;
    this.local.begin(t);
    const loss = this.local.evaluate(this.objective, params);
    const gradNorm = finiteGradientNorm(loss, this.local.gradient);
    if (gradNorm === null) return describeDivergence(this.objective.variables, params, this.local.gradient, t, loss);
    this.loss = loss;
    this.gradNorm = gradNorm;
    return null;
  }

  observe(monitor: Monitor, value: number): void {
    this.local.observe(monitor, value);
  }

  apply(): void {
    this.local.apply(this.params);
  }

  finish(): boolean {
    return false;
  }

  getState(): SingleTrainerState {
    return {
      params: Array.from(this.params),
      ...this.local.getState(),
      data: this.data ? (this.data.getState() as SingleTrainerState['data']) : null,
    };
  }

  setState(input: TrainerState, step: number): void {
    if (!('optimizer' in input)) throw new Error('The checkpoint is of a parallel run; this run is not parallel.');
    const state = input;
    if (state.params.length !== this.params.length) {
      throw new Error(`The checkpoint has ${state.params.length} parameters; the objective has ${this.params.length}.`);
    }
    this.params.set(state.params);
    this.local.setState(state, step);
    if (this.data && state.data) {
      this.data.setState(state.data);
      this.epoch = state.data.epoch;
    } else {
      this.epoch = step;
    }
  }
}
