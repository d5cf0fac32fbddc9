/**
 * Gradient clipping. By value: g_i ← clamp(g_i, −c, c). By global norm: when ‖g‖₂ > c,
 * g ← g·c/‖g‖₂ (direction kept). Both may be set; value clipping runs first, so the norm bound
 * holds for the result.
 */
import { z } from 'zod';
import { norm, scale } from '../vec.ts';
import { kernelsFor } from '../kernels/index.ts';

export const clippingSchema = z
  .strictObject({
    maxNorm: z.number().positive().finite().optional().describe('Rescale the gradient so that ‖g‖₂ ≤ maxNorm.'),
    maxValue: z.number().positive().finite().optional().describe('Clamp every gradient coordinate to [−maxValue, maxValue].'),
  })
  .describe('Gradient clipping, by value then by global norm.');

export type Clipping = z.output<typeof clippingSchema>;

export function clipByValue(gradient: Float64Array, maxValue: number): void {
  const kernels = kernelsFor(gradient, gradient);
  if (kernels) return kernels.clampValues(gradient.byteOffset, gradient.length, maxValue);
  for (let i = 0; i < gradient.length; i++) {
    const g = gradient[i];
    if (g > maxValue) gradient[i] = maxValue;
    else if (g < -maxValue) gradient[i] = -maxValue;
  }
}

export function clipByNorm(gradient: Float64Array, maxNorm: number): void {
  const length = norm(gradient);
  if (length > maxNorm) scale(gradient, maxNorm / length);
}

export function clipGradient(gradient: Float64Array, clipping: Clipping): void {
  if (clipping.maxValue !== undefined) clipByValue(gradient, clipping.maxValue);
  if (clipping.maxNorm !== undefined) clipByNorm(gradient, clipping.maxNorm);
}
