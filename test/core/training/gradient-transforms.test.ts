import { describe, expect, it } from 'vitest';
import { clipByNorm, clipByValue, clipGradient } from '../../../src/core/training/clipping.ts';
import { addGradientNoise, gradientNoiseSchema } from '../../../src/core/training/gradient-noise.ts';
import { applyWeightDecay } from '../../../src/core/training/weight-decay.ts';
import { Random } from '../../../src/core/random.ts';
import { norm } from '../../../src/core/vec.ts';

describe('clipping', () => {
  it('by value clamps each coordinate', () => {
    const g = Float64Array.from([3, -0.5, -7, 1]);
    clipByValue(g, 1);
    expect(Array.from(g)).toEqual([1, -0.5, -1, 1]);
  });

  it('by norm rescales only when the norm exceeds the bound, keeping the direction', () => {
    const g = Float64Array.from([3, 4]);
    clipByNorm(g, 1);
    expect(g[0]).toBeCloseTo(0.6, 15);
    expect(g[1]).toBeCloseTo(0.8, 15);
    const small = Float64Array.from([0.3, 0.4]);
    clipByNorm(small, 1);
    expect(Array.from(small)).toEqual([0.3, 0.4]);
  });

  it('value first, then norm', () => {
    const g = Float64Array.from([10, 0.5]);
    clipGradient(g, { maxValue: 1, maxNorm: 1 });
    // [1, 0.5] has norm √1.25, rescaled to 1
    expect(norm(g)).toBeCloseTo(1, 15);
    expect(g[0] / g[1]).toBeCloseTo(2, 14);
  });
});

describe('weight decay', () => {
  it('adds λθ to the gradient', () => {
    const g = Float64Array.from([1, 2]);
    applyWeightDecay(g, Float64Array.from([10, -20]), 0.1);
    expect(Array.from(g)).toEqual([2, 0]);
  });
});

describe('gradient noise', () => {
  const defaults = gradientNoiseSchema.parse({});

  it('defaults to η = 0.01, γ = 0.55', () => {
    expect(defaults).toEqual({ variance: 0.01, decay: 0.55 });
  });

  it('adds √(η/(1+t)^γ)·z with z from the seeded generator', () => {
    const g = Float64Array.from([1, 2, 3]);
    addGradientNoise(g, 4, { variance: 0.3, decay: 0.55 }, new Random(9));
    const reference = new Random(9);
    const deviation = Math.sqrt(0.3 / 5 ** 0.55);
    expect(Array.from(g)).toEqual([1, 2, 3].map((value) => value + deviation * reference.normal()));
  });

  it('has the annealed variance', () => {
    const random = new Random(1);
    const samples = 20000;
    const g = new Float64Array(samples);
    addGradientNoise(g, 99, { variance: 1, decay: 0.5 }, random);
    const variance = g.reduce((sum, value) => sum + value * value, 0) / samples;
    // σ² = 1/√100 = 0.1; the sample variance of 20 000 draws is within a few percent
    expect(variance).toBeGreaterThan(0.09);
    expect(variance).toBeLessThan(0.11);
  });
});
