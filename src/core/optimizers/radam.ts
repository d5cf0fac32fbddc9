/**
 * RAdam (Liu et al., "On the variance of the adaptive learning rate and beyond"): Adam whose
 * adaptive step is rectified by the variance of the adaptive learning rate,
 *
 *   m, v, m̂, v̂ as Adam;   ρ∞ = 2/(1 − β2) − 1;   ρ_t = ρ∞ − 2t·β2^t/(1 − β2^t)
 *   r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
 *   tractable:  θ ← θ − η·r_t·m̂/(√v̂ + ε)        paper (ρ_t > 4, the paper's Algorithm 2)
 *               θ ← θ − η·r_t·m̂·√(1 − β2^t)/(√v + ε)   pytorch (ρ_t > 5, torch.optim.RAdam)
 *   otherwise:  θ ← θ − η·m̂                      (un-adapted, SGD with momentum)
 *
 * The paper's algorithm has no ε; flavor paper adds it as Adam does, so a coordinate whose
 * gradient has always been zero stays put. Defaults: as Adam in both flavors.
 */
import type { Flavor } from './optimizer.ts';
import { AdaptiveMomentOptimizer, biasCorrection, type MomentHyperparameters } from './adaptive-moments.ts';
import { adamVariant } from './adam.ts';

class Radam extends AdaptiveMomentOptimizer {
  private readonly rhoInfinity: number;
  private readonly tractableAbove: number;

  constructor(dimension: number, hyperparameters: MomentHyperparameters, private readonly flavor: Flavor) {
    super(dimension, hyperparameters);
    this.rhoInfinity = 2 / (1 - this.beta2) - 1;
    this.tractableAbove = flavor === 'paper' ? 4 : 5;
  }

  protected prepare(eta: number, t: number): void {
    const first = biasCorrection(this.beta1, t);
    const second = biasCorrection(this.beta2, t);
    const rhoInfinity = this.rhoInfinity;
    const rho = rhoInfinity - (2 * t * Math.pow(this.beta2, t)) / second;
    const c = this.coefficients;
    if (rho > this.tractableAbove) {
      const rectification = Math.sqrt(
        ((rho - 4) * (rho - 2) * rhoInfinity) / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho),
      );
      const paper = this.flavor === 'paper';
      c.momentScale = (eta * rectification * (paper ? 1 : Math.sqrt(second))) / first;
      c.rootScale = paper ? 1 / Math.sqrt(second) : 1;
      c.epsilon = this.epsilon;
    } else {
      // Denominator 0·√v + 1 = 1 exactly: θ ← θ − η·m̂.
      c.momentScale = eta / first;
      c.rootScale = 0;
      c.epsilon = 1;
    }
  }
}

export const radam = adamVariant(
  'radam',
  'RAdam: Adam with the adaptive step rectified by its variance, un-adapted steps while that is intractable.',
  (dimension, h, flavor) => new Radam(dimension, h, flavor),
);
