/**
 * Divergence detection: a run stops with `diverged` when the loss, the gradient or a parameter
 * is no longer finite, with a sentence that names the step and the quantity that blew up.
 */
import { allFinite, norm } from '../vec.ts';

/** ‖g‖₂ computed as m·‖g/m‖₂ with m = max|g_i|, for gradients whose squares overflow. */
function scaledNorm(gradient: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < gradient.length; i++) largest = Math.max(largest, Math.abs(gradient[i]));
  let sum = 0;
  for (let i = 0; i < gradient.length; i++) sum += (gradient[i] / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/** ‖g‖₂ of a finite loss and gradient (even when the squares overflow); null when either is not finite. */
export function finiteGradientNorm(loss: number, gradient: Float64Array): number | null {
  const gradNorm = norm(gradient);
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return gradNorm;
  return Number.isFinite(loss) && allFinite(gradient) ? scaledNorm(gradient) : null;
}

function describeValue(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** Index of the first parameter that is not finite, or −1. */
export function nonFiniteParameter(params: Float64Array): number {
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) return i;
  return -1;
}

function parameterName(variables: readonly string[], i: number): string {
  return `${variables[i] ?? `#${i + 1}`} (parameter ${i + 1})`;
}

/** The sentence for parameter i found non-finite after update `step`. */
export function describeBrokenParameter(variables: readonly string[], params: Float64Array, i: number, step: number): string {
  return `Diverged: ${parameterName(variables, i)} became ${describeValue(params[i])} at step ${step}.`;
}

/** Why update t could not be made: a parameter, the loss or a gradient coordinate is not finite. */
export function describeDivergence(variables: readonly string[], params: Float64Array, gradient: Float64Array, t: number, loss: number): string {
  const broken = nonFiniteParameter(params);
  if (broken >= 0) return describeBrokenParameter(variables, params, broken, t - 1);
  if (!Number.isFinite(loss)) return `Diverged at step ${t}: the loss is ${describeValue(loss)}.`;
  for (let i = 0; i < gradient.length; i++) {
    if (!Number.isFinite(gradient[i])) {
      return `Diverged at step ${t}: the gradient with respect to ${parameterName(variables, i)} is ${describeValue(gradient[i])}.`;
    }
  }
  return `Diverged at step ${t}.`;
}
