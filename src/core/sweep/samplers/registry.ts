/** The sampler registry: one line per sampler. It drives the sweep spec, the catalogue and the tests. */
import type { SamplerDefinition } from './sampler.ts';
import { gridSampler } from './grid-sampler.ts';
import { randomSampler } from './random-sampler.ts';
import { qmcSampler } from './qmc-sampler.ts';
import { tpeSampler } from './tpe/tpe-sampler.ts';

export const samplers = {
  grid: gridSampler,
  random: randomSampler,
  qmc: qmcSampler,
  tpe: tpeSampler,
} satisfies Record<string, SamplerDefinition>;

export type SamplerType = keyof typeof samplers;
export const samplerTypes = Object.keys(samplers) as SamplerType[];
