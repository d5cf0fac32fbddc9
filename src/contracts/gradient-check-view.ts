/**
 * The gradient check as JSON (the API's `gradientCheck`, `descent run --check-gradient --jsonl`):
 * every coordinate named by its variable, and non-finite numbers as null since JSON has neither
 * NaN nor Infinity.
 */
import type { GradientCheckResult } from '../core/objectives/index.ts';
import { finiteOrNull } from '../core/training/non-finite-entries.ts';

export function toGradientCheckView(check: GradientCheckResult, variables: readonly string[]) {
  return {
    passed: check.passed,
    value: finiteOrNull(check.value),
    step: check.step,
    tolerance: check.tolerance,
    maxAbsoluteError: finiteOrNull(check.maxAbsoluteError),
    maxRelativeError: finiteOrNull(check.maxRelativeError),
    coordinates: check.coordinates.map((coordinate) => ({
      index: coordinate.index,
      variable: variables[coordinate.index] ?? `#${coordinate.index + 1}`,
      analytic: finiteOrNull(coordinate.analytic),
      numeric: finiteOrNull(coordinate.numeric),
      absoluteError: finiteOrNull(coordinate.absoluteError),
      relativeError: finiteOrNull(coordinate.relativeError),
      passed: coordinate.passed,
    })),
  };
}
