/**
 * Vanilla (stochastic / mini-batch) gradient descent, overview eq. (1)–(3):
 *
 *   θ ← θ − η·∇θJ(θ)
 *
 * Both flavors agree; torch.optim.SGD without momentum is the same update. torch has no default
 * learning rate; both flavors use 0.01.
 */
import { z } from 'zod';
import type { Optimizer, OptimizerDefinition } from './optimizer.ts';
import { learningRate } from './hyperparameters.ts';
import { kernelsFor } from '../kernels/index.ts';

const hyperparameters = z.strictObject({
  learningRate: learningRate(),
});

class Sgd implements Optimizer {
  step(params: Float64Array, gradient: Float64Array, eta: number): void {
    const kernels = kernelsFor(params, gradient);
    if (kernels) {
      kernels.descent(params.byteOffset, gradient.byteOffset, params.length, eta);
      return;
    }
    for (let i = 0; i < params.length; i++) params[i] -= eta * gradient[i];
  }
  getState() {
    return {};
  }
  setState(): void {}
}

export const sgd: OptimizerDefinition<typeof hyperparameters> = {
  name: 'sgd',
  description: 'Plain gradient descent: θ ← θ − η·g.',
  hyperparameters,
  defaults: { paper: { learningRate: 0.01 }, pytorch: { learningRate: 0.01 } },
  create: () => new Sgd(),
};
