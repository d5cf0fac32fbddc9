/**
 * Grid search: every combination of the parameters' values exactly once. Conditional
 * parameters multiply only the branches where they are active. The combinations are listed in
 * declaration order, then shuffled by the seed (as Optuna's grid sampler does, so a budget
 * smaller than the grid still spreads over it); trial n takes combination n. Claiming trial
 * numbers once (the service does it in the database) is what makes every point run once.
 */
import { z } from 'zod';
import type { SamplerDefinition, SpaceIssue } from './sampler.ts';
import { isActive, type Distribution, type ParameterValue, type ParameterValues, type SearchSpace } from '../search-space.ts';
import { Random } from '../../random.ts';

const maxGridSize = 100_000;

const gridOptions = z.strictObject({});

/** How many values an enumerable distribution has (not listed), or null when it is a continuous range. */
function valueCount(distribution: Distribution): number | null {
  if (distribution.kind === 'categorical') return distribution.choices.length;
  if (distribution.kind === 'float' && distribution.step === null) return null;
  return Math.round((distribution.high - distribution.low) / distribution.step!) + 1;
}

/** Every value of an enumerable distribution of at most maxGridSize values. */
function enumerate(distribution: Distribution): ParameterValue[] {
  if (distribution.kind === 'categorical') return [...distribution.choices];
  const step = distribution.step!;
  return Array.from({ length: valueCount(distribution)! }, (_, i) => distribution.low + i * step);
}

/**
 * How many combinations the grid has, counted without listing them; `limit + 1` once it is
 * known to be larger. A parameter no later `when` looks at has as many combinations after each
 * of its values, so its count multiplies; only the values of a parameter some `when` names are
 * followed one by one. Listing them took seconds of the API's event loop for a grid of many
 * parameters it then refused.
 */
function gridSize(space: SearchSpace, limit = maxGridSize): number {
  const named = new Set(space.flatMap((parameter) => Object.keys(parameter.when ?? {})));
  const counts = space.map((parameter) => valueCount(parameter.distribution)!);
  const values = space.map((parameter, index) => (named.has(parameter.name) && counts[index] <= limit ? enumerate(parameter.distribution) : null));
  const count = (index: number, chosen: ParameterValues): number => {
    if (index === space.length) return 1;
    const parameter = space[index];
    if (!isActive(parameter, chosen)) return count(index + 1, chosen);
    const listed = values[index];
    if (listed === null) return Math.min(limit + 1, counts[index] * count(index + 1, chosen));
    let total = 0;
    for (const value of listed) {
      total += count(index + 1, { ...chosen, [parameter.name]: value });
      if (total > limit) return limit + 1;
    }
    return total;
  };
  return count(0, {});
}

/** All combinations, in declaration order (the grid holds at most maxGridSize). */
function gridPoints(space: SearchSpace): ParameterValues[] {
  const points: ParameterValues[] = [];
  const values = space.map((parameter) => enumerate(parameter.distribution));
  const visit = (index: number, chosen: ParameterValues): void => {
    if (index === space.length) {
      points.push({ ...chosen });
      return;
    }
    const parameter = space[index];
    if (!isActive(parameter, chosen)) {
      visit(index + 1, chosen);
      return;
    }
    for (const value of values[index]) {
      chosen[parameter.name] = value;
      visit(index + 1, chosen);
      delete chosen[parameter.name];
    }
  };
  visit(0, {});
  return points;
}

function spaceIssues(space: SearchSpace): SpaceIssue[] {
  const issues = space
    .filter((parameter) => valueCount(parameter.distribution) === null)
    .map((parameter) => ({ parameter: parameter.name, message: 'The grid sampler needs `values`, a `step`, or an int range.' }));
  if (issues.length > 0) return issues;
  if (gridSize(space) > maxGridSize) return [{ parameter: '', message: `The grid has more than ${maxGridSize} combinations.` }];
  return [];
}

export const gridSampler: SamplerDefinition<typeof gridOptions> = {
  type: 'grid',
  description: 'Grid search: every combination of the values exactly once, in an order shuffled by the seed.',
  options: gridOptions,
  spaceIssues,
  create: (space, _options, seed) => {
    // The points are listed at the first suggestion: a submission asks only for the capacity.
    let points: ParameterValues[] | null = null;
    const shuffled = (): ParameterValues[] => {
      if (points !== null) return points;
      const listed = gridPoints(space);
      const order = Int32Array.from(listed.keys());
      new Random(seed).shuffle(order);
      points = Array.from(order, (index) => listed[index]);
      return points;
    };
    const capacity = gridSize(space);
    return {
      capacity,
      suggest: ({ trialNumber }) => {
        if (trialNumber >= capacity) throw new RangeError(`Trial ${trialNumber} is beyond the grid of ${capacity}.`);
        return { ...shuffled()[trialNumber] };
      },
    };
  },
};
