/** Bias corrections as kept for the first steps: bit for bit what Math.pow gives, kept or not. */
import { describe, expect, it } from 'vitest';
import { biasCorrection, keptCorrectionBetas } from '../../../src/core/optimizers/adaptive-moments.ts';

describe('biasCorrection', () => {
  it('is 1 − β^t as Math.pow gives it, at the first call and the next, for more βs than are kept and past the kept steps', () => {
    const betas = [0.9, 0.999, 0, 0.5, ...Array.from({ length: 20 }, (_, i) => 0.8 + i / 100)];
    for (let round = 0; round < 2; round++) {
      for (const beta of betas) {
        for (const t of [1, 2, 3, 200, 4_095, 4_096, 4_097, 50_000]) {
          expect(Object.is(biasCorrection(beta, t), 1 - Math.pow(beta, t))).toBe(true);
        }
      }
    }
  });

  it('keeps the βs seen last: after a sweep through many, the defaults are kept again once used', () => {
    for (let i = 0; i < 40; i++) biasCorrection(0.5 + i / 1000, 1);
    expect(keptCorrectionBetas()).not.toContain(0.9);
    biasCorrection(0.9, 1);
    biasCorrection(0.999, 1);
    const kept = keptCorrectionBetas();
    expect(kept.slice(-2)).toEqual([0.9, 0.999]);
    expect(kept.length).toBeLessThanOrEqual(16);
  });
});
