/** The optimizer catalogue as plain data: what `GET /v1/optimizers` serves and forms are built from. */
import { z } from 'zod';
import { flavors, type Flavor, type OptimizerDefinition } from './optimizer.ts';
import { optimizers } from './registry.ts';
import { coupledWeightDecay } from './config.ts';

interface HyperparameterDescription {
  readonly name: string;
  readonly type: 'number';
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
  /** The value used when a configuration leaves the field out, per flavor. */
  readonly default: Readonly<Record<Flavor, number>>;
  /** The flavors in which the field may be set. */
  readonly flavors: readonly Flavor[];
  readonly description: string;
}

export interface OptimizerDescription {
  readonly name: string;
  readonly description: string;
  readonly flavors: readonly Flavor[];
  /** True when `weightDecay` is the optimizer's own decoupled decay rather than the loop's L2 term. */
  readonly decoupledWeightDecay: boolean;
  readonly hyperparameters: readonly HyperparameterDescription[];
}

function describeField(
  name: string,
  field: z.ZodType,
  defaults: Record<Flavor, number>,
  fieldFlavors: readonly Flavor[],
): HyperparameterDescription {
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = z.toJSONSchema(field, { io: 'input' }) as Record<
    string,
    number | undefined
  >;
  const bounds = Object.fromEntries(
    Object.entries({ minimum, exclusiveMinimum, maximum, exclusiveMaximum }).filter(([, value]) => value !== undefined),
  );
  return {
    name,
    type: 'number',
    ...bounds,
    default: defaults,
    flavors: fieldFlavors,
    description: field.description ?? '',
  };
}

function describe(definition: OptimizerDefinition): OptimizerDescription {
  const pytorchOnly = new Set(definition.pytorchOnly ?? []);
  const hyperparameters = Object.entries(definition.hyperparameters.shape).map(([name, field]) =>
    describeField(
      name,
      field as z.ZodType,
      { paper: definition.defaults.paper[name] as number, pytorch: definition.defaults.pytorch[name] as number },
      pytorchOnly.has(name) ? ['pytorch'] : flavors,
    ),
  );
  if (!definition.decoupledWeightDecay) {
    hyperparameters.push(describeField('weightDecay', coupledWeightDecay, { paper: 0, pytorch: 0 }, flavors));
  }
  return {
    name: definition.name,
    description: definition.description,
    flavors,
    decoupledWeightDecay: definition.decoupledWeightDecay ?? false,
    hyperparameters,
  };
}

/** Every registered optimizer with its hyperparameters, bounds and per-flavor defaults. */
export function describeOptimizers(): OptimizerDescription[] {
  return Object.values(optimizers).map((definition: OptimizerDefinition) => describe(definition));
}
