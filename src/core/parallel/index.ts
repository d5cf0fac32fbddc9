/** Parallel and distributed SGD: the `parallel` block, the algorithm registry, the simulated trainer. */
export {
  parallelSettingsSchema,
  resolveParallelSettings,
  parallelAlgorithmNames,
  executions,
  maximumReplicas,
  
  type ResolvedParallelSettings,
  type ParallelAlgorithmName,
  
} from './settings.ts';
;
export { describeParallelAlgorithms,   } from './catalogue.ts';
export { parallelIssues, replicaShortage,  } from './validate.ts';
;
export { parallelReport, StalenessHistogram, type ParallelReport,   } from './report.ts';
