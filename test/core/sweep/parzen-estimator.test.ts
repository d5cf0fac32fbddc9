/**
 * TPE's densities and suggestions to the last bit: the Parzen estimator's log density against
 * the plain loop it shortcuts (every component of every sample, every e^d summed), and the
 * sampler's suggestions against digests of those it made before its shortcuts. A sweep's seed
 * replays the same trials whatever version suggests them.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSampler, searchSpaceSchema, toSearchSpace, trialRandom, type Distribution, type ObservedTrial, type SearchParameter } from '../../../src/core/sweep/index.ts';
import { ParzenEstimator } from '../../../src/core/sweep/samplers/tpe/parzen-estimator.ts';
import { logGaussMass, logRootTwoPi } from '../../../src/core/sweep/samplers/tpe/truncated-normal.ts';
import { Random } from '../../../src/core/random.ts';

/** log Σ_c w_c Π_p p_c(x_p) sample by sample, component by component, in the estimator's own order of operations. */
function plainLogPdf(estimator: ParzenEstimator, samples: Record<string, number[]>): number[] {
  const size = samples[estimator.parameters[0].name].length;
  return Array.from({ length: size }, (_, s) => {
    const terms = Float64Array.from(estimator.weights, Math.log);
    for (const parameter of estimator.parameters) {
      const components = estimator.components.get(parameter.name)!;
      const raw = samples[parameter.name][s];
      if (components.kind === 'categorical') {
        for (let c = 0; c < terms.length; c++) terms[c] += Math.log(components.weights[c][raw]);
        continue;
      }
      const { low, high, q, mus, sigmas } = components;
      const x = parameter.distribution.kind !== 'categorical' && parameter.distribution.log ? Math.log(raw) : raw;
      if (q === null && (x < low || x > high)) {
        terms.fill(-Infinity);
        continue;
      }
      for (let c = 0; c < terms.length; c++) {
        const mass = logGaussMass((low - mus[c]) / sigmas[c], (high - mus[c]) / sigmas[c]);
        if (q === null) {
          const z = (x - mus[c]) * (1 / sigmas[c]);
          terms[c] += (-logRootTwoPi - mass - Math.log(sigmas[c])) - 0.5 * z * z;
        } else {
          const upper = Math.min(x + q / 2, high);
          const lower = Math.max(x - q / 2, low);
          terms[c] += logGaussMass((lower - mus[c]) / sigmas[c], (upper - mus[c]) / sigmas[c]) + -mass;
        }
      }
    }
    const top = Math.max(...terms);
    let total = 0;
    for (const term of terms) total += Math.exp(term - top);
    return Math.log(total) + top;
  });
}

const distributions: Distribution[] = [
  { kind: 'float', low: -5, high: 5, log: false, step: null },
  { kind: 'float', low: 1e-5, high: 1, log: true, step: null },
  { kind: 'float', low: 0, high: 1, log: false, step: 0.05 },
  { kind: 'int', low: 1, high: 300, log: false, step: 1 },
  { kind: 'int', low: 8, high: 1024, log: true, step: 1 },
  { kind: 'int', low: 0, high: 994, log: false, step: 7 },
  { kind: 'categorical', choices: ['a', 'b', 'c', 'd'] },
  // More choices than a logPdf's samples take: each one's logs are taken as a sample takes it.
  { kind: 'categorical', choices: Array.from({ length: 500 }, (_, k) => `c${k}`) },
];

/** Internal values of a distribution (a number in its range, a choice's index). */
function internalValue(distribution: Distribution, u: number): number {
  if (distribution.kind === 'categorical') return Math.min(distribution.choices.length - 1, Math.floor(u * distribution.choices.length));
  const { low, high } = distribution;
  const x = distribution.log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
  if (distribution.kind === 'int' || distribution.step !== null) {
    const step = distribution.step ?? 1;
    return Math.min(high, low + Math.round((x - low) / step) * step);
  }
  return x;
}

describe("TPE's Parzen estimator", () => {
  it('property: its log density is the plain loop over every component, to the last bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(distributions.length - 1), { minLength: 1, maxLength: 4 }),
        fc.nat(120),
        fc.record({ considerPrior: fc.boolean(), considerMagicClip: fc.boolean(), considerEndpoints: fc.boolean(), multivariate: fc.boolean() }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (kinds, n, flags, seed) => {
          const random = new Random(seed);
          const parameters: SearchParameter[] = kinds.map((kind, i) => ({ name: `p${i}`, distribution: distributions[kind], when: null }));
          // Observations bunched in part of the range, so that many components are far from many samples.
          const observations = Object.fromEntries(parameters.map((parameter) => [parameter.name, Array.from({ length: n }, () => internalValue(parameter.distribution, 0.2 * random.next()))]));
          const estimator = new ParzenEstimator(observations, parameters, { ...flags, priorWeight: 1 });
          const samples = estimator.sample(random, 40);
          // Anywhere in the range as well, and outside a continuous one.
          for (const parameter of parameters) {
            const own = samples[parameter.name];
            for (let i = 0; i < 20; i++) own.push(internalValue(parameter.distribution, random.next()));
            if (parameter.distribution.kind === 'float' && parameter.distribution.step === null) own.push(parameter.distribution.high * 2);
            else own.push(own[0]);
          }
          expect(estimator.logPdf(samples)).toEqual(plainLogPdf(estimator, samples));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("TPE's suggestions", () => {
  const space = toSearchSpace(searchSpaceSchema.parse({
    x: { type: 'float', low: -5, high: 5 },
    lr: { type: 'float', low: 1e-5, high: 1, log: true },
    q: { type: 'float', low: 0, high: 1, step: 0.05 },
    n: { type: 'int', low: 1, high: 300 },
    w: { type: 'int', low: 8, high: 1024, log: true },
    k: { type: 'int', low: 0, high: 1000, step: 7 },
    opt: { type: 'categorical', values: ['adam', 'sgd', 'rmsprop'] },
    m: { type: 'float', low: 0.5, high: 0.99, when: { opt: ['sgd'] } },
  }));
  const bits = (value: unknown) => (typeof value === 'number' ? Buffer.from(Float64Array.of(value).buffer).toString('hex') : String(value));

  /** SHA-256 of 60 suggestions, each value's bits, with trials completing, pruned and left running. */
  function digest(multivariate: boolean, constantLiar: boolean): string {
    const sampler = createSampler({
      type: 'tpe', seed: 7, startupTrials: 5, nEiCandidates: 64, gamma: 0.1, gammaMax: 25, considerPrior: true, priorWeight: 1,
      considerMagicClip: true, considerEndpoints: false, multivariate, constantLiar,
    }, space);
    const trials: ObservedTrial[] = [];
    const hash = createHash('sha256');
    for (let number = 0; number < 60; number++) {
      const parameters = sampler.suggest({ trialNumber: number, trials, goal: 'minimize', random: trialRandom(7, number) });
      hash.update(`${JSON.stringify(Object.entries(parameters).map(([name, value]) => [name, bits(value)]))}\n`);
      const value = ((parameters.x as number) - 1) ** 2 + Math.log10(parameters.lr as number) ** 2 + (parameters.opt === 'adam' ? 0 : 1) + (parameters.n as number) / 300;
      const state = number % 9 === 4 ? 'running' : number % 7 === 5 ? 'pruned' : 'complete';
      trials.push({ number, state, parameters, value: state === 'complete' ? value : null, lastStep: state === 'pruned' ? number % 5 : null, lastValue: state === 'pruned' ? value : null });
    }
    return hash.digest('hex');
  }

  // Digests of the suggestions TPE made before its densities and draws took shortcuts.
  it.each([
    [false, false, 'cf122d6b0838d18189037cca243d46f5400eb2b212d61e2df2991033c275db82'],
    [false, true, 'c675668267d74483b40aab5045ff05a615e830e7f8be94a348a7f23a8f9d9352'],
    [true, false, '40ec0411cd0986b4e92b0263f51db4b03ff53ebd1c1a934837fa00cb51e298dc'],
    [true, true, 'c5508b4af6526909dfc5592f7c0ff71272e8e7765c8044b7d428ebdc765a9a5c'],
  ])('multivariate %s, constant liar %s: the same suggestions as before, bit for bit', (multivariate, constantLiar, expected) => {
    expect(digest(multivariate, constantLiar)).toBe(expected);
  });
});
