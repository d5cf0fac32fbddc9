/**
 * Loops over Float64Array shared by many parts of the core. Each is a single pass and
 * allocates nothing.
 */

/** Euclidean norm ‖a‖₂. */
export function norm(a: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * a[i];
  return Math.sqrt(sum);
}

/** ‖a − b‖₂. */
export function distance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** y ← y + α·x. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** a ← α·a. */
export function scale(a: Float64Array, alpha: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= alpha;
}

/** True when every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
