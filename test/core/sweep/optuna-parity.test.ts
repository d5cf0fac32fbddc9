/**
 * TPE's Parzen estimators and γ split, and the median and successive-halving pruners, replayed
 * against numbers Optuna 3.1 produced (fixtures/optuna-fixtures.py wrote fixtures/optuna.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParzenEstimator, type ParzenSettings } from '../../../src/core/sweep/samplers/tpe/parzen-estimator.ts';
import { belowCount, observe, splitObservations } from '../../../src/core/sweep/samplers/tpe/observations.ts';
import { createPruner, type Competitor, type Distribution, type Goal, type ObservedTrial, type PrunerSpec, type SearchParameter } from '../../../src/core/sweep/index.ts';

interface FixtureDistribution {
  kind: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  step?: number | null;
  choices?: string[];
}

interface ParzenCase {
  name: string;
  space: Record<string, FixtureDistribution>;
  settings: { consider_prior: boolean; prior_weight: number; consider_magic_clip: boolean; consider_endpoints: boolean; multivariate: boolean };
  observations: Record<string, number[]>;
  weights: number[];
  components: Record<string, { low?: number; high?: number; q?: number | null; mus?: number[]; sigmas?: number[]; categoricalWeights?: number[][] }>;
  points: Record<string, number[]>;
  logPdf: number[];
}

interface PrunerCase {
  rule: 'median' | 'asha';
  goal: Goal;
  options: Record<string, number>;
  curves: (number | null)[][];
  decisions: { trial: number; step: number; prune: boolean }[];
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/optuna.json', import.meta.url), 'utf8')) as {
  optuna: string;
  parzen: ParzenCase[];
  split: { goal: Goal; constantLiar: boolean; trials: ObservedTrial[]; finished: number; below: number[]; above: number[] }[];
  pruners: PrunerCase[];
};

function toParameter(name: string, fixture: FixtureDistribution): SearchParameter {
  let distribution: Distribution;
  if (fixture.kind === 'categorical') distribution = { kind: 'categorical', choices: fixture.choices! };
  else if (fixture.kind === 'float') distribution = { kind: 'float', low: fixture.low!, high: fixture.high!, log: fixture.log!, step: fixture.step ?? null };
  else distribution = { kind: 'int', low: fixture.low!, high: fixture.high!, log: fixture.log!, step: fixture.step ?? 1 };
  return { name, distribution, when: null };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], relative = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((value, i) => {
    const scale = Math.max(1, Math.abs(expected[i]));
    expect(Math.abs(value - expected[i]) / scale, `index ${i}: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(relative);
  });
}

describe(`TPE's Parzen estimator against Optuna ${fixtures.optuna}`, () => {
  it.each(fixtures.parzen.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    const parameters = Object.entries(fixture.space).map(([name, d]) => toParameter(name, d));
    const settings: ParzenSettings = {
      considerPrior: fixture.settings.consider_prior,
      priorWeight: fixture.settings.prior_weight,
      considerMagicClip: fixture.settings.consider_magic_clip,
      considerEndpoints: fixture.settings.consider_endpoints,
      multivariate: fixture.settings.multivariate,
    };
    const estimator = new ParzenEstimator(fixture.observations, parameters, settings);
    expectClose(estimator.weights, fixture.weights);
    for (const parameter of parameters) {
      const expected = fixture.components[parameter.name];
      const actual = estimator.components.get(parameter.name)!;
      if (actual.kind === 'categorical') {
        actual.weights.forEach((row, i) => expectClose(row, expected.categoricalWeights![i]));
        expect(actual.weights.length).toBe(expected.categoricalWeights!.length);
      } else {
        expect(actual.low).toBeCloseTo(expected.low!, 12);
        expect(actual.high).toBeCloseTo(expected.high!, 12);
        expect(actual.q).toBe(expected.q ?? null);
        expectClose(actual.mus, expected.mus!);
        expectClose(actual.sigmas, expected.sigmas!);
      }
    }
    expectClose(estimator.logPdf(fixture.points), fixture.logPdf);
  });
});

describe(`TPE's observations and γ split against Optuna ${fixtures.optuna}`, () => {
  it.each(fixtures.split.map((c, i) => [i, c] as const))('case %i', (_i, fixture) => {
    const observations = observe(fixture.trials, fixture.goal, fixture.constantLiar);
    expect(observations.finished).toBe(fixture.finished);
    const { below, above } = splitObservations(observations.scores, belowCount(observations.finished, 0.1, 25));
    expect(below).toEqual(fixture.below);
    expect(above).toEqual(fixture.above);
  });
});

describe(`pruner decisions against Optuna ${fixtures.optuna}, decision for decision`, () => {
  it.each(fixtures.pruners.map((c) => [`${c.rule} ${c.goal} ${JSON.stringify(c.options)}`, c] as const))('%s', (_name, fixture) => {
    const pruner = createPruner({ type: fixture.rule, ...fixture.options } as PrunerSpec);
    const curves = fixture.curves.map((curve) => curve.map((v) => (v === null ? NaN : v)));
    const outcome: { state: 'running' | 'complete' | 'pruned'; lastStep: number; prunedRung: number | null }[] = [];
    const better = (a: number, b: number) => (fixture.goal === 'minimize' ? a < b : a > b);
    const decisions: { trial: number; step: number; prune: boolean }[] = [];
    curves.forEach((curve, trial) => {
      outcome[trial] = { state: 'running', lastStep: -1, prunedRung: null };
      let best = NaN;
      for (let step = 0; step < curve.length; step++) {
        const value = curve[step];
        if (!Number.isNaN(value) && (Number.isNaN(best) || better(value, best))) best = value;
        const context = {
          step,
          value,
          bestValue: best,
          previousStep: step === 0 ? null : step - 1,
          goal: fixture.goal,
          metric: 'loss',
          completedTrials: outcome.filter((o) => o.state === 'complete').length,
        };
        outcome[trial].lastStep = step;
        const plan = pruner.plan(context);
        let prune = false;
        if (plan) {
          const competitors: Competitor[] = [];
          outcome.forEach((other, number) => {
            if (number === trial) return;
            const counts = plan.population === 'completed' ? other.state === 'complete' : other.lastStep >= step;
            if (counts) competitors.push({ value: curves[number][step], prunedRung: other.state === 'pruned' && other.lastStep === step ? other.prunedRung : null });
          });
          const decision = pruner.decide(context, competitors);
          prune = decision.prune;
          if (prune) outcome[trial].prunedRung = decision.rung;
        }
        decisions.push({ trial, step, prune });
        if (prune) {
          outcome[trial].state = 'pruned';
          return;
        }
      }
      outcome[trial].state = 'complete';
    });
    expect(decisions).toEqual(fixture.decisions);
  });
});
