import type { z } from 'zod';

/** Which arithmetic an optimizer follows: the overview's equations, or torch.optim's. */
export type Flavor = 'paper' | 'pytorch';
export const flavors = ['paper', 'pytorch'] as const;

/** Serialisable optimizer state: named vectors and scalars, restored bit for bit. */
export type OptimizerState = Record<string, number[] | number>;

/**
 * One optimizer instance bound to a parameter vector of fixed length. `step` updates the
 * parameters in place from preallocated state, allocating nothing.
 */
export interface Optimizer {
  /**
   * Where update t's gradient must be taken, when that is not θ itself (Nesterov's look-ahead
   * in the paper flavor): writes that point into `out`. Absent: the gradient is taken at θ.
   */
  gradientPoint?(params: Float64Array, out: Float64Array): void;
  /** Applies update `t` (1-based) with learning rate `learningRate` to `params` in place. */
  step(params: Float64Array, gradient: Float64Array, learningRate: number, t: number): void;
  /** A deep copy of the state, as plain JSON. */
  getState(): OptimizerState;
  /** Restores a state produced by `getState` of an optimizer of the same kind and length. */
  setState(state: OptimizerState): void;
}

/**
 * Every hyperparameter with its value. The schemas leave them optional because the defaults
 * depend on the flavor (torch.optim's defaults differ from the overview's).
 */
export type Hyperparameters<Schema extends z.ZodObject> = Required<z.output<Schema>>;

/** An optimizer's registry entry: its math, its hyperparameters, and a factory. */
export interface OptimizerDefinition<Schema extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  /** One line for humans and for `GET /v1/optimizers`. */
  readonly description: string;
  /** Hyperparameters with bounds (`learningRate`, `beta1`, …); every field optional. */
  readonly hyperparameters: Schema;
  /** The value of every hyperparameter a configuration leaves out, per flavor. */
  readonly defaults: Readonly<Record<Flavor, Hyperparameters<Schema>>>;
  /**
   * Hyperparameters that exist only in torch's arithmetic (Adadelta's learning-rate
   * multiplier, AdaMax's ε, NAdam's momentum decay): setting one with flavor "paper" is an error.
   */
  readonly pytorchOnly?: readonly string[];
  /** True when the optimizer applies `weightDecay` itself, decoupled from the gradient (AdamW). */
  readonly decoupledWeightDecay?: boolean;
  create(dimension: number, hyperparameters: Hyperparameters<Schema>, flavor: Flavor): Optimizer;
}
