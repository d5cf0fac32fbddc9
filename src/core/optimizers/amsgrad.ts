/**
 * AMSGrad (Reddi et al.), overview eq. (38): Adam with a non-decreasing second moment,
 *
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   v̂ ← max(v̂, v)
 *   paper:    θ ← θ − η·m/(√v̂ + ε)                                  (no bias correction)
 *   pytorch:  θ ← θ − η/(1 − β1^t)·m/(√v̂/√(1 − β2^t) + ε)           (Adam(amsgrad=True))
 *
 * Both are θ ← θ − a·m/(s·√v̂ + ε) with a, s chosen per flavor. Its own loop rather than the
 * shared one: the running maximum would slow every other Adam variant down.
 * Defaults: as Adam in both flavors.
 */
import type { Flavor } from './optimizer.ts';
import { AdaptiveMomentOptimizer, biasCorrection, type MomentHyperparameters } from './adaptive-moments.ts';
import { adamVariant } from './adam.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

class Amsgrad extends AdaptiveMomentOptimizer {
  private readonly maxSecondMoment: Float64Array;

  constructor(dimension: number, hyperparameters: MomentHyperparameters, private readonly flavor: Flavor) {
    super(dimension, hyperparameters);
    this.maxSecondMoment = allocateVector(dimension);
  }

  protected prepare(eta: number, t: number): void {
    const paper = this.flavor === 'paper';
    const first = paper ? 1 : biasCorrection(this.beta1, t);
    const second = paper ? 1 : biasCorrection(this.beta2, t);
    this.coefficients.momentScale = eta / first;
    this.coefficients.rootScale = 1 / Math.sqrt(second);
  }

  override step(params: Float64Array, gradient: Float64Array, eta: number, t: number): void {
    this.prepare(eta, t);
    const { firstMoment, secondMoment, maxSecondMoment, beta1, beta2 } = this;
    const { momentScale, rootScale, epsilon } = this.coefficients;
    const kernels = kernelsFor(params, gradient, firstMoment, secondMoment, maxSecondMoment);
    if (kernels) {
      kernels.amsgrad(
        params.byteOffset, gradient.byteOffset, firstMoment.byteOffset, secondMoment.byteOffset, maxSecondMoment.byteOffset,
        params.length, beta1, beta2, momentScale, rootScale, epsilon,
      );
      return;
    }
    const fresh1 = 1 - beta1;
    const fresh2 = 1 - beta2;
    for (let i = 0; i < params.length; i++) {
      const g = gradient[i];
      const m = beta1 * firstMoment[i] + fresh1 * g;
      const v = beta2 * secondMoment[i] + fresh2 * (g * g);
      const vMax = v > maxSecondMoment[i] ? v : maxSecondMoment[i];
      firstMoment[i] = m;
      secondMoment[i] = v;
      maxSecondMoment[i] = vMax;
      params[i] -= (momentScale * m) / (rootScale * Math.sqrt(vMax) + epsilon);
    }
  }

  protected override stateVectors(): Record<string, Float64Array> {
    return { ...super.stateVectors(), maxSecondMoment: this.maxSecondMoment };
  }
}

export const amsgrad = adamVariant(
  'amsgrad',
  'AMSGrad: Adam whose second-moment estimate never decreases, so steps never grow from it.',
  (dimension, h, flavor) => new Amsgrad(dimension, h, flavor),
);
