/** Parallel and distributed SGD: the `parallel` block, the algorithm registry, the simulated trainer. */
export {
  parallelSettingsSchema,
  resolveParallelSettings,
  parallelAlgorithmNames,
  executions,
  maximumReplicas,
  type ParallelSettings,
  type ResolvedParallelSettings,
  type ParallelAlgorithmName,
  type Execution,
} from './settings.ts';
export { parallelAlgorithms } from './registry.ts';
export { describeParallelAlgorithms, type ParallelAlgorithmDescription, type ParallelParameterDescription } from './catalogue.ts';
export { parallelIssues, replicaShortage, type ParallelIssue } from './validate.ts';
export { ParallelTrainer } from './parallel-trainer.ts';
export { parallelReport, StalenessHistogram, type ParallelReport, type ReplicaReport, type StalenessSummary } from './report.ts';
