/**
 * The kernel Adagrad and RMSprop share: scale each coordinate's step by the root of an
 * accumulator of squared gradients,
 *
 *   A ← keep·A + add·g²
 *   paper:    θ ← θ − η·g/√(A + ε)        (ε inside the root, overview eqs. (8) and (10))
 *   pytorch:  θ ← θ − η·g/(√A + ε)        (ε outside, torch.optim.Adagrad / RMSprop)
 *
 * Adagrad sums (keep = add = 1, exact in float64); RMSprop averages (keep = ρ, add = 1 − ρ).
 */
import type { Flavor, Optimizer, OptimizerState } from './optimizer.ts';
import { restoreVectors, saveState } from './state.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

export class SquaredGradientScaling implements Optimizer {
  private readonly squaredGradients: Float64Array;

  constructor(
    dimension: number,
    private readonly keep: number,
    private readonly add: number,
    private readonly epsilon: number,
    private readonly flavor: Flavor,
  ) {
    this.squaredGradients = allocateVector(dimension);
  }

  step(params: Float64Array, gradient: Float64Array, eta: number): void {
    const accumulator = this.squaredGradients;
    const { keep, add, epsilon } = this;
    const kernels = kernelsFor(params, gradient, accumulator);
    if (kernels) {
      const paper = this.flavor === 'paper' ? 1 : 0;
      kernels.squaredGradientScaling(params.byteOffset, gradient.byteOffset, accumulator.byteOffset, params.length, keep, add, eta, epsilon, paper);
      return;
    }
    if (this.flavor === 'paper') {
      for (let i = 0; i < params.length; i++) {
        const g = gradient[i];
        const a = keep * accumulator[i] + add * g * g;
        accumulator[i] = a;
        params[i] -= (eta * g) / Math.sqrt(a + epsilon);
      }
    } else {
      for (let i = 0; i < params.length; i++) {
        const g = gradient[i];
        const a = keep * accumulator[i] + add * g * g;
        accumulator[i] = a;
        params[i] -= (eta * g) / (Math.sqrt(a) + epsilon);
      }
    }
  }

  getState(): OptimizerState {
    return saveState({ squaredGradients: this.squaredGradients });
  }

  setState(state: OptimizerState): void {
    restoreVectors(state, { squaredGradients: this.squaredGradients });
  }
}
