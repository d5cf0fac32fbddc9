/**
 * An ill-conditioned convex quadratic:
 *
 *   f(x) = ½ Σ λᵢ xᵢ²,  λᵢ = κ^((i−1)/(n−1)),  ∇f = (λᵢ xᵢ)
 *
 * with curvatures spaced geometrically from 1 to the condition number κ (`conditionNumber`,
 * default 100; in one dimension λ = 1). Start (1, …, 1); minimum 0 at 0.
 */
import { anyDimensions, benchmarkObjective, type BenchmarkDefinition } from './benchmark.ts';

export const defaultConditionNumber = 100;

export const quadratic: BenchmarkDefinition = {
  name: 'quadratic',
  description: '½ Σ λᵢxᵢ² with λ from 1 to κ (conditionNumber, default 100); start (1, …, 1); minimum 0 at 0.',
  dimensions: anyDimensions(1),
  conditioned: true,
  create(options) {
    const n = options.dimensions;
    const logKappa = Math.log(options.conditionNumber);
    const curvatures = Float64Array.from({ length: n }, (_, i) => (n === 1 ? 1 : Math.exp((logKappa * i) / (n - 1))));
    return benchmarkObjective(
      {
        dimension: n,
        standardStart: () => 1,
        minimum: { value: 0, at: () => 0 },
        value(params) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) sum += curvatures[i] * params[i] * params[i];
          return 0.5 * sum;
        },
        valueAndGradient(params, gradient) {
          let sum = 0;
          for (let i = 0; i < params.length; i++) {
            const slope = curvatures[i] * params[i];
            sum += slope * params[i];
            gradient[i] = slope;
          }
          return 0.5 * sum;
        },
      },
      options,
    );
  },
};
