/**
 * The Styblinski–Tang function:
 *
 *   f(x) = ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ),  ∂f/∂xᵢ = 2xᵢ³ − 16xᵢ + 2.5
 *
 * Start (0, …, 0); minimum −39.16616570377142·n at xᵢ = −2.903534027771178 (the root of
 * 2x³ − 16x + 2.5 = 0 in [−3, −2.5]).
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

const styblinskiTangMinimizer = -2.903534027771178;
const minimumPerDimension = 0.5 * (styblinskiTangMinimizer ** 4 - 16 * styblinskiTangMinimizer ** 2 + 5 * styblinskiTangMinimizer);

export const styblinskiTang: BenchmarkDefinition = {
  name: 'styblinski-tang',
  description: '½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ); start 0; minimum −39.166…·n at xᵢ = −2.9035….',
  dimensions: anyDimensions(1),
  create: (options) =>
    benchmarkObjective(
      {
        dimension: options.dimensions,
        standardStart: () => 0,
        minimum: { value: minimumPerDimension * options.dimensions, at: () => styblinskiTangMinimizer },
        value(params) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) {
            const x = params[i];
            const x2 = x * x;
            sum += x2 * x2 - 16 * x2 + 5 * x;
          }
          return 0.5 * sum;
        },
        valueAndGradient(params, gradient) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) {
            const x = params[i];
            const x2 = x * x;
            sum += x2 * x2 - 16 * x2 + 5 * x;
            gradient[i] = 2 * x2 * x - 16 * x + 2.5;
          }
          return 0.5 * sum;
        },
      },
      options,
    ),
};
