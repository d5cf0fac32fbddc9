/**
 * A two-parameter objective on a grid, for contour plots under a run's trajectory: the frame
 * around the points worth seeing, the grid's axes, and f on every node (`values[j][i]` is
 * f(x[i], y[j]); a value that is not finite is null).
 */
import type { Objective } from './objective.ts';

/** Margin on every side of the framed points, as a fraction of their span. */
const framePadding = 0.15;

/** The first two entries as a point, or null unless there are exactly two, both finite. */
export const finitePair = (values: readonly (number | null)[] | null | undefined): [number, number] | null =>
  values && values.length === 2 && Number.isFinite(values[0]) && Number.isFinite(values[1]) ? [values[0]!, values[1]!] : null;

/** [low, high] around the values with a margin; a single point gets a unit-sized window. */
export function frame(values: readonly number[]): [number, number] {
  let low = Math.min(...values);
  let high = Math.max(...values);
  const span = high - low;
  const margin = span > 0 ? span * framePadding : Math.max(1, Math.abs(low) * 0.5);
  low -= margin;
  high += margin;
  return [low, high];
}

/** `resolution` evenly spaced nodes from low to high, both included. */
export function gridAxis([low, high]: readonly [number, number], resolution: number): number[] {
  return Array.from({ length: resolution }, (_, index) => low + ((high - low) * index) / (resolution - 1));
}

export interface LandscapeGrid {
  readonly x: number[];
  readonly y: number[];
  readonly values: (number | null)[][];
  readonly valueRange: { readonly min: number | null; readonly max: number | null };
}

/** f of a two-parameter objective on the resolution × resolution grid over xRange × yRange. */
export function evaluateGrid(objective: Objective, resolution: number, xRange: [number, number], yRange: [number, number]): LandscapeGrid {
  const x = gridAxis(xRange, resolution);
  const y = gridAxis(yRange, resolution);
  const point = new Float64Array(2);
  let min = Infinity;
  let max = -Infinity;
  const values = y.map((yValue) => x.map((xValue) => {
    point[0] = xValue;
    point[1] = yValue;
    const value = objective.value(point);
    if (!Number.isFinite(value)) return null;
    if (value < min) min = value;
    if (value > max) max = value;
    return value;
  }));
  return { x, y, values, valueRange: { min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null } };
}
