/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient,
 *
 *   θ ← θ·(1 − η·λ);   then the Adam step on g (without λ·θ)
 *
 * exactly as torch.optim.AdamW orders it. Not in the overview: flavor paper uses the overview's
 * Adam for the moment step, which is the same arithmetic as torch's. Because the optimizer
 * applies λ itself, the training loop adds no coupled decay (`decoupledWeightDecay`).
 * Defaults: as Adam, with λ 0.01 (torch's).
 */
import { z } from 'zod';
import type { OptimizerDefinition } from './optimizer.ts';
import { nonNegative } from './hyperparameters.ts';
import { Adam, adamFamilyDefaults, adamHyperparameters } from './adam.ts';

const hyperparameters = z.strictObject({
  ...adamHyperparameters.shape,
  weightDecay: nonNegative('Decoupled weight decay λ: θ ← θ·(1 − η·λ) every step'),
});

const defaults = { ...adamFamilyDefaults.paper, weightDecay: 0.01 };

export const adamw: OptimizerDefinition<typeof hyperparameters> = {
  name: 'adamw',
  description: 'AdamW: Adam with decoupled weight decay θ ← θ·(1 − η·λ).',
  hyperparameters,
  defaults: { paper: defaults, pytorch: defaults },
  decoupledWeightDecay: true,
  create: (dimension: number, h) => new Adam(dimension, h, h.weightDecay),
};
