/**
 * Booth's function: f(x, y) = (x + 2y − 7)² + (2x + y − 5)²,
 * ∇f = (2a + 4b, 4a + 2b) with a = x + 2y − 7, b = 2x + y − 5. Start (0, 0); minimum 0 at (1, 3).
 */
import { benchmarkObjective, twoDimensions, twoVariableParts, type BenchmarkDefinition } from './benchmark.ts';

export const booth: BenchmarkDefinition = {
  name: 'booth',
  description: '(x + 2y − 7)² + (2x + y − 5)²; start (0, 0); minimum 0 at (1, 3).',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      twoVariableParts(
        [0, 0],
        { value: 0, at: [1, 3] },
        (x, y) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        (x, y, out) => {
          const a = x + 2 * y - 7;
          const b = 2 * x + y - 5;
          out[0] = 2 * a + 4 * b;
          out[1] = 4 * a + 2 * b;
        },
      ),
      options,
    ),
};
