/**
 * The three-hump camel: f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²,
 * ∇f = (4x − 4.2x³ + x⁵ + y, x + 2y). Two local minima beside the global one.
 * Start (1, 1); minimum 0 at (0, 0).
 */
import { benchmarkObjective, twoDimensions, twoVariableParts, type BenchmarkDefinition } from './benchmark.ts';

export const threeHumpCamel: BenchmarkDefinition = {
  name: 'three-hump-camel',
  description: '2x² − 1.05x⁴ + x⁶/6 + xy + y²; start (1, 1); minimum 0 at (0, 0).',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      twoVariableParts(
        [1, 1],
        { value: 0, at: [0, 0] },
        (x, y) => {
          const x2 = x * x;
          return 2 * x2 - 1.05 * x2 * x2 + (x2 * x2 * x2) / 6 + x * y + y * y;
        },
        (x, y, out) => {
          const x2 = x * x;
          out[0] = 4 * x - 4.2 * x2 * x + x2 * x2 * x + y;
          out[1] = x + 2 * y;
        },
      ),
      options,
    ),
};
