/**
 * Zod builders (zod rejects ±Infinity and NaN for every number) for the hyperparameters many optimizers share, with their bounds. Fields are
 * optional: an absent one takes the definition's default for the run's flavor.
 */
import { z } from 'zod';

export const learningRate = (what = 'Step size η') =>
  z.number().positive().optional().describe(`${what} (> 0).`);

/** A decay rate in [0, 1): β1, β2, the momentum γ, Adadelta's and RMSprop's ρ. */
export const decayRate = (what: string) =>
  z.number().min(0).lt(1).optional().describe(`${what} (0 ≤ value < 1).`);

// Strictly positive: with ε = 0 a coordinate whose gradient has always been zero divides 0 by 0.
export const epsilon = (what = 'Smoothing term ε that keeps the denominator away from zero') =>
  z.number().positive().optional().describe(`${what} (> 0).`);

export const nonNegative = (what: string) =>
  z.number().min(0).optional().describe(`${what} (≥ 0).`);
