/**
 * Adam (Kingma & Ba), overview eqs. (20)–(22):
 *
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   m̂ = m/(1 − β1^t);   v̂ = v/(1 − β2^t)
 *   θ ← θ − η·m̂/(√v̂ + ε)
 *
 * torch.optim.Adam computes the same quantities (its denominator √v/√(1 − β2^t) + ε is √v̂ + ε),
 * so both flavors share this kernel and torch's defaults equal the overview's:
 * η 0.001, β1 0.9, β2 0.999, ε 1e-8. AdamW is this class with a decoupled weight decay λ.
 */
import { z } from 'zod';
import type { Flavor, Optimizer, OptimizerDefinition } from './optimizer.ts';
import { decayRate, epsilon, learningRate } from './hyperparameters.ts';
import { AdaptiveMomentOptimizer, biasCorrection, type MomentHyperparameters } from './adaptive-moments.ts';

export const adamHyperparameters = z.strictObject({
  learningRate: learningRate(),
  beta1: decayRate('Decay β1 of the first-moment (mean) estimate'),
  beta2: decayRate('Decay β2 of the second-moment (uncentred variance) estimate'),
  epsilon: epsilon(),
});

const adamDefaults = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
export const adamFamilyDefaults = { paper: adamDefaults, pytorch: adamDefaults };

export class Adam extends AdaptiveMomentOptimizer {
  constructor(dimension: number, hyperparameters: MomentHyperparameters, private readonly weightDecay = 0) {
    super(dimension, hyperparameters);
  }

  protected prepare(eta: number, t: number): void {
    const first = biasCorrection(this.beta1, t);
    const second = biasCorrection(this.beta2, t);
    this.coefficients.momentScale = eta / first;
    this.coefficients.rootScale = 1 / Math.sqrt(second);
    // θ·(1 − η·λ) before the Adam step (AdamW); with λ = 0 the factor is exactly 1.
    this.coefficients.decay = 1 - eta * this.weightDecay;
  }
}

/** The registry entry of an optimizer with exactly Adam's hyperparameters and defaults (adam, amsgrad, radam). */
export function adamVariant(
  name: string,
  description: string,
  create: (dimension: number, hyperparameters: MomentHyperparameters, flavor: Flavor) => Optimizer,
): OptimizerDefinition<typeof adamHyperparameters> {
  return { name, description, hyperparameters: adamHyperparameters, defaults: adamFamilyDefaults, create };
}

export const adam = adamVariant(
  'adam',
  'Adam: bias-corrected running mean over the root of the running uncentred variance of the gradient.',
  (dimension, h) => new Adam(dimension, h),
);
