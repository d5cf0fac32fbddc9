/**
 * Rastrigin's function, a regular lattice of local minima:
 *
 *   f(x) = 10n + Σ (xᵢ² − 10 cos 2πxᵢ),  ∂f/∂xᵢ = 2xᵢ + 20π sin 2πxᵢ
 *
 * Start (2.5, …, 2.5), between two lattice minima; minimum 0 at 0.
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

const twoPi = 2 * Math.PI;

export const rastrigin: BenchmarkDefinition = {
  name: 'rastrigin',
  description: '10n + Σ (xᵢ² − 10 cos 2πxᵢ); start (2.5, …, 2.5); minimum 0 at 0.',
  dimensions: anyDimensions(1),
  create: (options) =>
    benchmarkObjective(
      {
        dimension: options.dimensions,
        standardStart: () => 2.5,
        minimum: { value: 0, at: () => 0 },
        value(params) {
          let sum = 10 * params.length;
          for (let i = 0; i < params.length; i++) {
            const x = params[i];
            sum += x * x - 10 * Math.cos(twoPi * x);
          }
          return sum;
        },
        valueAndGradient(params, gradient) {
          let sum = 10 * params.length;
          for (let i = 0; i < params.length; i++) {
            const x = params[i];
            sum += x * x - 10 * Math.cos(twoPi * x);
            gradient[i] = 2 * x + 10 * twoPi * Math.sin(twoPi * x);
          }
          return sum;
        },
      },
      options,
    ),
};
