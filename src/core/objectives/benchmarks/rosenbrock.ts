/**
 * Rosenbrock's valley in n ≥ 2 dimensions:
 *
 *   f(x) = Σᵢ₌₁ⁿ⁻¹ (1 − xᵢ)² + 100·(xᵢ₊₁ − xᵢ²)²
 *   ∂f/∂xᵢ = −2(1 − xᵢ) − 400·xᵢ(xᵢ₊₁ − xᵢ²) + 200·(xᵢ − xᵢ₋₁²)   (terms that exist)
 *
 * Standard start (−1.2, 1, −1.2, 1, …) (Moré, Garbow & Hillstrom 1981); minimum 0 at (1, …, 1).
 * For n = 2 it is `(1 - x)^2 + 100*(y - x^2)^2`, evaluated in the same order.
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

export const rosenbrock: BenchmarkDefinition = {
  name: 'rosenbrock',
  description: 'Σ (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)²; start (−1.2, 1, −1.2, …); minimum 0 at (1, …, 1).',
  dimensions: anyDimensions(2),
  create: (options) =>
    benchmarkObjective(
      {
        dimension: options.dimensions,
        standardStart: (index) => (index % 2 === 0 ? -1.2 : 1),
        minimum: { value: 0, at: () => 1 },
        value(params) {
          let sum = 0;
          for (let i = 0; i + 1 < params.length; i++) {
            const x = params[i];
            const a = 1 - x;
            const d = params[i + 1] - x * x;
            sum += a * a + 100 * (d * d);
          }
          return sum;
        },
        valueAndGradient(params, gradient) {
          let sum = 0;
          gradient[0] = 0;
          for (let i = 0; i + 1 < params.length; i++) {
            const x = params[i];
            const a = 1 - x;
            const d = params[i + 1] - x * x;
            sum += a * a + 100 * (d * d);
            gradient[i] += -2 * a - 400 * x * d;
            gradient[i + 1] = 200 * d;
          }
          return sum;
        },
      },
      options,
    ),
};
