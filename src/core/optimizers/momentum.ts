/**
 * Momentum (heavy ball), overview eq. (5):
 *
 *   paper:    v ← γ·v + η·g;   θ ← θ − v
 *   pytorch:  b ← μ·b + g;     θ ← θ − η·b        (torch.optim.SGD with momentum, dampening 0)
 *
 * With a constant η the two give the same trajectory (v = η·b); under a learning-rate schedule
 * the paper's velocity keeps the old rates while torch's buffer is rescaled by the current one.
 * Defaults: η 0.01, γ 0.9 in both flavors (torch's default momentum 0 would make this plain SGD).
 */
import { z } from 'zod';
import type { Flavor, Optimizer, OptimizerDefinition, OptimizerState } from './optimizer.ts';
import { decayRate, learningRate } from './hyperparameters.ts';
import { restoreVectors, saveState } from './state.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

export const momentumHyperparameters = z.strictObject({
  learningRate: learningRate(),
  momentum: decayRate('Momentum γ, the fraction of the previous update kept'),
});

export const momentumDefaults = {
  paper: { learningRate: 0.01, momentum: 0.9 },
  pytorch: { learningRate: 0.01, momentum: 0.9 },
};

/** The velocity both momentum methods carry: v (paper, includes η) or torch's buffer b. */
abstract class VelocityOptimizer implements Optimizer {
  protected readonly velocity: Float64Array;

  constructor(dimension: number, protected readonly momentum: number) {
    this.velocity = allocateVector(dimension);
  }

  abstract step(params: Float64Array, gradient: Float64Array, eta: number): void;

  getState(): OptimizerState {
    return saveState({ velocity: this.velocity });
  }

  setState(state: OptimizerState): void {
    restoreVectors(state, { velocity: this.velocity });
  }
}

/** v ← γ·v + η·g; θ ← θ − v. Also the paper's Nesterov update, with g taken at the look-ahead. */
export class PaperMomentum extends VelocityOptimizer {
  step(params: Float64Array, gradient: Float64Array, eta: number): void {
    const velocity = this.velocity;
    const gamma = this.momentum;
    const kernels = kernelsFor(params, gradient, velocity);
    if (kernels) {
      kernels.paperMomentum(params.byteOffset, gradient.byteOffset, velocity.byteOffset, params.length, gamma, eta);
      return;
    }
    for (let i = 0; i < params.length; i++) {
      const v = gamma * velocity[i] + eta * gradient[i];
      velocity[i] = v;
      params[i] -= v;
    }
  }
}

/**
 * torch.optim.SGD's momentum buffer: b ← μ·b + g;  θ ← θ − η·(c·g + d·b), with c = 0, d = 1 for
 * momentum and c = 1, d = μ for Nesterov (torch's update on the look-ahead variable).
 */
export class TorchMomentum extends VelocityOptimizer {
  private readonly gradientWeight: number;
  private readonly bufferWeight: number;

  constructor(dimension: number, momentum: number, nesterov: boolean) {
    super(dimension, momentum);
    this.gradientWeight = nesterov ? 1 : 0;
    this.bufferWeight = nesterov ? momentum : 1;
  }

  step(params: Float64Array, gradient: Float64Array, eta: number): void {
    const buffer = this.velocity;
    const { momentum: mu, gradientWeight, bufferWeight } = this;
    const kernels = kernelsFor(params, gradient, buffer);
    if (kernels) {
      kernels.torchMomentum(params.byteOffset, gradient.byteOffset, buffer.byteOffset, params.length, mu, eta, gradientWeight, bufferWeight);
      return;
    }
    for (let i = 0; i < params.length; i++) {
      const g = gradient[i];
      const b = mu * buffer[i] + g;
      buffer[i] = b;
      params[i] -= eta * (gradientWeight * g + bufferWeight * b);
    }
  }
}

export const momentum: OptimizerDefinition<typeof momentumHyperparameters> = {
  name: 'momentum',
  description: 'Gradient descent with momentum: v ← γ·v + η·g; θ ← θ − v.',
  hyperparameters: momentumHyperparameters,
  defaults: momentumDefaults,
  create(dimension: number, { momentum: gamma }, flavor: Flavor): Optimizer {
    return flavor === 'paper' ? new PaperMomentum(dimension, gamma) : new TorchMomentum(dimension, gamma, false);
  },
};
