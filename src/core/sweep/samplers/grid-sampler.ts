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

/** Every value of an enumerable distribution, or null when it is a continuous range. */
function enumerate(distribution: Distribution): ParameterValue[] | null {
  if (distribution.kind === 'categorical') return [...distribution.choices];
  if (distribution.kind === 'float' && distribution.step === null) return null;
  const step = distribution.step!;
  const count = Math.round((distribution.high - distribution.low) / step) + 1;
  if (count > maxGridSize) return null;
  return Array.from({ length: count }, (_, i) => distribution.low + i * step);
}

/** All combinations, or the number reached when it exceeds `limit` (the grid is then refused). */
function gridPoints(space: SearchSpace, limit = maxGridSize): ParameterValues[] | number {
  const points: ParameterValues[] = [];
  const values = space.map((parameter) => enumerate(parameter.distribution) ?? []);
  const visit = (index: number, chosen: ParameterValues): boolean => {
    if (index === space.length) {
      points.push({ ...chosen });
      return points.length <= limit;
    }
    const parameter = space[index];
    if (!isActive(parameter, chosen)) return visit(index + 1, chosen);
    for (const value of values[index]) {
      chosen[parameter.name] = value;
      const fits = visit(index + 1, chosen);
      delete chosen[parameter.name];
      if (!fits) return false;
    }
    return true;
  };
  return visit(0, {}) ? points : points.length;
}

function spaceIssues(space: SearchSpace): SpaceIssue[] {
  const issues = space
    .filter((parameter) => enumerate(parameter.distribution) === null)
    .map((parameter) => ({ parameter: parameter.name, message: 'The grid sampler needs `values`, a `step`, or an int range.' }));
  if (issues.length > 0) return issues;
  const points = gridPoints(space);
  if (typeof points === 'number') return [{ parameter: '', message: `The grid has more than ${maxGridSize} combinations.` }];
  return [];
}

export const gridSampler: SamplerDefinition<typeof gridOptions> = {
  type: 'grid',
  description: 'Grid search: every combination of the values exactly once, in an order shuffled by the seed.',
  options: gridOptions,
  spaceIssues,
  create: (space, _options, seed) => {
    const listed = gridPoints(space) as ParameterValues[];
    const order = Int32Array.from(listed.keys());
    new Random(seed).shuffle(order);
    const points = Array.from(order, (index) => listed[index]);
    return {
      capacity: points.length,
      suggest: ({ trialNumber }) => {
        if (trialNumber >= points.length) throw new RangeError(`Trial ${trialNumber} is beyond the grid of ${points.length}.`);
        return { ...points[trialNumber] };
      },
    };
  },
};
