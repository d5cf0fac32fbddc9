/** `descent run --check-gradient`: the core's gradient check at the initial point, for people or as JSON. */
import { toGradientCheckView } from '../contracts/gradient-check-view.ts';
import type { GradientCheckResult } from '../core/objectives/index.ts';

/** Coordinates listed one per line at most; beyond, only the worst is shown. */
const maxListedCoordinates = 20;

function formatError(value: number): string {
  return Number.isFinite(value) ? value.toExponential(3) : String(value);
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(10))) : String(value);
}

/** The check as text: summary, per-coordinate table (or the worst coordinate), verdict. */
export function gradientCheckText(check: GradientCheckResult, variables: readonly string[]): string {
  const name = (index: number) => variables[index] ?? `#${index + 1}`;
  const checked = check.coordinates.length;
  const lines = [
    `Gradient check at the initial point: analytic gradient vs central finite differences`,
    `  f(initial) = ${formatValue(check.value)}, ${check.dimension} parameter${check.dimension === 1 ? '' : 's'}`
      + `${checked < check.dimension ? `, ${checked} checked (seeded sample)` : ''}`,
    `  step ${check.step} (relative), tolerance ${check.tolerance}`,
    `  max absolute error: ${formatError(check.maxAbsoluteError)}`,
    `  max relative error: ${formatError(check.maxRelativeError)}`,
  ];
  const width = Math.max(1, ...check.coordinates.map((coordinate) => name(coordinate.index).length));
  const row = (index: number) => {
    const coordinate = check.coordinates.find((entry) => entry.index === index)!;
    return `${coordinate.passed ? ' ' : '✗'} ${name(index).padEnd(width)}  analytic ${formatValue(coordinate.analytic).padStart(20)}`
      + `  numeric ${formatValue(coordinate.numeric).padStart(20)}  abs ${formatError(coordinate.absoluteError)}`
      + `  rel ${formatError(coordinate.relativeError)}`;
  };
  if (checked <= maxListedCoordinates) {
    lines.push('Coordinates:', ...check.coordinates.map((coordinate) => `  ${row(coordinate.index)}`));
  } else if (check.worstIndex >= 0) {
    lines.push('Worst coordinate:', `  ${row(check.worstIndex)}`);
  }
  const failed = check.coordinates.filter((coordinate) => !coordinate.passed).length;
  lines.push(check.passed
    ? 'Result: passed'
    : `Result: FAILED (${failed} of ${checked} checked coordinates disagree${Number.isFinite(check.value) ? '' : '; f is not finite'})`);
  return `${lines.join('\n')}\n`;
}

/** The check as one JSON line, `{"gradientCheck": {...}}`. */
export function gradientCheckJson(check: GradientCheckResult, variables: readonly string[]): string {
  const { passed, value, ...rest } = toGradientCheckView(check, variables);
  return `${JSON.stringify({ gradientCheck: { passed, value, dimension: check.dimension, ...rest } })}\n`;
}
