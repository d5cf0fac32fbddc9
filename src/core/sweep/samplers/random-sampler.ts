/** Random search: every active parameter drawn independently and uniformly (on the logs for `log`). */
import { z } from 'zod';
import type { SamplerDefinition } from './sampler.ts';
import { isActive, type ParameterValues, type SearchSpace } from '../search-space.ts';
import { fromUnit } from '../unit-mapping.ts';
import type { Random } from '../../random.ts';

const randomOptions = z.strictObject({});

/** Draws every active parameter of `space` not already in `chosen`, in declaration order. */
function sampleRandomly(space: SearchSpace, random: Random, chosen: ParameterValues = {}): ParameterValues {
  const values: ParameterValues = { ...chosen };
  for (const parameter of space) {
    if (parameter.name in values || !isActive(parameter, values)) continue;
    values[parameter.name] = fromUnit(parameter.distribution, random.next());
  }
  return values;
}

export const randomSampler: SamplerDefinition<typeof randomOptions> = {
  type: 'random',
  description: 'Random search: each parameter uniform over its range (log-uniform when log), independently.',
  options: randomOptions,
  spaceIssues: () => [],
  work: (space) => space.length,
  create: (space) => ({
    capacity: null,
    suggest: ({ random }) => sampleRandomly(space, random),
  }),
};
