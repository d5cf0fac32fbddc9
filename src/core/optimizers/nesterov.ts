/**
 * Nesterov accelerated gradient, overview eq. (6):
 *
 *   paper:    v ← γ·v + η·∇J(θ − γ·v);   θ ← θ − v
 *   pytorch:  b ← μ·b + g;   θ ← θ − η·(g + μ·b)      (torch.optim.SGD(nesterov=True))
 *
 * The paper takes the gradient at the look-ahead point θ − γ·v (old v), which `gradientPoint`
 * supplies to the training loop; the loss and the reported θ stay at the real parameters.
 * torch rewrites the method on the look-ahead variable itself, so its gradient is taken at θ.
 * Defaults: η 0.01, γ 0.9 in both flavors.
 */
import type { Flavor, Optimizer, OptimizerDefinition } from './optimizer.ts';
import { kernelsFor } from '../kernels/index.ts';
import { PaperMomentum, TorchMomentum, momentumDefaults, momentumHyperparameters } from './momentum.ts';

class PaperNesterov extends PaperMomentum {
  gradientPoint(params: Float64Array, out: Float64Array): void {
    const velocity = this.velocity;
    const gamma = this.momentum;
    const kernels = kernelsFor(params, velocity, out);
    if (kernels) {
      kernels.lookAhead(params.byteOffset, velocity.byteOffset, out.byteOffset, params.length, gamma);
      return;
    }
    for (let i = 0; i < params.length; i++) out[i] = params[i] - gamma * velocity[i];
  }
}

export const nesterov: OptimizerDefinition<typeof momentumHyperparameters> = {
  name: 'nesterov',
  description: 'Nesterov accelerated gradient: momentum with the gradient taken at the look-ahead point θ − γ·v.',
  hyperparameters: momentumHyperparameters,
  defaults: momentumDefaults,
  create(dimension: number, { momentum: gamma }, flavor: Flavor): Optimizer {
    return flavor === 'paper' ? new PaperNesterov(dimension, gamma) : new TorchMomentum(dimension, gamma, true);
  },
};
