/** Builds the objective a validated spec describes. */
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
