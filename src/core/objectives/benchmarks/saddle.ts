/**
 * The saddle f(x, y) = x² − y², ∇f = (2x, −2y): a stationary point at the origin that is not a
 * minimum, the overview's example of where plain SGD stalls. Start (1, 0.001), just off the ridge
 * so that the escape along y is visible. Unbounded below: no minimum.
 */
import { benchmarkObjective, twoDimensions, twoVariableParts, type BenchmarkDefinition } from './benchmark.ts';

export const saddle: BenchmarkDefinition = {
  name: 'saddle',
  description: 'x² − y²; start (1, 0.001); saddle point at (0, 0), unbounded below.',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      twoVariableParts(
        [1, 0.001],
        undefined,
        (x, y) => x * x - y * y,
        (x, y, out) => {
          out[0] = 2 * x;
          out[1] = -2 * y;
        },
      ),
      options,
    ),
};
