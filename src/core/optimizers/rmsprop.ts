/**
 * RMSprop (Hinton), overview eq. (10): Adagrad with a decaying average of squared gradients,
 *
 *   E[g²] ← ρ·E[g²] + (1 − ρ)·g²
 *   paper:    θ ← θ − η/√(E[g²] + ε)·g
 *   pytorch:  θ ← θ − η·g/(√E[g²] + ε)            (torch.optim.RMSprop, its `alpha` is our ρ)
 *
 * Defaults: paper η 0.001, ρ 0.9, ε 1e-8 (the overview's); pytorch η 0.01, ρ 0.99, ε 1e-8
 * (torch's).
 */
import { z } from 'zod';
import type { Flavor, OptimizerDefinition } from './optimizer.ts';
import { decayRate, epsilon, learningRate } from './hyperparameters.ts';
import { SquaredGradientScaling } from './squared-gradient-scaling.ts';

const hyperparameters = z.strictObject({
  learningRate: learningRate(),
  rho: decayRate('Decay ρ (the overview\'s γ) of the running average of squared gradients'),
  epsilon: epsilon(),
});

export const rmsprop: OptimizerDefinition<typeof hyperparameters> = {
  name: 'rmsprop',
  description: 'RMSprop: steps divided by the root of a decaying average of squared gradients.',
  hyperparameters,
  defaults: {
    paper: { learningRate: 0.001, rho: 0.9, epsilon: 1e-8 },
    pytorch: { learningRate: 0.01, rho: 0.99, epsilon: 1e-8 },
  },
  create(dimension: number, h, flavor: Flavor) {
    return new SquaredGradientScaling(dimension, h.rho, 1 - h.rho, h.epsilon, flavor);
  },
};
