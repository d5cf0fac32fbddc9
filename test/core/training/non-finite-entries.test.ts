import { describe, expect, it } from 'vitest';
import { joinNonFinite, nonFiniteEntriesSchema, splitNonFinite } from '../../../src/core/training/non-finite-entries.ts';

/** `values` split, kept as a checkpoint keeps it (JSON), and joined again. */
function roundTrip(values: Float64Array): Float64Array {
  const { finite, nonFinite } = splitNonFinite(values);
  const stored = JSON.parse(JSON.stringify({ finite, nonFinite })) as { finite: number[]; nonFinite: unknown };
  const restored = Float64Array.from(stored.finite);
  joinNonFinite(restored, stored.nonFinite === null ? undefined : nonFiniteEntriesSchema.parse(stored.nonFinite));
  return restored;
}

describe('non-finite entries', () => {
  it('keeps NaN, Infinity and −Infinity as runs of each, 0 in their place, and puts them back', () => {
    const values = Float64Array.of(1, NaN, NaN, Infinity, -Infinity, -Infinity, 2, NaN, 3);
    const { finite, nonFinite } = splitNonFinite(values);
    expect(finite).toEqual([1, 0, 0, 0, 0, 0, 2, 0, 3]);
    expect(nonFinite).toEqual({ NaN: [1, 2, 7, 1], Infinity: [3, 1], '-Infinity': [4, 2] });
    expect(Array.from(roundTrip(values))).toEqual(Array.from(values));
  });

  it('leaves an array of finite numbers as it is', () => {
    const values = [1, 2, 3];
    expect(splitNonFinite(values)).toEqual({ finite: values, nonFinite: null });
  });

  it('keeps a diverged dense model small: θ all NaN is one run', () => {
    const values = new Float64Array(1_000_000).fill(NaN);
    const { nonFinite } = splitNonFinite(values);
    expect(JSON.stringify(nonFinite)).toBe('{"NaN":[0,1000000]}');
    expect(roundTrip(values).every(Number.isNaN)).toBe(true);
  });

  it('refuses runs outside the values (a corrupt checkpoint)', () => {
    expect(() => joinNonFinite(new Float64Array(3), { NaN: [2, 2] })).toThrow('NaN entries 2 to 3 are outside its 3 values');
    expect(() => joinNonFinite(new Float64Array(3), { Infinity: [7, 1] })).toThrow('outside its 3 values');
    expect(() => joinNonFinite(new Float64Array(3), { '-Infinity': [0, 0] })).toThrow();
    expect(nonFiniteEntriesSchema.safeParse({ NaN: [1] }).success).toBe(false);
  });
});
