/**
 * Gradient check for any objective: the analytic gradient against central finite differences
 *
 *   ∂f/∂θᵢ ≈ (f(θ + hᵢeᵢ) − f(θ − hᵢeᵢ)) / (2hᵢ),  hᵢ = step · max(1, |θᵢ|)
 *
 * whose error is O(hᵢ²) from truncation plus about ε·|f|/hᵢ from rounding. A coordinate passes when
 *
 *   |analytic − numeric| ≤ tolerance · max(1, |analytic|, |numeric|) + 4ε · max(|f(θ ± hᵢeᵢ)|) / hᵢ
 *
 * (relative for large entries, absolute near zero, plus the rounding noise of the difference
 * itself). Defaults: step 1e-5 (near ε^⅓, which balances the two errors), tolerance 1e-5. Above
 * `maxCoordinates` dimensions a seeded sample of distinct coordinates is checked.
 */
import type { Objective } from './objective.ts';
import { Random } from '../random.ts';

export interface GradientCheckOptions {
  readonly step?: number;
  readonly tolerance?: number;
  /** Coordinates checked at most (default 100); more are sampled. */
  readonly maxCoordinates?: number;
  /** Seed of the coordinate sample (default 0). */
  readonly seed?: number;
}

interface CoordinateCheck {
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absoluteError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0. */
  readonly relativeError: number;
  readonly passed: boolean;
}

export interface GradientCheckResult {
  readonly passed: boolean;
  readonly value: number;
  readonly dimension: number;
  readonly step: number;
  readonly tolerance: number;
  readonly maxAbsoluteError: number;
  readonly maxRelativeError: number;
  /** The coordinate with the largest error relative to what it was allowed, or -1 when none was checked. */
  readonly worstIndex: number;
  readonly coordinates: readonly CoordinateCheck[];
}

const defaultGradientCheck = { step: 1e-5, tolerance: 1e-5, maxCoordinates: 100, seed: 0 } as const;

export function checkGradient(objective: Objective, params: Float64Array, options: GradientCheckOptions = {}): GradientCheckResult {
  const { step, tolerance, maxCoordinates, seed } = { ...defaultGradientCheck, ...options };
  const dimension = objective.dimension;
  const gradient = new Float64Array(dimension);
  const value = objective.valueAndGradient(params, gradient);
  const point = Float64Array.from(params);
  const coordinates: CoordinateCheck[] = [];
  let worstIndex = -1;
  let worstRatio = -1;
  for (const index of chooseCoordinates(dimension, maxCoordinates, seed)) {
    const original = point[index];
    const h = step * Math.max(1, Math.abs(original));
    point[index] = original + h;
    const plus = objective.value(point);
    point[index] = original - h;
    const minus = objective.value(point);
    point[index] = original;
    const analytic = gradient[index];
    const numeric = (plus - minus) / (2 * h);
    const absoluteError = Math.abs(analytic - numeric);
    const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    const allowed = tolerance * Math.max(1, scale) + (4 * Number.EPSILON * Math.max(Math.abs(plus), Math.abs(minus))) / h;
    // NaN anywhere fails: the comparison below is false for NaN.
    const passed = absoluteError <= allowed;
    const ratio = passed ? absoluteError / allowed : Infinity;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = index;
    }
    coordinates.push({ index, analytic, numeric, absoluteError, relativeError: scale === 0 ? 0 : absoluteError / scale, passed });
  }
  return {
    passed: Number.isFinite(value) && coordinates.every((coordinate) => coordinate.passed),
    value,
    dimension,
    step,
    tolerance,
    maxAbsoluteError: maxOf(coordinates.map((coordinate) => coordinate.absoluteError)),
    maxRelativeError: maxOf(coordinates.map((coordinate) => coordinate.relativeError)),
    worstIndex,
    coordinates,
  };
}

/** All coordinates, or `count` distinct ones drawn with the seeded generator, in increasing order. */
function chooseCoordinates(dimension: number, count: number, seed: number): number[] {
  if (dimension <= count) return Array.from({ length: dimension }, (_, index) => index);
  const random = new Random(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(random.int(dimension));
  return [...chosen].sort((a, b) => a - b);
}

/** The largest entry; NaN when any is NaN, 0 for none. */
function maxOf(values: number[]): number {
  return values.reduce((largest, entry) => (Number.isNaN(entry) || entry > largest ? entry : largest), 0);
}
