/** The objectives: what a run minimises, its spec schemas, the factory and the gradient check. */
export type { DataObjective, Objective } from './objective.ts';
export { isDataObjective } from './objective.ts';
export {
  benchmarkObjectiveSpecSchema,
  expressionObjectiveSpecSchema,
  maxConditionNumber,
  objectiveSpecSchema,
  type BenchmarkObjectiveSpec,
  type ExpressionObjectiveSpec,
  type ObjectiveSpec,
} from './spec.ts';
export { createBenchmarkObjective, createObjective, type ResolvedObjectiveSpec } from './create-objective.ts';
export {
  checkGradient,
  defaultGradientCheck,
  type CoordinateCheck,
  type GradientCheckOptions,
  type GradientCheckResult,
} from './gradient-check.ts';
export { benchmarkNames, benchmarks, maxBenchmarkDimensions, type BenchmarkDefinition, type BenchmarkName } from './benchmarks/index.ts';
export { ExpressionError } from './expression/expression-error.ts';
export { compileExpression, createExpressionObjective, type ExpressionDefinition } from './expression/expression-objective.ts';
export { expressionLimits } from './expression/limits.ts';
export { functions as expressionFunctions } from './expression/operations.ts';
export { evaluateGrid, finitePair, frame, gridAxis, type LandscapeGrid } from './landscape.ts';
