/**
 * How many parameters an objective has, as the views show it: `dimensions`, the name a benchmark
 * spec gives its size, and `dimension`, the same number under the name it had before, deprecated
 * and kept for one version.
 */
import { z } from 'zod';

export const parameterCountFields = {
  dimensions: z.number().int().describe('How many parameters the objective has: the length of the parameter vector (a benchmark spec sets it as `dimensions`).'),
  dimension: z.number().int().meta({ deprecated: true }).describe('Deprecated, read `dimensions`: the same number. Kept for one version.'),
};

export const parameterCount = (dimensions: number) => ({ dimensions, dimension: dimensions });
