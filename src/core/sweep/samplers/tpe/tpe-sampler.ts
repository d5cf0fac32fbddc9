/**
 * TPE, the tree-structured Parzen estimator (Bergstra et al. 2011, "Algorithms for
 * Hyper-Parameter Optimization"), as Optuna's TPESampler implements it. Until `startupTrials`
 * trials have finished, parameters are drawn at random. Then the finished trials are split by
 * their scores (γ split) into the good ones, below, and the rest, above; a Parzen estimator l(x)
 * is fitted to the good trials' parameters and g(x) to the others'; `nEiCandidates` draws from
 * l(x) are scored by log l(x) − log g(x) (maximising l/g maximises the expected improvement)
 * and the best one is taken.
 *
 * Univariate (Optuna's default): each parameter on its own, from the trials that have it, so
 * conditional parameters learn only from the trials where they were active. Multivariate: the
 * always-active parameters jointly (one mixture over their product), the conditional ones still
 * one at a time. Constant liar: running trials count as the worst, so parallel suggestions keep
 * away from the points already being tried. Defaults are Optuna's (3.1 through 4.x).
 */
import { z } from 'zod';
import { suggestionWorkLimit, type SamplerDefinition, type SpaceIssue, type SuggestRequest } from '../sampler.ts';
import { isActive, toExternal, toInternal, type ParameterValues, type SearchParameter, type SearchSpace } from '../../search-space.ts';
import { fromUnit } from '../../unit-mapping.ts';
import type { Random } from '../../../random.ts';
import { ParzenEstimator, type ParzenSettings } from './parzen-estimator.ts';
import { belowCount, observe, splitObservations, type Observations, type Score } from './observations.ts';
import type { ObservedTrial } from '../../trial.ts';

/** The most candidates `nEiCandidates` takes, whatever the work of the sweep's suggestions. */
const mostCandidates = 10_000;

export const tpeOptions = z.strictObject({
  startupTrials: z.number().int().min(0).max(10_000).default(10).describe('Random trials before TPE starts (Optuna: n_startup_trials = 10).'),
  nEiCandidates: z.number().int().min(1).max(mostCandidates).default(24).describe('Candidates drawn from l(x) per suggestion (Optuna: n_ei_candidates = 24). The sweep\'s last suggestion scores them for each parameter under a component per earlier trial: at most 10⁸ densities\' work (see the README), else a 400 naming the most that fit.'),
  gamma: z.number().gt(0).max(1).default(0.1).describe('Fraction of finished trials that are "good": ⌈γ·n⌉ (Optuna: 0.1).'),
  gammaMax: z.number().int().min(1).max(10_000).default(25).describe('At most this many good trials (Optuna: 25).'),
  considerPrior: z.boolean().default(true).describe('Add the prior component N(centre, range²) to each estimator (Optuna: true).'),
  priorWeight: z.number().gt(0).max(1e6).default(1).describe('Weight of the prior component (Optuna: 1).'),
  considerMagicClip: z.boolean().default(true).describe('Keep bandwidths at least range/min(100, 1 + components) (Optuna: true).'),
  considerEndpoints: z.boolean().default(false).describe('Let the range ends widen the outermost bandwidths (Optuna: false).'),
  multivariate: z.boolean().default(false).describe('Model the always-active parameters jointly, bandwidths by Scott\'s rule (Optuna: false).'),
  constantLiar: z.boolean().default(false).describe('Count running trials as the worst, to spread parallel trials apart (Optuna: false).'),
});

type TpeOptions = z.output<typeof tpeOptions>;

function parzenSettings(options: TpeOptions): ParzenSettings {
  return {
    considerPrior: options.considerPrior,
    priorWeight: options.priorWeight,
    considerMagicClip: options.considerMagicClip,
    considerEndpoints: options.considerEndpoints,
    multivariate: options.multivariate,
  };
}

/** Whether a parameter can take more than one value (single-valued ones are not modelled). */
function isSingle(parameter: SearchParameter): boolean {
  const distribution = parameter.distribution;
  if (distribution.kind === 'categorical') return distribution.choices.length <= 1;
  return distribution.low === distribution.high;
}

/** The two estimators of a group, fitted to the observations they were built from. */
interface Fitted {
  readonly trials: readonly ObservedTrial[];
  readonly scores: readonly Score[];
  readonly good: ParzenEstimator;
  readonly bad: ParzenEstimator;
}

/**
 * Whether estimators fitted to `fitted`'s observations fit these: the same trials (a trial's
 * parameters never change) with the same scores. Suggestions of one round see the same
 * finished trials (running ones are not observed without the constant liar), so they share
 * one fit.
 */
function fits(fitted: Fitted | undefined, observations: Observations): fitted is Fitted {
  if (!fitted || fitted.trials.length !== observations.trials.length) return false;
  for (let i = 0; i < fitted.trials.length; i++) {
    const a = fitted.scores[i];
    const b = observations.scores[i];
    if (fitted.trials[i] !== observations.trials[i] || a.stage !== b.stage || !Object.is(a.value, b.value)) return false;
  }
  return true;
}

/** The good and bad estimators of `group`, from the γ split of the observations. */
function fit(group: readonly SearchParameter[], observations: Observations, options: TpeOptions): Fitted {
  const { below, above } = splitObservations(observations.scores, belowCount(observations.finished, options.gamma, options.gammaMax));
  const internal = (index: number, parameter: SearchParameter) => {
    const value = observations.trials[index].parameters[parameter.name];
    const internalValue = value === undefined ? -1 : toInternal(parameter.distribution, value);
    return parameter.distribution.kind === 'categorical' ? (internalValue < 0 ? NaN : internalValue) : (value === undefined ? NaN : internalValue);
  };
  const collect = (indices: number[]) => {
    const present = indices.filter((index) => group.every((parameter) => !Number.isNaN(internal(index, parameter))));
    return Object.fromEntries(group.map((parameter) => [parameter.name, present.map((index) => internal(index, parameter))]));
  };
  const settings = parzenSettings(options);
  return {
    trials: observations.trials,
    scores: observations.scores,
    good: new ParzenEstimator(collect(below), group, settings),
    bad: new ParzenEstimator(collect(above), group, settings),
  };
}

/**
 * Samples `group` jointly by TPE from the observations (one parameter: the univariate case).
 * Trials lacking any of the group's parameters are left out of both estimators.
 */
function sampleByTpe(group: readonly SearchParameter[], { good, bad }: Fitted, options: TpeOptions, random: Random): ParameterValues {
  const candidates = good.sample(random, options.nEiCandidates);
  const logGood = good.logPdf(candidates);
  const logBad = bad.logPdf(candidates);
  let best = 0;
  for (let i = 1; i < logGood.length; i++) if (logGood[i] - logBad[i] > logGood[best] - logBad[best]) best = i;
  return Object.fromEntries(group.map((parameter) => [parameter.name, toExternal(parameter.distribution, candidates[parameter.name][best])]));
}

/** A sampler's last fit of each group (by its parameters' names). */
type Fits = Map<string, Fitted>;

function suggestByTpe(space: SearchSpace, options: TpeOptions, request: SuggestRequest, lastFits: Fits): ParameterValues {
  const others = request.trials.filter((trial) => trial.number !== request.trialNumber);
  const observations = observe(others, request.goal, options.constantLiar);
  const started = observations.finished >= options.startupTrials;
  const fitted = (group: readonly SearchParameter[]) => {
    const key = group.map((parameter) => parameter.name).join('\n');
    const last = lastFits.get(key);
    if (fits(last, observations)) return last;
    const fresh = fit(group, observations, options);
    lastFits.set(key, fresh);
    return fresh;
  };
  const values: ParameterValues = {};
  if (started && options.multivariate) {
    const group = space.filter((parameter) => parameter.when === null && !isSingle(parameter));
    if (group.length > 0) Object.assign(values, sampleByTpe(group, fitted(group), options, request.random));
  }
  for (const parameter of space) {
    if (parameter.name in values || !isActive(parameter, values)) continue;
    values[parameter.name] =
      started && !isSingle(parameter)
        ? sampleByTpe([parameter], fitted([parameter]), options, request.random)[parameter.name]
        : fromUnit(parameter.distribution, request.random.next());
  }
  return values;
}

/** A stepped parameter's density at a candidate is a mass, two normal CDFs: about 25 continuous densities' work. */
const massWork = 25;
/** A candidate's draw from a component, by Newton's method on log Φ: about 80 densities' work. */
const drawWork = 80;
/**
 * Fitting a numerical parameter's component, once per suggestion at most (the suggestions of a
 * round share a fit unless the constant liar counts their running trials): its place in the
 * sorted observations, its bandwidth and its mass on the range, about 100 densities' work.
 */
const fitWork = 100;
/** Fitting a categorical parameter's component: its row of choice weights, about 6 densities' work a choice. */
const choiceFitWork = 6;

/** How many steps a stepped range has (a float with a step, an int not on a log scale), else null: its candidates fall on them. */
function stepCount(parameter: SearchParameter): number | null {
  const distribution = parameter.distribution;
  if (distribution.kind === 'categorical' || distribution.log || distribution.step === null) return null;
  return Math.round((distribution.high - distribution.low) / distribution.step) + 1;
}

/**
 * The work of a suggestion among `trials` other trials: both estimators fitted, each modelled
 * parameter's candidates drawn, and their densities under the components of both estimators, one
 * per trial and a prior each. A stepped parameter's density is worked out once per step its
 * candidates fall on (see ParzenEstimator.logPdf), at the cost of a mass; a categorical one's is
 * a logarithm per choice its candidates take, but its fit is a row of all its choices.
 */
function tpeWork(space: SearchSpace, options: TpeOptions, trials: number): number {
  if (trials < options.startupTrials) return space.length;
  const candidates = options.nEiCandidates;
  let perComponent = 0;
  let draws = 0;
  for (const parameter of space) {
    if (isSingle(parameter)) continue;
    const distribution = parameter.distribution;
    const steps = stepCount(parameter);
    perComponent += steps === null ? candidates : massWork * Math.min(candidates, steps);
    perComponent += distribution.kind === 'categorical' ? choiceFitWork * distribution.choices.length : fitWork;
    draws += candidates;
  }
  return perComponent * (trials + 2) + drawWork * draws;
}

/** Whether the sweep's last suggestions take more than suggestionWorkLimit; if so, the most candidates that would not. */
function workIssues(space: SearchSpace, options: TpeOptions, maxTrials: number): SpaceIssue[] {
  const trials = maxTrials - 1;
  const work = tpeWork(space, options, trials);
  if (work <= suggestionWorkLimit) return [];
  // The most that fit, up to the option's own maximum: above it, the schema refuses the value, and says so.
  let fitting = 0;
  for (let low = 1, high = Math.min(options.nEiCandidates - 1, mostCandidates); low <= high;) {
    const candidates = Math.floor((low + high) / 2);
    if (tpeWork(space, { ...options, nEiCandidates: candidates }, trials) <= suggestionWorkLimit) {
      fitting = candidates;
      low = candidates + 1;
    } else {
      high = candidates - 1;
    }
  }
  if (fitting === mostCandidates) return [];
  const modelled = space.filter((parameter) => !isSingle(parameter)).length;
  const number = (n: number) => n.toLocaleString('en-US');
  const most = options.nEiCandidates > mostCandidates ? `, by the work limit; its own maximum is ${number(mostCandidates)}` : '';
  return [{
    parameter: '',
    option: 'nEiCandidates',
    message: `A suggestion after ${number(trials)} trials (budget.maxTrials less one) would score ${number(options.nEiCandidates)} candidates for each of ${modelled} parameters `
      + `under a mixture component per trial: about ${number(work)} densities' work, more than ${number(suggestionWorkLimit)} (a stepped parameter's density, a mass, `
      + `counts ${massWork} times, once per step its candidates fall on; a candidate's draw, ${drawWork}; fitting a component, ${fitWork}, a categorical one's ${choiceFitWork} a choice). ${fitting > 0 ? `Lower nEiCandidates (${number(fitting)} at most here${most}), budget.maxTrials or the parameters.` : 'Lower budget.maxTrials or the parameters.'}`,
  }];
}

export const tpeSampler: SamplerDefinition<typeof tpeOptions> = {
  type: 'tpe',
  description: 'Tree-structured Parzen estimator (Bergstra et al. 2011) with Optuna\'s defaults: random for 10 trials, then the best of 24 draws from l(x) by l(x)/g(x).',
  options: tpeOptions,
  spaceIssues: workIssues,
  work: tpeWork,
  create: (space, options) => {
    const fitted: Fits = new Map();
    return { capacity: null, suggest: (request) => suggestByTpe(space, options, request, fitted) };
  },
};
