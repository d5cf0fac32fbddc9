/**
 * Annealed Gaussian gradient noise (Neelakantan et al. 2015, "Adding Gradient Noise Improves
 * Learning for Very Deep Networks"): g ← g + N(0, σ_t²) with variance σ_t² = η/(1 + t)^γ, t the
 * 1-based update. The paper picks η from {0.01, 0.3, 1.0} and fixes γ = 0.55; we default to the
 * most conservative η = 0.01 and γ = 0.55. Draws come from the run's seeded generator.
 */
import { z } from 'zod';
import type { Random } from '../random.ts';

export const gradientNoiseSchema = z
  .strictObject({
    variance: z.number().min(0).max(1e6).default(0.01).describe('η: the noise variance scale in σ² = η/(1+t)^γ (default 0.01, the paper tries 0.01, 0.3, 1).'),
    decay: z.number().min(0).max(10).default(0.55).describe('γ: how fast the variance anneals (default 0.55, as in the paper).'),
  })
  .describe('Gaussian noise N(0, η/(1+t)^γ) added to every gradient coordinate (Neelakantan et al.).');

export type GradientNoise = z.output<typeof gradientNoiseSchema>;

/** Adds N(0, variance/(1+step)^decay) to each coordinate of `gradient`. */
export function addGradientNoise(gradient: Float64Array, step: number, noise: GradientNoise, random: Random): void {
  const deviation = Math.sqrt(noise.variance / Math.pow(1 + step, noise.decay));
  for (let i = 0; i < gradient.length; i++) gradient[i] += deviation * random.normal();
}
