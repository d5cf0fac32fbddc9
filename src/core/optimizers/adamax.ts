/**
 * AdaMax (Kingma & Ba), overview eqs. (24)–(25): Adam with the ℓ∞ norm in place of the ℓ2 one,
 *
 *   m ← β1·m + (1 − β1)·g
 *   paper:    u ← max(β2·u, |g|);       θ ← θ − (η/u)·m/(1 − β1^t)   (no step where u = 0)
 *   pytorch:  u ← max(β2·u, |g| + ε);   θ ← θ − η/(1 − β1^t)·m/u      (torch.optim.Adamax)
 *
 * Where u = 0 every gradient so far was 0, so m = 0 too: skipping the step avoids 0/0.
 * ε exists only in torch's rule. Defaults: η 0.002, β1 0.9, β2 0.999 in both; ε 1e-8.
 */
import { z } from 'zod';
import type { Flavor, Hyperparameters, Optimizer, OptimizerDefinition, OptimizerState } from './optimizer.ts';
import { decayRate, epsilon, learningRate } from './hyperparameters.ts';
import { biasCorrection } from './adaptive-moments.ts';
import { restoreVectors, saveState } from './state.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

const hyperparameters = z.strictObject({
  learningRate: learningRate(),
  beta1: decayRate('Decay β1 of the first-moment estimate'),
  beta2: decayRate('Decay β2 of the infinity-norm estimate'),
  epsilon: epsilon('Added to |g| inside the maximum (flavor pytorch only)'),
});

class Adamax implements Optimizer {
  private readonly firstMoment: Float64Array;
  private readonly infinityNorm: Float64Array;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(dimension: number, h: Hyperparameters<typeof hyperparameters>, private readonly flavor: Flavor) {
    this.firstMoment = allocateVector(dimension);
    this.infinityNorm = allocateVector(dimension);
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.epsilon = h.epsilon;
  }

  step(params: Float64Array, gradient: Float64Array, eta: number, t: number): void {
    const { firstMoment, infinityNorm, beta1, beta2 } = this;
    const stepSize = eta / biasCorrection(beta1, t);
    const kernels = kernelsFor(params, gradient, firstMoment, infinityNorm);
    if (kernels) {
      const paper = this.flavor === 'paper' ? 1 : 0;
      kernels.adamax(
        params.byteOffset, gradient.byteOffset, firstMoment.byteOffset, infinityNorm.byteOffset, params.length,
        beta1, beta2, stepSize, this.epsilon, paper,
      );
      return;
    }
    const fresh1 = 1 - beta1;
    if (this.flavor === 'paper') {
      for (let i = 0; i < params.length; i++) {
        const g = gradient[i];
        const m = beta1 * firstMoment[i] + fresh1 * g;
        const decayed = beta2 * infinityNorm[i];
        const magnitude = Math.abs(g);
        const u = decayed > magnitude ? decayed : magnitude;
        firstMoment[i] = m;
        infinityNorm[i] = u;
        if (u !== 0) params[i] -= (stepSize * m) / u;
      }
    } else {
      const epsilon = this.epsilon;
      for (let i = 0; i < params.length; i++) {
        const g = gradient[i];
        const m = beta1 * firstMoment[i] + fresh1 * g;
        const decayed = beta2 * infinityNorm[i];
        const magnitude = Math.abs(g) + epsilon;
        const u = decayed > magnitude ? decayed : magnitude;
        firstMoment[i] = m;
        infinityNorm[i] = u;
        params[i] -= (stepSize * m) / u;
      }
    }
  }

  getState(): OptimizerState {
    return saveState({ firstMoment: this.firstMoment, infinityNorm: this.infinityNorm });
  }

  setState(state: OptimizerState): void {
    restoreVectors(state, { firstMoment: this.firstMoment, infinityNorm: this.infinityNorm });
  }
}

const defaults = { learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export const adamax: OptimizerDefinition<typeof hyperparameters> = {
  name: 'adamax',
  description: 'AdaMax: Adam scaled by an exponentially weighted infinity norm of past gradients.',
  hyperparameters,
  defaults: { paper: defaults, pytorch: defaults },
  pytorchOnly: ['epsilon'],
  create: (dimension: number, h, flavor: Flavor) => new Adamax(dimension, h, flavor),
};
