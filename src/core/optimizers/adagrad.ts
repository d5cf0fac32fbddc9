/**
 * Adagrad, overview eq. (8): a per-coordinate learning rate from the sum of squared gradients,
 *
 *   G ← G + g²
 *   paper:    θ ← θ − η/√(G + ε)·g
 *   pytorch:  θ ← θ − η·g/(√G + ε)
 *
 * Defaults: η 0.01 in both flavors; ε 1e-8 (paper, inside the root), 1e-10 (torch's default).
 */
import { z } from 'zod';
import type { Flavor, OptimizerDefinition } from './optimizer.ts';
import { epsilon, learningRate } from './hyperparameters.ts';
import { SquaredGradientScaling } from './squared-gradient-scaling.ts';

const hyperparameters = z.strictObject({
  learningRate: learningRate(),
  epsilon: epsilon(),
});

export const adagrad: OptimizerDefinition<typeof hyperparameters> = {
  name: 'adagrad',
  description: 'Adagrad: per-coordinate steps η/√(Σg² + ε), large for rare features, small for frequent ones.',
  hyperparameters,
  defaults: {
    paper: { learningRate: 0.01, epsilon: 1e-8 },
    pytorch: { learningRate: 0.01, epsilon: 1e-10 },
  },
  create(dimension: number, h, flavor: Flavor) {
    return new SquaredGradientScaling(dimension, 1, 1, h.epsilon, flavor);
  },
};
