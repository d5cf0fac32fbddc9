/**
 * Beale's function:
 *
 *   f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²
 *   ∂f/∂x = 2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1),  ∂f/∂y = 2a·x + 2b·2xy + 2c·3xy²
 *
 * with a, b, c the three brackets. Start (1, 1.5); minimum 0 at (3, 0.5).
 */
import { benchmarkObjective, twoDimensions, type BenchmarkDefinition } from './benchmark.ts';

/** f(x, y), the brackets in the order of the formula. */
function bealeValue(params: Float64Array): number {
  const x = params[0];
  const y = params[1];
  const y2 = y * y;
  const a = 1.5 - x + x * y;
  const b = 2.25 - x + x * y2;
  const c = 2.625 - x + x * (y2 * y);
  return a * a + b * b + c * c;
}

/** f(x, y) and ∇f in one pass. */
export function bealeValueAndGradient(params: Float64Array, gradient: Float64Array): number {
  const x = params[0];
  const y = params[1];
  const y2 = y * y;
  const y3 = y2 * y;
  const a = 1.5 - x + x * y;
  const b = 2.25 - x + x * y2;
  const c = 2.625 - x + x * y3;
  gradient[0] = 2 * a * (y - 1) + 2 * b * (y2 - 1) + 2 * c * (y3 - 1);
  gradient[1] = 2 * a * x + 4 * b * x * y + 6 * c * x * y2;
  return a * a + b * b + c * c;
}

export const beale: BenchmarkDefinition = {
  name: 'beale',
  description: '(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; start (1, 1.5); minimum 0 at (3, 0.5).',
  dimensions: twoDimensions,
  create: (options) =>
    benchmarkObjective(
      {
        dimension: 2,
        names: ['x', 'y'],
        standardStart: (index) => [1, 1.5][index],
        minimum: { value: 0, at: (index) => [3, 0.5][index] },
        value: bealeValue,
        valueAndGradient: bealeValueAndGradient,
      },
      options,
    ),
};
