/**
 * Nadam (Dozat), overview eq. (30): Adam with Nesterov momentum,
 *
 *   m, v, m̂, v̂ as Adam
 *   paper:    θ ← θ − η/(√v̂ + ε)·(β1·m̂ + (1 − β1)·g/(1 − β1^t))
 *
 * torch.optim.NAdam follows Dozat's momentum schedule instead (its documented formula, which
 * torch 1.13's foreach path implements):
 *
 *   μ_t = β1·(1 − ½·0.96^(t·ψ)),   Π_t = μ_1···μ_t
 *   pytorch:  θ ← θ − η·(1 − μ_t)/(1 − Π_t)·g/(√v̂ + ε) − η·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/(√v̂ + ε)
 *
 * ψ is `momentumDecay`, used only in flavor pytorch. Both are the shared kernel with
 * a·m + b·g in the numerator. Defaults: paper as Adam; pytorch η 0.002, β1 0.9, β2 0.999,
 * ε 1e-8, ψ 0.004 (torch's).
 */
import { z } from 'zod';
import type { Flavor, OptimizerDefinition, OptimizerState } from './optimizer.ts';
import { nonNegative } from './hyperparameters.ts';
import { AdaptiveMomentOptimizer, biasCorrection, type MomentHyperparameters } from './adaptive-moments.ts';
import { adamFamilyDefaults, adamHyperparameters } from './adam.ts';
import { restoreScalar } from './state.ts';

const hyperparameters = z.strictObject({
  ...adamHyperparameters.shape,
  momentumDecay: nonNegative('Momentum-schedule decay ψ in μ_t = β1·(1 − ½·0.96^(t·ψ)) (flavor pytorch only)'),
});

class Nadam extends AdaptiveMomentOptimizer {
  /** Π_t, the running product of the scheduled momenta (flavor pytorch). */
  private momentumProduct = 1;

  constructor(
    dimension: number,
    hyperparameters: MomentHyperparameters,
    private readonly momentumDecay: number,
    private readonly flavor: Flavor,
  ) {
    super(dimension, hyperparameters);
  }

  protected prepare(eta: number, t: number): void {
    const beta1 = this.beta1;
    const first = biasCorrection(beta1, t);
    const second = biasCorrection(this.beta2, t);
    const c = this.coefficients;
    c.rootScale = 1 / Math.sqrt(second);
    if (this.flavor === 'paper') {
      c.momentScale = (eta * beta1) / first;
      c.gradientScale = (eta * (1 - beta1)) / first;
      return;
    }
    const momentum = beta1 * (1 - 0.5 * Math.pow(0.96, t * this.momentumDecay));
    const nextMomentum = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * this.momentumDecay));
    this.momentumProduct *= momentum;
    c.gradientScale = (eta * (1 - momentum)) / (1 - this.momentumProduct);
    c.momentScale = (eta * nextMomentum) / (1 - this.momentumProduct * nextMomentum);
  }

  protected override stateScalars(): Record<string, number> {
    return { momentumProduct: this.momentumProduct };
  }

  protected override restoreScalars(state: OptimizerState): void {
    this.momentumProduct = restoreScalar(state, 'momentumProduct');
  }
}

export const nadam: OptimizerDefinition<typeof hyperparameters> = {
  name: 'nadam',
  description: 'Nadam: Adam with Nesterov momentum, the look-ahead applied to the current step.',
  hyperparameters,
  defaults: {
    paper: { ...adamFamilyDefaults.paper, momentumDecay: 0.004 },
    pytorch: { ...adamFamilyDefaults.pytorch, learningRate: 0.002, momentumDecay: 0.004 },
  },
  pytorchOnly: ['momentumDecay'],
  create: (dimension: number, h, flavor: Flavor) => new Nadam(dimension, h, h.momentumDecay, flavor),
};
