/** The `pruner` field of a sweep spec: `{ type, …options }`, one branch per registered pruner. */
import { z } from 'zod';
import { pruners, type PrunerType } from './registry.ts';
import type { Pruner, PrunerDefinition } from './pruner.ts';

function branch<Type extends PrunerType, Shape extends z.ZodRawShape>(type: Type, definition: { options: z.ZodObject<Shape>; description: string }) {
  return z.strictObject({ type: z.literal(type), ...definition.options.shape }).describe(definition.description);
}

export const prunerSpecSchema = z
  .discriminatedUnion('type', [branch('none', pruners.none), branch('median', pruners.median), branch('asha', pruners.asha)])
  .describe('When to stop unpromising trials early.');

export type PrunerSpec = z.output<typeof prunerSpecSchema>;

export function createPruner(spec: PrunerSpec): Pruner {
  const { type, ...options } = spec;
  const definition: PrunerDefinition = pruners[type];
  return definition.create(options);
}
