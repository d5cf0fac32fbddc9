/**
 * Quasi-Monte Carlo search: trial n takes point n of a low-discrepancy sequence (scrambled
 * Sobol or Halton), one coordinate per parameter in declaration order, mapped to values as
 * random search maps uniform numbers. The first 2^k Sobol points cover every dyadic interval of
 * length 2^−k once per coordinate: a budget of a power of two spreads evenly over the space.
 * Optuna's QMCSampler defaults to unscrambled Sobol; here scrambling is on by default, so the
 * seed matters and the first point is not the corner of the space.
 */
import { z } from 'zod';
import type { SamplerDefinition } from './sampler.ts';
import { isActive, type ParameterValues } from '../search-space.ts';
import { fromUnit } from '../unit-mapping.ts';
import { Random } from '../../random.ts';
import { maxSobolDimensions, SobolSequence } from './sobol.ts';
import { HaltonSequence } from './halton.ts';

const qmcOptions = z.strictObject({
  sequence: z.enum(['sobol', 'halton']).default('sobol').describe('Which low-discrepancy sequence.'),
  scramble: z.boolean().default(true).describe('Randomise the sequence by the seed (Sobol: linear matrix scrambling and a digital shift; Halton: digit permutations).'),
});

export const qmcSampler: SamplerDefinition<typeof qmcOptions> = {
  type: 'qmc',
  description: 'Quasi-Monte Carlo: trial n is point n of a scrambled Sobol or Halton sequence.',
  options: qmcOptions,
  spaceIssues: (space, options) =>
    options.sequence === 'sobol' && space.length > maxSobolDimensions
      ? [{ parameter: '', message: `Sobol points go up to ${maxSobolDimensions} parameters; use "halton".` }]
      : [],
  work: (space) => space.length,
  create: (space, options, seed) => {
    const random = options.scramble ? new Random(seed) : null;
    const sequence = options.sequence === 'sobol' ? new SobolSequence(space.length, random) : new HaltonSequence(space.length, random);
    return {
      capacity: null,
      suggest: ({ trialNumber }) => {
        const point = sequence.point(trialNumber);
        const values: ParameterValues = {};
        space.forEach((parameter, j) => {
          if (isActive(parameter, values)) values[parameter.name] = fromUnit(parameter.distribution, point[j]);
        });
        return values;
      },
    };
  },
};
