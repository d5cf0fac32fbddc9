/** The parallel-algorithm catalogue as plain data: what `GET /v1/parallel-algorithms` serves. */
import { z } from 'zod';
import type { ParallelParameter } from './algorithm.ts';
import { parallelAlgorithms } from './registry.ts';
import { parallelSettingsSchema, type Execution } from './settings.ts';

interface ParallelParameterDescription {
  readonly name: ParallelParameter;
  readonly type: 'integer' | 'number';
  readonly minimum: number;
  readonly maximum: number;
  /** The value used when the field is left out (null when it depends on `replicas`: see the description). */
  readonly default: number | null;
  readonly simulatedOnly: boolean;
  readonly description: string;
}

export interface ParallelAlgorithmDescription {
  readonly name: string;
  readonly description: string;
  readonly paper: string;
  /** The optimizer the algorithm needs (null: any). */
  readonly optimizer: string | null;
  readonly executions: readonly Execution[];
  readonly schedules: boolean;
  readonly parameters: readonly ParallelParameterDescription[];
}

const defaults: Readonly<Record<ParallelParameter, number | null>> = { communicationPeriod: 1, movingRate: null, delay: 0, shards: 1 };

function describeParameter(name: ParallelParameter, simulatedOnly: boolean): ParallelParameterDescription {
  const field = parallelSettingsSchema.shape[name];
  const schema = z.toJSONSchema(field, { io: 'input' }) as { type: 'integer' | 'number'; minimum: number; maximum: number };
  return { name, type: schema.type, minimum: schema.minimum, maximum: schema.maximum, default: defaults[name], simulatedOnly, description: field.description ?? '' };
}

export function describeParallelAlgorithms(): ParallelAlgorithmDescription[] {
  return Object.values(parallelAlgorithms).map((definition) => ({
    name: definition.name,
    description: definition.description,
    paper: definition.paper,
    optimizer: definition.optimizer ?? null,
    executions: definition.executions,
    schedules: definition.schedules,
    parameters: definition.parameters.map((name) => describeParameter(name, definition.simulatedOnly?.includes(name) ?? false)),
  }));
}
