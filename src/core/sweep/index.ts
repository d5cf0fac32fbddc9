/** Sweeps: search spaces, samplers and pruners, pure decisions over recorded trials. */
export * from './search-space.ts';
export * from './trial.ts';
export * from './trial-random.ts';
export * from './apply-parameters.ts';
export * from './sweep-metric.ts';
export { samplers, samplerTypes, type SamplerType } from './samplers/registry.ts';
export type { Sampler, SamplerDefinition, SuggestRequest, SpaceIssue } from './samplers/sampler.ts';
export { samplerSpecSchema, createSampler, samplerSpaceIssues, type SamplerSpec } from './samplers/sampler-spec.ts';
export { pruners, prunerTypes, type PrunerType } from './pruners/registry.ts';
export type { Pruner, PrunerDefinition, PruningDecision, PruningPlan, PruningStep, Competitor } from './pruners/pruner.ts';
export { prunerSpecSchema, createPruner, type PrunerSpec } from './pruners/pruner-spec.ts';
export { rungStep } from './pruners/asha-pruner.ts';
export { decideAmongTrials, isCheckStep, nextCheckStep, type TrialAtStep } from './pruners/decide-among-trials.ts';
