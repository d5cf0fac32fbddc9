import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createSampler,
  samplerSpaceIssues,
  samplerTypes,
  searchSpaceSchema,
  toSearchSpace,
  trialRandom,
  type Distribution,
  type ObservedTrial,
  type ParameterValues,
  type SamplerSpec,
  type SearchSpace,
} from '../../../src/core/sweep/index.ts';
import { SobolSequence } from '../../../src/core/sweep/samplers/sobol.ts';
import { HaltonSequence, firstPrimes } from '../../../src/core/sweep/samplers/halton.ts';
import { Random } from '../../../src/core/random.ts';
import { splitObservations } from '../../../src/core/sweep/samplers/tpe/observations.ts';
import { gridCountingSteps } from '../../../src/core/sweep/samplers/grid-sampler.ts';
import { sweepSpecSchema } from '../../../src/contracts/sweep-spec.ts';
import { toFieldIssues } from '../../../src/contracts/issues.ts';

const space = toSearchSpace(
  searchSpaceSchema.parse({
    'optimizer.name': { type: 'categorical', values: ['adam', 'momentum', 'rmsprop'] },
    'optimizer.learningRate': { type: 'float', low: 1e-4, high: 1, log: true },
    'optimizer.momentum': { type: 'float', low: 0.5, high: 0.95, step: 0.05, when: { 'optimizer.name': ['momentum'] } },
    'training.batchSize': { type: 'int', low: 8, high: 256, log: true },
    'training.seed': { type: 'int', low: 1, high: 9, step: 2 },
    'training.shuffle': { type: 'categorical', values: [true, false] },
  }),
);

const gridSpace = toSearchSpace(
  searchSpaceSchema.parse({
    'optimizer.name': { type: 'categorical', values: ['adam', 'momentum', 'sgd'] },
    'optimizer.momentum': { type: 'float', low: 0.5, high: 0.9, step: 0.2, when: { 'optimizer.name': ['momentum'] } },
    'training.batchSize': { type: 'int', values: [8, 32] },
    'training.seed': { type: 'int', low: 1, high: 3 },
  }),
);

function inDomain(distribution: Distribution, value: unknown): boolean {
  if (distribution.kind === 'categorical') return distribution.choices.includes(value as never);
  if (typeof value !== 'number' || value < distribution.low - 1e-12 || value > distribution.high + 1e-12) return false;
  if (distribution.kind === 'int' && !Number.isInteger(value)) return false;
  if (distribution.step !== null && !distribution.log) {
    const k = (value - distribution.low) / distribution.step;
    return Math.abs(k - Math.round(k)) < 1e-9;
  }
  return true;
}

function runSweep(spec: SamplerSpec, target: SearchSpace, count: number, objective: (values: ParameterValues) => number): ObservedTrial[] {
  const sampler = createSampler(spec, target);
  const trials: ObservedTrial[] = [];
  for (let n = 0; n < count; n++) {
    const parameters = sampler.suggest({ trialNumber: n, trials, goal: 'minimize', random: trialRandom(spec.seed ?? 0, n) });
    trials.push({ number: n, state: 'complete', parameters, value: objective(parameters), lastStep: null, lastValue: null });
  }
  return trials;
}

const specs: SamplerSpec[] = [
  { type: 'random', seed: 3 },
  { type: 'qmc', seed: 3, sequence: 'sobol', scramble: true },
  { type: 'qmc', seed: 3, sequence: 'halton', scramble: true },
  { type: 'tpe', seed: 3, startupTrials: 4, nEiCandidates: 24, gamma: 0.1, gammaMax: 25, considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false, constantLiar: true },
  { type: 'tpe', seed: 3, startupTrials: 4, nEiCandidates: 24, gamma: 0.1, gammaMax: 25, considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: true, constantLiar: false },
];

/** A base with 64 initial values, each a field a parameter may search. */
const sphere64 = { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 } };

const toy = (values: ParameterValues) => (Math.log10(values['optimizer.learningRate'] as number) + 2) ** 2 + (values['optimizer.name'] === 'adam' ? 0 : 1);

describe.each(specs.map((spec) => [`${spec.type} ${JSON.stringify(spec).slice(0, 60)}`, spec] as const))('sampler %s', (_name, spec) => {
  it('proposes only values of the space, and conditional parameters only where active', () => {
    for (const trial of runSweep(spec, space, 30, toy)) {
      for (const parameter of space) {
        const active = parameter.name !== 'optimizer.momentum' || trial.parameters['optimizer.name'] === 'momentum';
        expect(parameter.name in trial.parameters).toBe(active);
        if (active) expect(inDomain(parameter.distribution, trial.parameters[parameter.name]), `${parameter.name}=${trial.parameters[parameter.name]}`).toBe(true);
      }
    }
  });

  it('is reproducible: the same seed and trials give the same parameters', () => {
    expect(runSweep(spec, space, 20, toy)).toEqual(runSweep(spec, space, 20, toy));
  });
});

describe('grid sampler', () => {
  it('gives every combination exactly once, conditional parameters only in their branch', () => {
    const spec: SamplerSpec = { type: 'grid', seed: 9 };
    const sampler = createSampler(spec, gridSpace);
    // adam: 2·3, momentum: 3·2·3, sgd: 2·3 → 30
    expect(sampler.capacity).toBe(30);
    const points = Array.from({ length: 30 }, (_, n) => JSON.stringify(sampler.suggest({ trialNumber: n, trials: [], goal: 'minimize', random: trialRandom(9, n) })));
    expect(new Set(points).size).toBe(30);
    expect(points.filter((p) => p.includes('"optimizer.momentum"')).length).toBe(18);
    expect(() => sampler.suggest({ trialNumber: 30, trials: [], goal: 'minimize', random: new Random(1) })).toThrow(RangeError);
  });

  it('property: any enumerable space is covered exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 1000 }), (sizes, seed) => {
        const target = toSearchSpace(searchSpaceSchema.parse(Object.fromEntries(sizes.map((size, i) => [`p${i}`, size === 1 ? { type: 'int', values: [0] } : { type: 'int', low: 0, high: size - 1 }]))));
        const sampler = createSampler({ type: 'grid', seed }, target);
        const total = sizes.reduce((a, b) => a * b, 1);
        expect(sampler.capacity).toBe(total);
        const seen = new Set(Array.from({ length: total }, (_, n) => JSON.stringify(sampler.suggest({ trialNumber: n, trials: [], goal: 'minimize', random: new Random(n) }))));
        expect(seen.size).toBe(total);
      }),
      { numRuns: 40 },
    );
  });

  it('counts a grid without listing it, conditional branches by their values, and refuses one beyond 100,000 points', () => {
    const grid = (parameters: object) => toSearchSpace(searchSpaceSchema.parse(parameters));
    const tooLarge = [{ parameter: '', message: 'The grid has more than 100000 combinations.' }];
    const many = grid(Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`p${i}`, { type: 'int', low: 1, high: 1000 }])));
    expect(samplerSpaceIssues({ type: 'grid' }, many, 100)).toEqual(tooLarge);
    // 9·10²⁹⁷ values: too large, not "needs a step".
    expect(samplerSpaceIssues({ type: 'grid' }, grid({ 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1, step: 1e-300 } }), 100)).toEqual(tooLarge);
    const branched = (high: number) => grid({
      'optimizer.name': { type: 'categorical', values: ['momentum', 'sgd'] },
      'optimizer.momentum': { type: 'int', low: 1, high, when: { 'optimizer.name': ['momentum'] } },
      'training.seed': { type: 'int', low: 1, high: 2 },
    });
    // momentum: high·2, sgd: 2.
    expect(createSampler({ type: 'grid', seed: 1 }, branched(40_000)).capacity).toBe(80_002);
    expect(samplerSpaceIssues({ type: 'grid' }, branched(40_000), 100)).toEqual([]);
    expect(samplerSpaceIssues({ type: 'grid' }, branched(60_000), 100)).toEqual(tooLarge);
  });

  /** Every combination in declaration order, listed one by one: what the grid's numbering must match. */
  function listed(target: SearchSpace): ParameterValues[] {
    const values = target.map(({ distribution: d }) => (d.kind === 'categorical' ? [...d.choices] : Array.from({ length: Math.round((d.high - d.low) / d.step!) + 1 }, (_, i) => d.low + i * d.step!)));
    const points: ParameterValues[] = [];
    const visit = (index: number, chosen: ParameterValues): void => {
      if (index === target.length) return void points.push({ ...chosen });
      const parameter = target[index];
      const active = Object.entries(parameter.when ?? {}).every(([name, allowed]) => name in chosen && allowed.includes(chosen[name]));
      if (!active) return visit(index + 1, chosen);
      for (const value of values[index]) visit(index + 1, { ...chosen, [parameter.name]: value });
    };
    visit(0, {});
    return points;
  }

  it('property: a conditional grid is numbered as listing it would, and shuffled by the seed as before', () => {
    const parameter = fc.record({ size: fc.integer({ min: 1, max: 3 }), conditions: fc.array(fc.tuple(fc.nat(), fc.subarray([0, 1, 2], { minLength: 1 })), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(parameter, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }), (parameters, seed) => {
        // Not through the schema, which refuses a condition no value meets: the grid must count those too (a sweep stored before goes on).
        const target = toSearchSpace(Object.fromEntries(parameters.map(({ size, conditions }, i) => {
          const when = i === 0 ? [] : conditions.map(([on, allowed]) => [`p${on % i}`, allowed] as const);
          return [`p${i}`, { type: 'int' as const, low: 0, high: size - 1, log: false, ...(when.length > 0 ? { when: Object.fromEntries(when) } : {}) }];
        })));
        const points = listed(target);
        const order = Int32Array.from(points.keys());
        new Random(seed).shuffle(order);
        const sampler = createSampler({ type: 'grid', seed }, target);
        expect(sampler.capacity).toBe(points.length);
        const suggested = Array.from(order, (_, n) => sampler.suggest({ trialNumber: n, trials: [], goal: 'minimize', random: new Random(n) }));
        expect(suggested.map((point) => JSON.stringify(point))).toEqual(Array.from(order, (index) => JSON.stringify(points[index])));
      }),
      { numRuns: 200 },
    );
  });

  it('counts a grid of 64 chained conditional parameters in a few steps, and refuses one whose conditions cannot be counted so, naming them', () => {
    const grid = (count: number, values: (i: number) => number[], when: (i: number) => Record<string, number[]> | null) =>
      toSearchSpace(searchSpaceSchema.parse(Object.fromEntries(Array.from({ length: count }, (_, i) => [`objective.p${i}`, { type: 'categorical', values: values(i), ...(when(i) ? { when: when(i) } : {}) }]))));
    const values = (i: number) => (i < 16 ? [0, 1] : [0]);
    const previous = grid(64, values, (i) => (i === 0 ? null : { [`objective.p${i - 1}`]: values(i - 1) }));
    const earlier = grid(64, values, (i) => (i === 0 ? null : Object.fromEntries(Array.from({ length: i }, (_, j) => [`objective.p${j}`, values(j)]))));
    for (const space of [previous, earlier]) {
      expect(samplerSpaceIssues({ type: 'grid' }, space, 100)).toEqual([]);
      expect(gridCountingSteps(space)).toBeLessThan(1000);
      const sampler = createSampler({ type: 'grid', seed: 4 }, space);
      expect(sampler.capacity).toBe(65_536);
      expect(Object.keys(sampler.suggest({ trialNumber: 65_535, trials: [], goal: 'minimize', random: new Random(1) }))).toHaveLength(64);
    }
    // objective.p16 … p31 each look at one of p0 … p15: 2¹⁶ ways their conditions stand, none alike.
    const crossed = grid(32, values, (i) => (i < 16 ? null : { [`objective.p${i - 16}`]: [0] }));
    expect(samplerSpaceIssues({ type: 'grid' }, crossed, 100)).toEqual([{
      parameter: '',
      message: "The grid's conditions are too intricate to count its combinations: the `when`s of objective.p16, objective.p17, objective.p18, objective.p19, objective.p20 and 11 more depend on too many earlier choices at once.",
    }]);
    // A worker runs such a grid all the same: a sweep accepted when grids were listed, not counted, must go on.
    const again = grid(32, values, (i) => (i < 16 ? null : { [`objective.p${i - 16}`]: [0] }));
    const sampler = createSampler({ type: 'grid', seed: 4 }, again);
    expect(sampler.capacity).toBe(65_536);
    expect(Object.keys(sampler.suggest({ trialNumber: 0, trials: [], goal: 'minimize', random: new Random(1) })).length).toBeGreaterThan(0);
  });

  it('refuses a continuous parameter, naming it', () => {
    expect(samplerSpaceIssues({ type: 'grid' }, space, 100).map((issue) => issue.parameter)).toEqual(['optimizer.learningRate']);
  });
});

describe('low-discrepancy sequences', () => {
  it.each([false, true])('Sobol (scrambled: %s): the first 2^k points fill each of 2^k intervals once, per coordinate', (scrambled) => {
    const sequence = new SobolSequence(21, scrambled ? new Random(5) : null);
    const points = Array.from({ length: 64 }, (_, i) => sequence.point(i));
    for (let j = 0; j < 21; j++) {
      const cells = points.map((point) => Math.floor(point[j] * 64)).sort((a, b) => a - b);
      expect(cells).toEqual(Array.from({ length: 64 }, (_, i) => i));
    }
  });

  it('Sobol unscrambled starts 0, ½, then ¾ ¼ / ¼ ¾ in the first two coordinates', () => {
    const sequence = new SobolSequence(2, null);
    expect([0, 1, 2, 3].map((i) => sequence.point(i))).toEqual([[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]);
  });

  it('Sobol 2-D projections are (0, m, 2)-nets for the first dimensions: each 1/8 × 1/8 … cell of area 1/64 once', () => {
    const sequence = new SobolSequence(2, new Random(11));
    const points = Array.from({ length: 64 }, (_, i) => sequence.point(i));
    for (const [rows, columns] of [[8, 8], [4, 16], [16, 4], [2, 32]]) {
      const cells = new Set(points.map(([x, y]) => `${Math.floor(x * rows)},${Math.floor(y * columns)}`));
      expect(cells.size).toBe(64);
    }
  });

  it('scrambled Halton: the first b^2 points fill each of b^2 intervals once, per coordinate of base b', () => {
    const sequence = new HaltonSequence(6, new Random(2));
    firstPrimes(6).forEach((base, j) => {
      const n = base * base;
      const cells = Array.from({ length: n }, (_, i) => Math.floor(sequence.point(i)[j] * n)).sort((a, b) => a - b);
      expect(cells).toEqual(Array.from({ length: n }, (_, i) => i));
    });
  });
});

describe('TPE', () => {
  const quadratic = toSearchSpace(
    searchSpaceSchema.parse({ x: { type: 'float', low: -5, high: 5 }, y: { type: 'float', low: -5, high: 5 }, z: { type: 'float', low: -5, high: 5 } }),
  );
  const objective = (values: ParameterValues) => ((values.x as number) - 1) ** 2 + ((values.y as number) + 2) ** 2 + ((values.z as number) - 0.5) ** 2;
  const best = (trials: ObservedTrial[]) => Math.min(...trials.map((trial) => trial.value!));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  it('beats random search with the same budget (median over seeds)', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const tpe = seeds.map((seed) => best(runSweep({ type: 'tpe', seed, startupTrials: 10, nEiCandidates: 24, gamma: 0.1, gammaMax: 25, considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false, constantLiar: false }, quadratic, 60, objective)));
    const random = seeds.map((seed) => best(runSweep({ type: 'random', seed }, quadratic, 60, objective)));
    expect(median(tpe)).toBeLessThan(median(random));
  });

  it('a sampler that suggested before suggests as a new one would: what it kept of earlier fits serves only the same observations', () => {
    for (const spec of specs.filter((candidate) => candidate.type === 'tpe')) {
      const kept = createSampler(spec, space);
      const trials: ObservedTrial[] = [];
      // Rounds of three suggestions; the first of each round's trials then finishes, the others stay running (or fail).
      for (let round = 0; round < 12; round++) {
        const created: ObservedTrial[] = [];
        for (let k = 0; k < 3; k++) {
          const number = trials.length;
          const request = { trialNumber: number, trials, goal: 'minimize' as const, random: trialRandom(3, number) };
          const parameters = kept.suggest(request);
          expect(parameters).toEqual(createSampler(spec, space).suggest({ ...request, random: trialRandom(3, number) }));
          const trial: ObservedTrial = { number, state: 'running', parameters, value: null, lastStep: null, lastValue: null };
          trials.push(trial);
          created.push(trial);
        }
        trials[created[0].number] = { ...created[0], state: 'complete', value: toy(created[0].parameters) };
        if (round % 4 === 1) trials[created[1].number] = { ...created[1], state: 'pruned', lastStep: 3, lastValue: toy(created[1].parameters) };
        if (round % 4 === 2) trials[created[2].number] = { ...created[2], state: 'failed' };
      }
    }
  });

  it('the γ split takes the same trials as ranking them all (ties to the earlier trial)', () => {
    const score = fc.record({ stage: fc.constantFrom(-Infinity, -3, -1, 1, Infinity), value: fc.oneof(fc.constantFrom(0, 1, Infinity, -Infinity), fc.double({ noNaN: true })) });
    fc.assert(
      fc.property(fc.array(score, { maxLength: 90 }), fc.nat(100), (scores, below) => {
        const byRank = (i: number, j: number) => (scores[i].stage !== scores[j].stage ? (scores[i].stage < scores[j].stage ? -1 : 1) : scores[i].value !== scores[j].value ? (scores[i].value < scores[j].value ? -1 : 1) : 0);
        const ranked = Array.from(scores.keys()).sort(byRank);
        const ascending = (a: number, b: number) => a - b;
        expect(splitObservations(scores, below)).toEqual({ below: ranked.slice(0, below).sort(ascending), above: ranked.slice(below).sort(ascending) });
      }),
    );
  });

  it('refuses a sweep whose last suggestions would take more than a suggestion\'s share of work, naming nEiCandidates and how many would fit', () => {
    const kinds = [
      { type: 'float', low: -5, high: 5 }, { type: 'float', low: 1e-4, high: 1, log: true }, { type: 'int', low: 1, high: 100 }, { type: 'categorical', values: [1, 2, 3, 4] },
    ];
    const body = (parameter: (i: number) => unknown, sampler: object, budget: object = {}) => ({
      base: sphere64,
      parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, parameter(i)])),
      sampler: { type: 'tpe', ...sampler },
      budget,
    });
    const issues = (input: unknown) => {
      const parsed = sweepSpecSchema.safeParse(input);
      return parsed.success ? [] : toFieldIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
    };
    // 100 trials unless told: the last suggestion scores its candidates under 99 trials' components.
    expect(issues(body((i) => kinds[i % 4], { nEiCandidates: 10_000 }))).toEqual([
      'sampler.nEiCandidates: A suggestion after 99 trials (budget.maxTrials less one) would score 10,000 candidates for each of 64 parameters under a mixture component per trial: '
      + 'about 104,243,584 densities\' work, more than 100,000,000 (a stepped parameter\'s density, a mass, counts 25 times, once per step its candidates fall on; '
      + 'a candidate\'s draw, 80; fitting a component, 100, a categorical one\'s 6 a choice). Lower nEiCandidates (9,574 at most here), budget.maxTrials or the parameters.',
    ]);
    expect(issues(body((i) => kinds[i % 4], { nEiCandidates: 9_574 }))).toEqual([]);
    expect(issues(body((i) => kinds[i % 4], { nEiCandidates: 9_574 }, { maxTrials: 200 }))).toEqual([expect.stringMatching(/^sampler\.nEiCandidates: A suggestion after 199 trials .* \(6,156 at most here\)/)]);
    // A stepped parameter's candidates fall on its few steps; Optuna's defaults over the largest budget.
    expect(issues(body(() => ({ type: 'int', low: 1, high: 3 }), { nEiCandidates: 10_000 }))).toEqual([]);
    expect(issues(body((i) => kinds[i % 2], {}, { maxTrials: 10_000 }))).toEqual([]);
    // Random trials alone: TPE starts after startupTrials.
    expect(issues(body((i) => kinds[i % 4], { nEiCandidates: 10_000, startupTrials: 100 }))).toEqual([]);
    // Fitting the estimators: a categorical parameter's component is a row of all its choices, however few the candidates take.
    const choices = { type: 'categorical', values: Array.from({ length: 1000 }, (_, k) => k) };
    expect(issues({ ...body(() => choices, {}, { maxTrials: 5001 }), parameters: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`objective.initial.${i}`, choices])) })).toEqual([
      expect.stringMatching(/^sampler\.nEiCandidates: A suggestion after 5,000 trials .* about 241,071,744 densities' work, .* Lower budget\.maxTrials or the parameters\.$/),
    ]);
  });

  it.each([
    { name: 'more candidates than its maximum, of which the maximum fit: the maximum alone', parameters: 1, maxTrials: 100, issues: ['Too big: expected number to be <=10000'] },
    {
      name: 'more candidates than its maximum, of which fewer fit: the maximum, and the most that fit below it',
      parameters: 1,
      maxTrials: 10_000,
      issues: ['Too big: expected number to be <=10000', expect.stringMatching(/Lower nEiCandidates \(9,820 at most here, by the work limit; its own maximum is 10,000\), budget\.maxTrials or the parameters\.$/)],
    },
  ])('TPE with $name', ({ parameters, maxTrials, issues }) => {
    const input = {
      base: sphere64,
      parameters: Object.fromEntries(Array.from({ length: parameters }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -5, high: 5 }])),
      sampler: { type: 'tpe', nEiCandidates: 1_000_000 },
      budget: { maxTrials },
    };
    const parsed = sweepSpecSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const found = toFieldIssues(parsed.error!);
    expect(found.map((issue) => issue.path)).toEqual(issues.map(() => 'sampler.nEiCandidates'));
    expect(found.map((issue) => issue.message)).toEqual(issues);
  });

  it('registry: every sampler has a description and defaulted options', () => {
    expect(samplerTypes).toEqual(['grid', 'random', 'qmc', 'tpe']);
  });
});
