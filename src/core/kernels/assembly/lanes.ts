/**
 * Loading and storing two float64 lanes. Every kernel walks its vectors two elements at a time
 * (`full` true); an odd length ends with one element in lane 0 (`full` false: lane 1 is loaded as
 * 0, computed on harmlessly, and never stored). So the tail runs the very same lane arithmetic.
 */

// @ts-ignore: decorator
@inline export function loadLanes(pointer: usize, full: bool): v128 {
  return full ? v128.load(pointer) : v128.load64_zero(pointer);
}

// @ts-ignore: decorator
@inline export function storeLanes(pointer: usize, value: v128, full: bool): void {
  if (full) v128.store(pointer, value);
  else v128.store64_lane(pointer, value, 0);
}

/** Bytes of `length` float64 values. */
// @ts-ignore: decorator
@inline export function bytes(length: i32): usize {
  return (<usize>length) << 3;
}
