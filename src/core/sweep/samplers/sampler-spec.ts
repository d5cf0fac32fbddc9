/** The `sampler` field of a sweep spec: `{ type, seed?, …options }`, one branch per registered sampler. */
import { z } from 'zod';
import { samplers, type SamplerType } from './registry.ts';
import type { Sampler, SamplerDefinition } from './sampler.ts';
import type { SearchSpace } from '../search-space.ts';

const seed = z.number().int().min(0).max(2 ** 32 - 1).optional().describe('Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed).');

function branch<Type extends SamplerType, Shape extends z.ZodRawShape>(type: Type, definition: { options: z.ZodObject<Shape>; description: string }) {
  return z.strictObject({ type: z.literal(type), seed, ...definition.options.shape }).describe(definition.description);
}

export const samplerSpecSchema = z
  .discriminatedUnion('type', [branch('grid', samplers.grid), branch('random', samplers.random), branch('qmc', samplers.qmc), branch('tpe', samplers.tpe)])
  .describe('How trial parameters are chosen.');

export type SamplerSpec = z.output<typeof samplerSpecSchema>;

function options(spec: SamplerSpec): Record<string, unknown> {
  const { type: _type, seed: _seed, ...rest } = spec;
  return rest;
}

export function samplerSpaceIssues(spec: SamplerSpec, space: SearchSpace, maxTrials: number) {
  const definition: SamplerDefinition = samplers[spec.type];
  return definition.spaceIssues(space, options(spec), maxTrials);
}

/** The work of one suggestion among `trials` other trials (see SamplerDefinition.work). */
export function suggestionWork(spec: SamplerSpec, space: SearchSpace, trials: number): number {
  const definition: SamplerDefinition = samplers[spec.type];
  return definition.work(space, options(spec), trials);
}

export function createSampler(spec: SamplerSpec, space: SearchSpace): Sampler {
  const definition: SamplerDefinition = samplers[spec.type];
  return definition.create(space, options(spec), spec.seed ?? 0);
}
