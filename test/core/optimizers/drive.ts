/** Driving an optimizer the way the training loop does, for the tests. */
import type { Optimizer } from '../../../src/core/optimizers/index.ts';

export interface Differentiable {
  gradient(params: Float64Array, out: Float64Array): void;
}

/**
 * One update t: the gradient is taken at the optimizer's `gradientPoint` when it has one (the
 * paper's Nesterov look-ahead), else at θ. `point` and `gradient` are scratch vectors.
 */
export function driveStep(
  optimizer: Optimizer,
  objective: Differentiable,
  params: Float64Array,
  learningRate: number,
  t: number,
  point: Float64Array,
  gradient: Float64Array,
): void {
  if (optimizer.gradientPoint) {
    optimizer.gradientPoint(params, point);
    objective.gradient(point, gradient);
  } else {
    objective.gradient(params, gradient);
  }
  optimizer.step(params, gradient, learningRate, t);
}
