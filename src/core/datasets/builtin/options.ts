/** Zod builders for the options many built-in generators share. */
import { z } from 'zod';

export const rowsOption = (defaultValue: number) =>
  z.number().int().min(2).max(1_000_000).default(defaultValue).describe('Number of rows generated.');

export const seedOption = () =>
  z.number().int().min(0).max(2 ** 53 - 1).default(1).describe('Seed of the generator: equal seeds give equal data.');

export const noiseOption = (defaultValue: number) =>
  z.number().min(0).max(100).default(defaultValue).describe('Standard deviation of the Gaussian noise added.');

export const classesOption = (defaultValue: number) =>
  z.number().int().min(2).max(100).default(defaultValue).describe('Number of classes (targets 0 … classes − 1).');
