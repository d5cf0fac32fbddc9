/**
 * A sampler proposes the parameters of trial n from the trials before it. It is pure: the same
 * space, options, seed and trials give the same parameters, whatever process asks.
 */
import type { z } from 'zod';
import type { Random } from '../../random.ts';
import type { ParameterValues, SearchSpace } from '../search-space.ts';
import type { Goal, ObservedTrial } from '../trial.ts';

export interface SuggestRequest {
  readonly trialNumber: number;
  /** Every other trial of the sweep, in any state (running ones matter to the constant liar). */
  readonly trials: readonly ObservedTrial[];
  readonly goal: Goal;
  /** Seeded for this trial alone (`trialRandom`), so a suggestion can be repeated. */
  readonly random: Random;
}

export interface Sampler {
  /** How many distinct trials it can propose, when finite (a grid's size); else null. */
  readonly capacity: number | null;
  suggest(request: SuggestRequest): ParameterValues;
}

/** Why a space does not suit a sampler, naming the parameter (or the sampler's option at fault). */
export interface SpaceIssue {
  readonly parameter: string;
  readonly option?: string;
  readonly message: string;
}

/**
 * The most work a suggestion may take, in densities of one mixture component at one candidate
 * (some 10 to 20 ns each; see SamplerDefinition.work): a sweep whose suggestions would take more
 * is refused, and a coordination round makes suggestions until they have taken this much (at
 * least one), leaving the rest to the next round. So a round's suggestions take a second or two,
 * in a thread of the worker (see src/worker/sweeps/round-planner.ts), without the sweep's lock
 * (see src/db/sweep-coordination.ts).
 */
export const suggestionWorkLimit = 100_000_000;

export interface SamplerDefinition<Options extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  /** One line for humans, the catalogue and the OpenAPI document. */
  readonly description: string;
  /** The options besides `type` and `seed`, every field defaulted. */
  readonly options: Options;
  /** What in the space this sampler cannot handle over a sweep of `maxTrials` trials (empty: all is well). */
  spaceIssues(space: SearchSpace, options: z.output<Options>, maxTrials: number): SpaceIssue[];
  /**
   * The work of one suggestion among `trials` other trials, in densities of one mixture
   * component at one candidate (random, quasi-random and grid suggestions count one per parameter).
   */
  work(space: SearchSpace, options: z.output<Options>, trials: number): number;
  create(space: SearchSpace, options: z.output<Options>, seed: number): Sampler;
}
