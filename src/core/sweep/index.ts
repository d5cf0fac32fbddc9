/** Sweeps: search spaces, samplers and pruners, pure decisions over recorded trials. */
export * from './search-space.ts';
export * from './trial.ts';
export * from './trial-random.ts';
export * from './apply-parameters.ts';
export * from './sweep-metric.ts';
export {  samplerTypes,  } from './samplers/registry.ts';
;
export { samplerSpecSchema, createSampler, samplerSpaceIssues, suggestionWork, type SamplerSpec } from './samplers/sampler-spec.ts';
export { suggestionWorkLimit } from './samplers/sampler.ts';
export {  prunerTypes,  } from './pruners/registry.ts';
export type {   PruningDecision,  PruningStep, Competitor } from './pruners/pruner.ts';
export { prunerSpecSchema, createPruner, type PrunerSpec } from './pruners/pruner-spec.ts';
export { rungStep } from './pruners/asha-pruner.ts';
export { decideAmongTrials, isCheckStep, nextCheckStep,  } from './pruners/decide-among-trials.ts';
