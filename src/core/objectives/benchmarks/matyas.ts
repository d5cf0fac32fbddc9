/**
 * Matyas's function: f(x, y) = 0.26(x² + y²) − 0.48xy, ∇f = (0.52x − 0.48y, 0.52y − 0.48x):
 * a flat, mildly ill-conditioned bowl (eigenvalues 0.04 and 1).
 * Start (5, −3); minimum 0 at (0, 0).
 */
import { benchmarkObjective, twoDimensions, twoVariableParts, type BenchmarkDefinition } from './benchmark.ts';

export const matyas: BenchmarkDefinition = {
  name: 'matyas',
  description: '0.26(x² + y²) − 0.48xy; start (5, −3); minimum 0 at (0, 0).',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      twoVariableParts(
        [5, -3],
        { value: 0, at: [0, 0] },
        (x, y) => 0.26 * (x * x + y * y) - 0.48 * x * y,
        (x, y, out) => {
          out[0] = 0.52 * x - 0.48 * y;
          out[1] = 0.52 * y - 0.48 * x;
        },
      ),
      options,
    ),
};
