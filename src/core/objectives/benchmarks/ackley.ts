/**
 * Ackley's function in n dimensions:
 *
 *   f(x) = −20·exp(−0.2·r) − exp(C/n) + 20 + e,  r = √(Σxᵢ²/n),  C = Σ cos 2πxᵢ
 *   ∂f/∂xᵢ = 4·exp(−0.2·r)·xᵢ/(n·r) + (2π/n)·exp(C/n)·sin 2πxᵢ
 *
 * The first term has a cone point at 0; there its gradient is taken as 0 (a subgradient).
 * Start (2, …, 2); minimum 0 at 0.
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

const twoPi = 2 * Math.PI;

/** Σxᵢ² and Σ cos 2πxᵢ, the two sums the value needs. */
function sums(params: Float64Array): [squares: number, cosines: number] {
  let squares = 0;
  let cosines = 0;
  for (let i = 0; i < params.length; i++) {
    squares += params[i] * params[i];
    cosines += Math.cos(twoPi * params[i]);
  }
  return [squares, cosines];
}

const combine = (radius: number, cosineMean: number) =>
  -20 * Math.exp(-0.2 * radius) - Math.exp(cosineMean) + 20 + Math.E;

export const ackley: BenchmarkDefinition = {
  name: 'ackley',
  description: '−20 exp(−0.2 √(Σxᵢ²/n)) − exp(Σ cos 2πxᵢ / n) + 20 + e; start (2, …, 2); minimum 0 at 0.',
  dimensions: anyDimensions(1),
  create: (options) =>
    benchmarkObjective(
      {
        dimension: options.dimensions,
        standardStart: () => 2,
        minimum: { value: 0, at: () => 0 },
        value(params) {
          const [squares, cosines] = sums(params);
          const n = params.length;
          return combine(Math.sqrt(squares / n), cosines / n);
        },
        valueAndGradient(params, gradient) {
          const [squares, cosines] = sums(params);
          const n = params.length;
          const radius = Math.sqrt(squares / n);
          const radial = radius === 0 ? 0 : (4 * Math.exp(-0.2 * radius)) / (n * radius);
          const periodic = (twoPi / n) * Math.exp(cosines / n);
          for (let i = 0; i < n; i++) gradient[i] = radial * params[i] + periodic * Math.sin(twoPi * params[i]);
          return combine(radius, cosines / n);
        },
      },
      options,
    ),
};
