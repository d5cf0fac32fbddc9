/**
 * The vector helpers and gradient transforms on the SIMD kernels against their JavaScript
 * loops, on random vectors of every length 0 … 67, bit for bit: axpy, scale, value and norm
 * clipping, weight decay, the finiteness check, and the sums of squares (norm, distance), which
 * both paths sum in the same two-lane order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateVector, copyToVector, isKernelVector } from '../../../src/core/kernels/index.ts';
import { allFinite, axpy, distance, norm, scale } from '../../../src/core/vec.ts';
import { clipByNorm, clipByValue } from '../../../src/core/training/clipping.ts';
import { applyWeightDecay } from '../../../src/core/training/weight-decay.ts';
import { firstDifference, onPath, type KernelPath } from './kernel-paths.ts';

const lengths = Array.from({ length: 68 }, (_, n) => n);
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const vectorOf = (n: number) => fc.array(finite, { minLength: n, maxLength: n });

/** Runs `body` on copies of `inputs` allocated on `path`, returning the inputs afterwards and its result. */
function onCopies<T>(path: KernelPath, inputs: readonly number[][], body: (vectors: Float64Array[]) => T) {
  return onPath(path, () => {
    const vectors = inputs.map((values) => copyToVector(values));
    if (inputs.length > 0) expect(isKernelVector(vectors[0])).toBe(path === 'webassembly');
    const result = body(vectors);
    return { result, vectors: vectors.map((vector) => Array.from(vector)) };
  });
}

function expectSame(inputs: number[][], body: (vectors: Float64Array[]) => unknown): void {
  const scalar = onCopies('javascript', inputs, body);
  const simd = onCopies('webassembly', inputs, body);
  expect(Object.is(simd.result, scalar.result)).toBe(true);
  simd.vectors.forEach((vector, k) => expect(firstDifference(vector, scalar.vectors[k])).toBe(-1));
}

function forEveryLength<Values extends unknown[]>(property: (n: number) => fc.IProperty<Values>): void {
  for (const n of lengths) fc.assert(property(n), { numRuns: 4, seed: n });
}

describe('vector kernels: SIMD and JavaScript agree', () => {
  it('axpy, scale and weight decay: bit for bit', () => {
    forEveryLength((n) =>
      fc.property(vectorOf(n), vectorOf(n), finite, (x, y, alpha) => {
        expectSame([x, y], ([a, b]) => axpy(alpha, a, b));
        expectSame([x], ([a]) => scale(a, alpha));
        expectSame([y, x], ([gradient, point]) => applyWeightDecay(gradient, point, Math.abs(alpha) / 1e6));
      }),
    );
  });

  it('clipping by value and the finiteness check: bit for bit', () => {
    forEveryLength((n) =>
      fc.property(vectorOf(n), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.nat(), (x, maxValue, at) => {
        expectSame([x], ([a]) => clipByValue(a, maxValue));
        expectSame([x], ([a]) => allFinite(a));
        if (n > 0) {
          const broken = [...x];
          broken[at % n] = [Infinity, -Infinity, NaN][at % 3];
          expectSame([broken], ([a]) => allFinite(a));
        }
      }),
    );
  });

  it('norm, distance and clipping by norm (sums in the same two-lane order): bit for bit', () => {
    forEveryLength((n) =>
      fc.property(vectorOf(n), vectorOf(n), (x, y) => {
        expectSame([x], ([a]) => norm(a));
        expectSame([x, y], ([a, b]) => distance(a, b));
        expectSame([x], ([a]) => clipByNorm(a, 1));
      }),
    );
  });

  it('sums squares as (even indices) + (odd indices), each in index order', () => {
    const values = [3.19, 9.87, 4.94, 2.66, 0.91, 9.48, 0.74];
    const even = 3.19 * 3.19 + 4.94 * 4.94 + 0.91 * 0.91 + 0.74 * 0.74;
    const odd = 9.87 * 9.87 + 2.66 * 2.66 + 9.48 * 9.48;
    // One running sum over i gives 15.176241300137528 here.
    for (const path of ['javascript', 'webassembly'] as const) {
      onPath(path, () => expect(norm(copyToVector(values))).toBe(Math.sqrt(even + odd)));
    }
    expect(Math.sqrt(even + odd)).toBe(15.176241300137526);
  });

  it('allocates zeroed vectors, in kernel memory on the SIMD path only', () => {
    onPath('webassembly', () => {
      const vector = allocateVector(5).fill(3);
      expect(isKernelVector(vector)).toBe(true);
      expect(Array.from(allocateVector(5))).toEqual([0, 0, 0, 0, 0]);
    });
    onPath('javascript', () => expect(isKernelVector(allocateVector(5))).toBe(false));
  });
});
