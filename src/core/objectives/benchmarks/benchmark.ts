/**
 * What every benchmark function provides: f and ∇f written by hand, a documented standard
 * starting point and, where there is one, the known minimum. Evaluations allocate nothing and
 * make one pass over the parameters, so n-dimensional functions stay fast at 10⁶ dimensions.
 */
import type { Objective } from '../objective.ts';

/** The largest `dimensions` a benchmark accepts (each parameter vector is 8 bytes per entry). */
export const maxBenchmarkDimensions = 10_000_000;

export interface BenchmarkOptions {
  readonly dimensions: number;
  /** κ, for the ill-conditioned quadratic. */
  readonly conditionNumber: number;
  /** Replaces the standard starting point (length `dimensions`). */
  readonly initial?: readonly number[];
}

export interface BenchmarkDefinition {
  readonly name: string;
  /** The formula, the standard start and the known minimum, in one line. */
  readonly description: string;
  /** Allowed and default sizes; two-dimensional functions have min = max = 2. */
  readonly dimensions: { readonly default: number; readonly min: number; readonly max: number };
  /** True when `conditionNumber` applies. */
  readonly conditioned?: boolean;
  create(options: BenchmarkOptions): Objective;
}

interface ObjectiveParts {
  readonly dimension: number;
  /** Parameter names for two-dimensional functions; n-dimensional ones are named x1 … xn. */
  readonly names?: readonly string[];
  readonly standardStart: (index: number) => number;
  readonly minimum?: { readonly value: number; readonly at?: (index: number) => number };
  readonly value: (params: Float64Array) => number;
  readonly valueAndGradient: (params: Float64Array, gradient: Float64Array) => number;
}

/**
 * Assembles the objective. Names and the minimiser are built only when asked for: at 10⁷
 * dimensions a list of names would cost more memory than the parameters.
 */
export function benchmarkObjective(parts: ObjectiveParts, options: BenchmarkOptions): Objective {
  const { dimension, names, standardStart, minimum, value, valueAndGradient } = parts;
  const initial = options.initial
    ? Float64Array.from(options.initial)
    : Float64Array.from({ length: dimension }, (_, index) => standardStart(index));
  let variables: readonly string[] | undefined = names;
  return {
    get variables() {
      variables ??= Array.from({ length: dimension }, (_, index) => `x${index + 1}`);
      return variables;
    },
    dimension,
    initial,
    minimum: minimum && {
      value: minimum.value,
      get params() {
        return minimum.at && Array.from({ length: dimension }, (_, index) => minimum.at!(index));
      },
    },
    value,
    valueAndGradient,
  };
}

/**
 * The size a spec asks for: `dimensions`, else the length of `initial`, else the default; with
 * the first problem of the request (and the field at fault) when the function cannot take it.
 */
export function resolveDimensions(
  definition: BenchmarkDefinition,
  dimensions: number | undefined,
  initial: readonly number[] | undefined,
): { dimensions: number; problem: { field: 'dimensions' | 'initial'; message: string } | null } {
  const resolved = dimensions ?? initial?.length ?? definition.dimensions.default;
  const { min, max } = definition.dimensions;
  const sizeProblem =
    min === max && resolved !== min
      ? `${definition.name} has exactly ${min} dimensions, not ${resolved}`
      : resolved < min
        ? `${definition.name} needs at least ${min} dimensions, not ${resolved}`
        : resolved > max
          ? `${definition.name} takes at most ${max} dimensions, not ${resolved}`
          : null;
  if (sizeProblem) return { dimensions: resolved, problem: { field: dimensions === undefined ? 'initial' : 'dimensions', message: sizeProblem } };
  if (initial !== undefined && initial.length !== resolved) {
    const message = `initial has ${initial.length} entries but dimensions is ${resolved}`;
    return { dimensions: resolved, problem: { field: 'initial', message } };
  }
  return { dimensions: resolved, problem: null };
}

/** Sizes of a function of exactly two variables x and y. */
export const twoDimensions = { default: 2, min: 2, max: 2 } as const;

/** Sizes of a function of any number of variables from `min` on. */
export const anyDimensions = (min: number) => ({ default: 2, min, max: maxBenchmarkDimensions }) as const;

/** Parts of a two-variable benchmark given as f(x, y) and ∇f(x, y). */
export function twoVariableParts(
  start: readonly [number, number],
  minimum: { value: number; at?: readonly [number, number] } | undefined,
  f: (x: number, y: number) => number,
  gradient: (x: number, y: number, out: Float64Array) => void,
): ObjectiveParts {
  return {
    dimension: 2,
    names: ['x', 'y'],
    standardStart: (index) => start[index],
    minimum: minimum && { value: minimum.value, at: minimum.at && ((index) => minimum.at![index]) },
    value: (params) => f(params[0], params[1]),
    valueAndGradient: (params, out) => {
      gradient(params[0], params[1], out);
      return f(params[0], params[1]);
    },
  };
}
