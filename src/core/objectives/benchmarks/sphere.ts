/**
 * The sphere f(x) = Σ xᵢ², ∇f = 2x: the best-conditioned bowl. Start (1, …, 1); minimum 0 at 0.
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

export const sphere: BenchmarkDefinition = {
  name: 'sphere',
  description: 'Σ xᵢ²; start (1, …, 1); minimum 0 at 0.',
  dimensions: anyDimensions(1),
  create: (options) =>
    benchmarkObjective(
      {
        dimension: options.dimensions,
        standardStart: () => 1,
        minimum: { value: 0, at: () => 0 },
        value(params) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) sum += params[i] * params[i];
          return sum;
        },
        valueAndGradient(params, gradient) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) {
            const x = params[i];
            sum += x * x;
            gradient[i] = 2 * x;
          }
          return sum;
        },
      },
      options,
    ),
};
