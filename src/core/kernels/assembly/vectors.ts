/**
 * Vector helpers (src/core/vec.ts) and gradient transforms (src/core/training/), bit for bit with
 * their JavaScript loops. The sums of squares keep two partial sums, one per lane (even and odd
 * indices), added at the end: vec.ts sums in that same order.
 */
import { bytes, loadLanes, storeLanes } from './lanes';

/**
 * Σ a_i², summed as (Σ over even i) + (Σ over odd i), each partial sum in index order. An odd
 * tail adds 0 to lane 1, which changes nothing (a sum of squares is never −0).
 */
export function sumOfSquares(a: usize, length: i32): f64 {
  const end = bytes(length);
  let sum = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const x = v128.load(a + o);
    sum = f64x2.add(sum, f64x2.mul(x, x));
  }
  if (o < end) {
    const x = v128.load64_zero(a + o);
    sum = f64x2.add(sum, f64x2.mul(x, x));
  }
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/** Σ (a_i − b_i)², summed as `sumOfSquares` does. */
export function squaredDistance(a: usize, b: usize, length: i32): f64 {
  const end = bytes(length);
  let sum = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const d = f64x2.sub(v128.load(a + o), v128.load(b + o));
    sum = f64x2.add(sum, f64x2.mul(d, d));
  }
  if (o < end) {
    const d = f64x2.sub(v128.load64_zero(a + o), v128.load64_zero(b + o));
    sum = f64x2.add(sum, f64x2.mul(d, d));
  }
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

// @ts-ignore: decorator
@inline function axpyLanes(x: usize, y: usize, full: bool, alpha: v128): void {
  storeLanes(y, f64x2.add(loadLanes(y, full), f64x2.mul(alpha, loadLanes(x, full))), full);
}

/** y ← y + α·x. */
export function axpy(alpha: f64, x: usize, y: usize, length: i32): void {
  const a = f64x2.splat(alpha);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) axpyLanes(x + o, y + o, true, a);
  if (o < end) axpyLanes(x + o, y + o, false, a);
}

/** a ← a·α. */
export function scale(a: usize, length: i32, alpha: f64): void {
  const factor = f64x2.splat(alpha);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) storeLanes(a + o, f64x2.mul(loadLanes(a + o, true), factor), true);
  if (o < end) storeLanes(a + o, f64x2.mul(loadLanes(a + o, false), factor), false);
}

// @ts-ignore: decorator
@inline function clampLanes(a: usize, full: bool, high: v128, low: v128): void {
  // g > c ? c : g  is pmin(g, c);  then  g < −c ? −c : g  is pmax(g, −c).
  storeLanes(a, f64x2.pmax(f64x2.pmin(loadLanes(a, full), high), low), full);
}

/** a_i ← clamp(a_i, −c, c), as clipping.ts's `clipByValue`. */
export function clampValues(a: usize, length: i32, maxValue: f64): void {
  const high = f64x2.splat(maxValue);
  const low = f64x2.splat(-maxValue);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) clampLanes(a + o, true, high, low);
  if (o < end) clampLanes(a + o, false, high, low);
}

/** 1 when every entry is finite (x − x is 0 exactly then, NaN for ±∞ and NaN), else 0. */
export function allFinite(a: usize, length: i32): bool {
  const end = bytes(length);
  let difference = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const x = v128.load(a + o);
    difference = f64x2.add(difference, f64x2.sub(x, x));
  }
  if (o < end) {
    const x = v128.load64_zero(a + o);
    difference = f64x2.add(difference, f64x2.sub(x, x));
  }
  return v128.all_true<i64>(f64x2.eq(difference, f64x2.splat(0)));
}
