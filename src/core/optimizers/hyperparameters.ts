/** Zod builders for the hyperparameters many optimizers share, with their bounds. */
import { z } from 'zod';

export const learningRate = (defaultValue: number) =>
  z.number().positive().finite().default(defaultValue).describe('Step size η (> 0).');

export const beta = (defaultValue: number, what: string) =>
  z.number().min(0).lt(1).default(defaultValue).describe(`${what} (0 ≤ β < 1).`);

export const epsilon = (defaultValue: number) =>
  z.number().min(0).finite().default(defaultValue).describe('Smoothing term ε that keeps the denominator away from zero (≥ 0).');
