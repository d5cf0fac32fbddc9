/**
 * Loops over Float64Array shared by many parts of the core. Each is a single pass and
 * allocates nothing. Vectors in kernel memory (kernels/) take the WebAssembly SIMD kernels,
 * which give the same bits as the loops here: the sums of squares (`norm`, `distance`) are
 * summed in the kernels' two-lane order on both paths,
 *
 *   Σ x_i² = (x_0² + x_2² + x_4² + …) + (x_1² + x_3² + …)      (each partial sum in index order)
 *
 * which differs in the last bits from one running sum over i (and runs faster in JavaScript too).
 */
import { kernelsFor } from './kernels/index.ts';

/** Euclidean norm ‖a‖₂. */
export function norm(a: Float64Array): number {
  const kernels = kernelsFor(a, a);
  if (kernels) return Math.sqrt(kernels.sumOfSquares(a.byteOffset, a.length));
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 1 < a.length; i += 2) {
    even += a[i] * a[i];
    odd += a[i + 1] * a[i + 1];
  }
  if (i < a.length) even += a[i] * a[i];
  return Math.sqrt(even + odd);
}

/** ‖a − b‖₂. */
export function distance(a: Float64Array, b: Float64Array): number {
  const kernels = kernelsFor(a, b);
  if (kernels) return Math.sqrt(kernels.squaredDistance(a.byteOffset, b.byteOffset, a.length));
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 1 < a.length; i += 2) {
    const d = a[i] - b[i];
    const e = a[i + 1] - b[i + 1];
    even += d * d;
    odd += e * e;
  }
  if (i < a.length) even += (a[i] - b[i]) * (a[i] - b[i]);
  return Math.sqrt(even + odd);
}

/** y ← y + α·x. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  const kernels = kernelsFor(x, y);
  if (kernels) return kernels.axpy(alpha, x.byteOffset, y.byteOffset, y.length);
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** a ← α·a. */
export function scale(a: Float64Array, alpha: number): void {
  const kernels = kernelsFor(a, a);
  if (kernels) return kernels.scale(a.byteOffset, a.length, alpha);
  for (let i = 0; i < a.length; i++) a[i] *= alpha;
}

/** True when every entry is finite. */
export function allFinite(a: Float64Array): boolean {
  const kernels = kernelsFor(a, a);
  if (kernels) return kernels.allFinite(a.byteOffset, a.length) === 1;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
