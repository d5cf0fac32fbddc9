/** Central finite differences, written independently of any objective, for gradient tests. */
import type { Objective } from '../../../../src/core/objectives/objective.ts';

export interface GradientComparison {
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
  /** max_i |analytic_i − numeric_i| / max(1, max_i |numeric_i|). */
  readonly relativeError: number;
}

/** ∂f/∂θ_i ≈ (f(θ + h·e_i) − f(θ − h·e_i)) / 2h, against the objective's analytic gradient. */
export function compareGradient(objective: Objective, params: Float64Array, step = 1e-6): GradientComparison {
  const analytic = new Float64Array(objective.dimension);
  objective.valueAndGradient(params, analytic);
  const numeric = new Float64Array(objective.dimension);
  const probe = Float64Array.from(params);
  for (let i = 0; i < probe.length; i++) {
    probe[i] = params[i] + step;
    const plus = objective.value(probe);
    probe[i] = params[i] - step;
    const minus = objective.value(probe);
    probe[i] = params[i];
    numeric[i] = (plus - minus) / (2 * step);
  }
  let largest = 1;
  let error = 0;
  for (let i = 0; i < numeric.length; i++) {
    largest = Math.max(largest, Math.abs(numeric[i]));
    error = Math.max(error, Math.abs(analytic[i] - numeric[i]));
  }
  return { analytic, numeric, relativeError: error / largest };
}

/** Deterministic pseudo-random parameters in [−scale, scale] (a small LCG, no shared code). */
export function scatteredParams(dimension: number, scale = 0.5, seed = 12345): Float64Array {
  const params = new Float64Array(dimension);
  let state = seed >>> 0;
  for (let i = 0; i < dimension; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    params[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return params;
}
