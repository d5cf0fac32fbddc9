/**
 * Adadelta (Zeiler), overview eqs. (11)–(14): no global learning rate; the step's units come
 * from a running average of past updates,
 *
 *   E[g²] ← ρ·E[g²] + (1 − ρ)·g²
 *   Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g               (E[Δ²] of the previous step)
 *   E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
 *   θ ← θ + η·Δ
 *
 * η is torch's learning-rate multiplier (torch.optim.Adadelta's `lr`, applied after E[Δ²] is
 * updated with the unscaled Δ). It may be set only in flavor pytorch; in flavor paper it is 1,
 * which leaves the overview's rule exact (a learning-rate schedule still scales the step).
 * Defaults: paper ρ 0.95, ε 1e-6; pytorch ρ 0.9, ε 1e-6, η 1 (torch's).
 */
import { z } from 'zod';
import type { Optimizer, OptimizerDefinition, OptimizerState } from './optimizer.ts';
import { decayRate, epsilon, learningRate } from './hyperparameters.ts';
import { restoreVectors, saveState } from './state.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

const hyperparameters = z.strictObject({
  rho: decayRate('Decay ρ of the running averages of squared gradients and squared updates'),
  epsilon: epsilon(),
  learningRate: learningRate('Multiplier η on the update (flavor pytorch only)'),
});

class Adadelta implements Optimizer {
  private readonly squaredGradients: Float64Array;
  private readonly squaredUpdates: Float64Array;

  constructor(dimension: number, private readonly rho: number, private readonly epsilon: number) {
    this.squaredGradients = allocateVector(dimension);
    this.squaredUpdates = allocateVector(dimension);
  }

  step(params: Float64Array, gradient: Float64Array, eta: number): void {
    const { squaredGradients, squaredUpdates, rho, epsilon } = this;
    const kernels = kernelsFor(params, gradient, squaredGradients, squaredUpdates);
    if (kernels) {
      kernels.adadelta(params.byteOffset, gradient.byteOffset, squaredGradients.byteOffset, squaredUpdates.byteOffset, params.length, rho, epsilon, eta);
      return;
    }
    const fresh = 1 - rho;
    for (let i = 0; i < params.length; i++) {
      const g = gradient[i];
      const meanSquare = rho * squaredGradients[i] + fresh * g * g;
      squaredGradients[i] = meanSquare;
      const delta = (Math.sqrt(squaredUpdates[i] + epsilon) / Math.sqrt(meanSquare + epsilon)) * g;
      squaredUpdates[i] = rho * squaredUpdates[i] + fresh * delta * delta;
      params[i] -= eta * delta;
    }
  }

  getState(): OptimizerState {
    return saveState({ squaredGradients: this.squaredGradients, squaredUpdates: this.squaredUpdates });
  }

  setState(state: OptimizerState): void {
    restoreVectors(state, { squaredGradients: this.squaredGradients, squaredUpdates: this.squaredUpdates });
  }
}

export const adadelta: OptimizerDefinition<typeof hyperparameters> = {
  name: 'adadelta',
  description: 'Adadelta: steps scaled by RMS[Δθ]/RMS[g], with no learning rate to tune.',
  hyperparameters,
  defaults: {
    paper: { rho: 0.95, epsilon: 1e-6, learningRate: 1 },
    pytorch: { rho: 0.9, epsilon: 1e-6, learningRate: 1 },
  },
  pytorchOnly: ['learningRate'],
  create: (dimension: number, h) => new Adadelta(dimension, h.rho, h.epsilon),
};
