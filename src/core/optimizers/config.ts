/**
 * An optimizer configuration as a run spec gives it: `{ name, flavor, weightDecay, …hyperparameters }`.
 *
 * Hyperparameters a configuration leaves out take the definition's default for its flavor, so
 * a torch user writing flavor "pytorch" gets torch.optim's defaults. `weightDecay` is the
 * coupled L2 term g ← g + λ·θ that the training loop adds (default 0), except for optimizers with
 * `decoupledWeightDecay` (AdamW), where it is their own hyperparameter.
 */
import { z } from 'zod';
import { flavors, type Flavor, type Hyperparameters, type Optimizer, type OptimizerDefinition } from './optimizer.ts';
import { optimizers, type OptimizerName } from './registry.ts';

export const coupledWeightDecay = z
  .number()
  .min(0)
  .default(0)
  .describe('Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).');

type SchemaOf<Name extends OptimizerName> = (typeof optimizers)[Name]['hyperparameters'];
type Common<Name extends OptimizerName> = { name: Name; flavor: Flavor } & Omit<
  { weightDecay: number },
  keyof z.output<SchemaOf<Name>>
>;

type ConfigOf<Name extends OptimizerName> = Common<Name> & z.output<SchemaOf<Name>>;
type ConfigInputOf<Name extends OptimizerName> = { name: Name; flavor?: Flavor; weightDecay?: number } & z.input<
  SchemaOf<Name>
>;
type ResolvedOf<Name extends OptimizerName> = Common<Name> & Hyperparameters<SchemaOf<Name>>;

/** A parsed optimizer configuration (hyperparameters left out are undefined). */
export type OptimizerConfig = { [Name in OptimizerName]: ConfigOf<Name> }[OptimizerName];
/** An optimizer configuration with every hyperparameter filled in for its flavor. */
export type ResolvedOptimizerConfig = { [Name in OptimizerName]: ResolvedOf<Name> }[OptimizerName];

function configSchema(definition: OptimizerDefinition) {
  const pytorchOnly = definition.pytorchOnly ?? [];
  return z
    .strictObject({
      name: z.literal(definition.name),
      flavor: z.enum(flavors).default('paper').describe('"paper": the overview\'s equations; "pytorch": torch.optim\'s arithmetic.'),
      ...(definition.decoupledWeightDecay ? {} : { weightDecay: coupledWeightDecay }),
      ...definition.hyperparameters.shape,
    })
    .superRefine((config, context) => {
      if (config.flavor !== 'paper') return;
      for (const field of pytorchOnly) {
        if ((config as Record<string, unknown>)[field] !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: `${definition.name}: '${field}' applies only with flavor "pytorch".`,
          });
        }
      }
    });
}

const definitions: OptimizerDefinition[] = Object.values(optimizers);

/** Zod schema of an optimizer configuration: a union discriminated by `name`. */
export const optimizerConfigSchema = z.discriminatedUnion(
  'name',
  definitions.map(configSchema) as [ReturnType<typeof configSchema>, ...ReturnType<typeof configSchema>[]],
) as unknown as z.ZodType<OptimizerConfig, { [Name in OptimizerName]: ConfigInputOf<Name> }[OptimizerName]>;

/** Fills every hyperparameter the configuration leaves out with its flavor's default. */
export function resolveOptimizerConfig(config: OptimizerConfig): ResolvedOptimizerConfig {
  const definition: OptimizerDefinition = optimizers[config.name];
  const given = config as Record<string, unknown>;
  const resolved: Record<string, unknown> = { ...definition.defaults[config.flavor] };
  for (const field of Object.keys(resolved)) {
    if (given[field] !== undefined) resolved[field] = given[field];
  }
  if (!definition.decoupledWeightDecay) resolved.weightDecay = given.weightDecay ?? 0;
  return { name: config.name, flavor: config.flavor, ...resolved } as ResolvedOptimizerConfig;
}

/** A fresh optimizer for a parameter vector of length `dimension`. */
export function createOptimizer(dimension: number, config: OptimizerConfig): Optimizer {
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new RangeError(`Optimizer dimension must be a positive integer, got ${dimension}.`);
  }
  const definition: OptimizerDefinition = optimizers[config.name];
  const resolved = resolveOptimizerConfig(config) as Record<string, unknown>;
  const hyperparameters: Record<string, unknown> = {};
  for (const field of Object.keys(definition.hyperparameters.shape)) hyperparameters[field] = resolved[field];
  return definition.create(dimension, hyperparameters, config.flavor);
}
