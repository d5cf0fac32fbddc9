/**
 * The sweep spec: the body of POST /v1/sweeps and the file `descent sweep` reads. `base` is a
 * run spec; each trial's spec is `base` with the trial's parameter values written at their
 * dotted paths, validated as any run spec (a combination that does not validate is a failed
 * trial with the reason, not a refused sweep). A parameter that names no field a trial of the
 * base can have, or a value that field never takes, is refused (parameter-fields.ts): every
 * trial it is active in would fail. `base` is kept as given, so a parameter that
 * changes `optimizer.name` is not held back by another optimizer's filled-in defaults.
 */
import { z } from 'zod';
import {
  indexesPastTheEnd,
  samplerSpaceIssues,
  samplerSpecSchema,
  prunerSpecSchema,
  searchSpaceSchema,
  sweepMetricSchema,
  toSearchSpace,
  type SearchSpace,
} from '../core/sweep/index.ts';
import { createSampler } from '../core/sweep/index.ts';
import { runSpecSchema } from './run-spec.ts';
import { parameterFieldIssues } from './parameter-fields.ts';
import { defaultMaxSteps } from '../core/training/index.ts';

const sweepLimits = { maxTrials: 10_000, parallelism: 256, nameLength: 200 } as const;

const sweepBudgetSchema = z
  .strictObject({
    maxTrials: z.number().int().min(1).max(sweepLimits.maxTrials).optional().describe(`Trials at most (default: the grid's size for grid, else 100; at most ${sweepLimits.maxTrials}).`),
    maxFailedTrials: z.number().int().min(0).max(sweepLimits.maxTrials).optional().describe('The sweep fails once more trials than this have failed (default: once 10 consecutive trial numbers have each finished failed). A sweep whose every trial failed fails whatever this is.'),
    timeLimitSeconds: z.number().positive().max(366 * 24 * 3600).optional().describe('No trial starts after this long: queued trials are cancelled, running ones told to stop, and the sweep ends once every trial has ended (default: no limit).'),
  })
  .describe('When the sweep stops creating trials.');

const defaultMaxTrials = 100;

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().min(1).max(sweepLimits.nameLength).optional().describe('A name to recognise the sweep by.'),
    base: z.looseObject({}).describe('A run spec (see RunSpec): what every trial starts from.'),
    parameters: searchSpaceSchema,
    metric: sweepMetricSchema.prefault({}),
    sampler: samplerSpecSchema.prefault({ type: 'tpe' }),
    pruner: prunerSpecSchema.prefault({ type: 'none' }),
    budget: sweepBudgetSchema.prefault({}),
    parallelism: z.number().int().min(1).max(sweepLimits.parallelism).default(4).describe('Trials running at once, at most.'),
  })
  .superRefine((spec, context) => {
    const base = runSpecSchema.safeParse(spec.base);
    if (!base.success) {
      for (const issue of base.error.issues) context.addIssue({ ...issue, path: ['base', ...issue.path] } as never);
    }
    const pastTheEnd = indexesPastTheEnd(spec.base, Object.keys(spec.parameters));
    for (const { path, message } of pastTheEnd) {
      context.addIssue({ code: 'custom', path: ['parameters', path], message });
    }
    // A parameter past the end of its array is refused for that alone. An unscrambled sequence's first point is every range's low.
    const lowDrawn = spec.sampler.type === 'qmc' && !spec.sampler.scramble;
    for (const { parameter, issue } of parameterFieldIssues(spec.base, spec.parameters, { lowDrawn })) {
      if (pastTheEnd.some(({ path }) => path === parameter)) continue;
      context.addIssue({ code: 'custom', path: ['parameters', parameter, ...issue.path], message: issue.message });
    }
    const space = toSearchSpace(spec.parameters);
    for (const issue of samplerSpaceIssues(spec.sampler, space, spec.budget.maxTrials ?? defaultMaxTrials)) {
      const path = issue.option ? ['sampler', issue.option] : issue.parameter ? ['parameters', issue.parameter] : ['sampler'];
      context.addIssue({ code: 'custom', path, message: issue.message });
    }
  })
  .meta({ id: 'SweepSpec' })
  .describe('A hyperparameter search: a base run spec, the searched parameters, how to choose and prune trials, and the budget.');

export type SweepSpec = z.output<typeof sweepSpecSchema>;

/** The space of a parsed spec. */
export function sweepSpace(spec: SweepSpec): SearchSpace {
  return toSearchSpace(spec.parameters);
}

/** How many trials the sweep may create: the budget, and never more than a grid holds. */
function trialCapacity(spec: SweepSpec): number {
  const capacity = createSampler(spec.sampler, sweepSpace(spec)).capacity;
  const budget = spec.budget.maxTrials ?? (capacity ?? defaultMaxTrials);
  return capacity === null ? budget : Math.min(budget, capacity);
}

/**
 * The spec as stored: every choice made, so the sweep replays the same way after a restart —
 * the sampler's seed (drawn by `drawSeed` when absent) and ASHA's first rung (1% of the base's
 * maxSteps, or of 1000 when it has none, when absent: Optuna's 'auto').
 */
export function settleSweepSpec(spec: SweepSpec, drawSeed: () => number): SweepSpec {
  const sampler = { ...spec.sampler, seed: spec.sampler.seed ?? drawSeed() };
  let pruner = spec.pruner;
  if (pruner.type === 'asha' && pruner.minSteps === undefined) {
    const maxSteps = runSpecSchema.parse(spec.base).training.maxSteps ?? defaultMaxSteps;
    pruner = { ...pruner, minSteps: Math.max(1, Math.floor(maxSteps / 100)) };
  }
  return { ...spec, sampler, pruner, budget: { ...spec.budget, maxTrials: trialCapacity(spec) } };
}
