/**
 * Himmelblau's function: f(x, y) = (x² + y − 11)² + (x + y² − 7)²,
 * ∇f = (4ax + 2b, 2a + 4by) with a = x² + y − 11, b = x + y² − 7.
 * Start (0, 0); four minima of value 0: (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186),
 * (3.584428, −1.848126). The documented one is (3, 2).
 */
import { benchmarkObjective, twoDimensions, twoVariableParts, type BenchmarkDefinition } from './benchmark.ts';

export const himmelblau: BenchmarkDefinition = {
  name: 'himmelblau',
  description: '(x² + y − 11)² + (x + y² − 7)²; start (0, 0); four minima of value 0, one at (3, 2).',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      twoVariableParts(
        [0, 0],
        { value: 0, at: [3, 2] },
        (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
        (x, y, out) => {
          const a = x * x + y - 11;
          const b = x + y * y - 7;
          out[0] = 4 * a * x + 2 * b;
          out[1] = 2 * a + 4 * b * y;
        },
      ),
      options,
    ),
};
