/**
 * Vanilla (stochastic / mini-batch) gradient descent, overview eq. (1)–(3):
 *
 *   θ ← θ − η·∇θJ(θ)
 *
 * Both flavors agree; torch.optim.SGD without momentum is the same update.
 */
import { z } from 'zod';
import type { Flavor, Optimizer, OptimizerDefinition } from './optimizer.ts';
import { learningRate } from './hyperparameters.ts';

const hyperparameters = z.strictObject({
  learningRate: learningRate(0.01),
});

class Sgd implements Optimizer {
  step(params: Float64Array, gradient: Float64Array, eta: number): void {
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
  create(_dimension: number, _h: z.output<typeof hyperparameters>, _flavor: Flavor) {
    return new Sgd();
  },
};
