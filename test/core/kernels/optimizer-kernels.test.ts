/**
 * The SIMD optimizer kernels against the JavaScript loops they replace: the same random
 * parameters and gradients through both, for every optimizer and flavor and every vector length
 * 1 … 67 (so every tail), must give the same parameters and state bit for bit. Each step also
 * checks that nothing past the vector's end is written.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateVector, isKernelVector } from '../../../src/core/kernels/index.ts';
import { createOptimizer, flavors, optimizerConfigSchema, optimizerNames, type Optimizer } from '../../../src/core/optimizers/index.ts';
import { adaptiveMomentStep } from '../../../src/core/optimizers/adaptive-moments.ts';
import { firstDifference, onPath, type KernelPath } from './kernel-paths.ts';

const lengths = Array.from({ length: 67 }, (_, i) => i + 1);
const steps = 3;
/** A value written one past each vector's end, which no kernel may touch. */
const sentinel = -1234.5;

const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });

interface Trajectory {
  readonly params: Float64Array;
  readonly state: ReturnType<Optimizer['getState']>;
  readonly lookAhead: Float64Array | null;
  readonly pastEnd: number[];
}

/** Steps an optimizer on one path; vectors are views of length n on blocks of n + 1. */
function trajectory(
  path: KernelPath,
  name: (typeof optimizerNames)[number],
  flavor: (typeof flavors)[number],
  initial: readonly number[],
  gradients: readonly (readonly number[])[],
  learningRates: readonly number[],
): Trajectory {
  return onPath(path, () => {
    const n = initial.length;
    const block = (values?: readonly number[]) => {
      const vector = allocateVector(n + 1);
      if (values) vector.set(values);
      vector[n] = sentinel;
      return vector;
    };
    const paramsBlock = block(initial);
    const gradientBlock = block();
    const pointBlock = block();
    const params = paramsBlock.subarray(0, n);
    const gradient = gradientBlock.subarray(0, n);
    const point = pointBlock.subarray(0, n);
    const optimizer = createOptimizer(n, optimizerConfigSchema.parse({ name, flavor }));
    expect(isKernelVector(params)).toBe(path === 'webassembly');
    let lookAhead: Float64Array | null = null;
    for (let t = 1; t <= steps; t++) {
      if (optimizer.gradientPoint) {
        optimizer.gradientPoint(params, point);
        lookAhead = Float64Array.from(point);
      }
      gradient.set(gradients[t - 1]);
      optimizer.step(params, gradient, learningRates[t - 1], t);
    }
    return {
      params: Float64Array.from(params),
      state: optimizer.getState(),
      lookAhead,
      pastEnd: [paramsBlock[n], gradientBlock[n], pointBlock[n]],
    };
  });
}

describe('optimizer kernels: SIMD and JavaScript agree bit for bit', () => {
  for (const name of optimizerNames) {
    for (const flavor of flavors) {
      it(`${name} (${flavor}), lengths 1…67`, () => {
        for (const n of lengths) {
          fc.assert(
            fc.property(
              fc.array(finite, { minLength: n, maxLength: n }),
              fc.array(fc.array(finite, { minLength: n, maxLength: n }), { minLength: steps, maxLength: steps }),
              fc.array(fc.double({ min: 1e-4, max: 1, noNaN: true }), { minLength: steps, maxLength: steps }),
              (initial, gradients, learningRates) => {
                const scalar = trajectory('javascript', name, flavor, initial, gradients, learningRates);
                const simd = trajectory('webassembly', name, flavor, initial, gradients, learningRates);
                expect(firstDifference(simd.params, scalar.params)).toBe(-1);
                for (const [key, value] of Object.entries(scalar.state)) {
                  const other = simd.state[key];
                  if (typeof value === 'number') expect(Object.is(other, value)).toBe(true);
                  else expect(firstDifference(other as number[], value), key).toBe(-1);
                }
                if (scalar.lookAhead) expect(firstDifference(simd.lookAhead!, scalar.lookAhead)).toBe(-1);
                expect(simd.pastEnd).toEqual([sentinel, sentinel, sentinel]);
              },
            ),
            { numRuns: 4, seed: n },
          );
        }
      });
    }
  }

  it('the shared moment kernel changes nothing on an empty vector', () => {
    onPath('webassembly', () => {
      const memory = allocateVector(4).fill(sentinel);
      const empty = memory.subarray(0, 0);
      const coefficients = { momentScale: 1, gradientScale: 1, rootScale: 1, epsilon: 1e-8, decay: 1 };
      adaptiveMomentStep(empty, empty, empty, empty, 0.9, 0.999, coefficients);
      expect(Array.from(memory)).toEqual([sentinel, sentinel, sentinel, sentinel]);
    });
  });
});
