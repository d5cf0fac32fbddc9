/** Builds the objective a validated spec describes. */
import { benchmarks, defaultConditionNumber, resolveDimensions } from './benchmarks/index.ts';
import { createExpressionObjective } from './expression/expression-objective.ts';
import { createModelObjective } from './models/index.ts';
import type { Objective } from './objective.ts';
import type { BenchmarkObjectiveSpec, ObjectiveSpec } from './spec.ts';

export function createObjective(spec: ObjectiveSpec): Objective {
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
