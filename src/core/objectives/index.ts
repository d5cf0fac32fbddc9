/** The objectives: what a run minimises, its spec schemas, the factory and the gradient check. */
export type { DataObjective, Objective, SparseGradient, SparseStepOutcome } from './objective.ts';
export { allocateSparseGradient, isDataObjective } from './objective.ts';
export {
  
  
  
  objectiveSpecSchema,
  
  
  type ObjectiveSpec,
} from './spec.ts';
export {  createNewObjective, createObjective, repeatedSpecColumn, type ResolvedObjectiveSpec } from './create-objective.ts';
export {
  checkGradient,
  
  
  
  type GradientCheckResult,
} from './gradient-check.ts';
export { benchmarkNames, benchmarks,    } from './benchmarks/index.ts';
;
;
;
;
export { evaluateGrid, finitePair, frame, gridAxis,  } from './landscape.ts';
export { evaluationCost } from './evaluation-cost.ts';
export { modelTrainingRows } from './models/index.ts';
