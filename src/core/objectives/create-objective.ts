/** Builds the objective a validated spec describes. */
import type { DatasetFieldError } from '../datasets/dataset.ts';
import { repeatedInlineColumn } from '../datasets/source.ts';
import { benchmarks, defaultConditionNumber, resolveDimensions } from './benchmarks/index.ts';
import { createExpressionObjective } from './expression/expression-objective.ts';
import { createModelObjective, type ResolvedModelObjectiveSpec } from './models/index.ts';
import type { Objective } from './objective.ts';
import type { BenchmarkObjectiveSpec, ObjectiveSpec } from './spec.ts';

/**
 * An objective spec whose model data may already be loaded: the form `createObjective` takes
 * once the service or the CLI has resolved `{ id }` and `{ path }` sources (resolveDataSources).
 * Every ObjectiveSpec is one.
 */
export type ResolvedObjectiveSpec = Exclude<ObjectiveSpec, { type: 'model' }> | ResolvedModelObjectiveSpec;

export function createObjective(spec: ResolvedObjectiveSpec): Objective {
  switch (spec.type) {
    case 'expression':
      return createExpressionObjective(spec);
    case 'benchmark':
      return createBenchmarkObjective(spec);
    case 'model':
      return createModelObjective(spec);
  }
}

/**
 * repeatedInlineColumn of a model spec's data, then of its validation set (its path from the
 * objective: `['data', 'rows', 4, 'indices', 1]`); null for other specs. What a spec is checked
 * for as it comes in (a submission, a local run or sweep, a run starting fresh), not as its
 * objective is built: a run accepted before the check (or a replica of it) builds its objective
 * as it began.
 */
export function repeatedSpecColumn(spec: ResolvedObjectiveSpec): DatasetFieldError | null {
  if (spec.type !== 'model') return null;
  return repeatedInlineColumn(spec.data, ['data']) ?? (spec.validation === undefined ? null : repeatedInlineColumn(spec.validation, ['validation']));
}

/** createObjective of a spec as it comes in: data repeatedSpecColumn finds is refused too (an Error). */
export function createNewObjective(spec: ResolvedObjectiveSpec): Objective {
  const objective = createObjective(spec);
  const repeated = repeatedSpecColumn(spec);
  if (repeated) throw repeated;
  return objective;
}

export function createBenchmarkObjective(spec: BenchmarkObjectiveSpec): Objective {
  const definition = benchmarks[spec.name];
  const { dimensions, problem } = resolveDimensions(definition, spec.dimensions, spec.initial);
  if (problem) throw new RangeError(`${problem.field}: ${problem.message}`);
  return definition.create({
    dimensions,
    conditionNumber: spec.conditionNumber ?? defaultConditionNumber,
    initial: spec.initial,
  });
}
