/**
 * `result.best` counts the loss at the last parameters, which only the run's end measures (an
 * update's loss is measured before it): a run whose last parameters are better than every step's
 * reports them as the best, and `earlyStopping.restoreBest` keeps them rather than return worse
 * ones. The per-step losses are the same either way.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { iterateRun, restated, type RunResult, type StepRecord } from '../../../src/core/training/index.ts';
import { createObjective } from '../../../src/core/objectives/index.ts';

const cases: { name: string; spec: RunSpecInput }[] = [
  {
    name: 'sgd on the saddle, stopped as unbounded below',
    spec: { objective: { type: 'benchmark', name: 'saddle' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 2000 } },
  },
  {
    name: 'sgd on the sphere',
    spec: { objective: { type: 'benchmark', name: 'sphere' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 60 } },
  },
  {
    name: 'momentum on an expression',
    spec: {
      objective: { type: 'expression', expression: '(x - 1)^2 + 2*(y + 1)^2', variables: ['x', 'y'], initial: [3, 2] },
      optimizer: { name: 'momentum', learningRate: 0.01, momentum: 0.5 },
      training: { maxSteps: 40 },
    },
  },
  {
    name: 'adagrad on a linear model over the whole training set',
    spec: {
      objective: { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 40, seed: 3 } },
      optimizer: { name: 'adagrad', learningRate: 0.1 },
      training: { maxSteps: 50 },
    },
  },
  {
    name: 'early stopping whose minDelta no update meets, stopping it at its patience',
    spec: {
      objective: { type: 'benchmark', name: 'booth' },
      optimizer: { name: 'sgd', learningRate: 0.02 },
      training: { maxSteps: 500 },
      earlyStopping: { monitor: 'loss', patience: 30, minDelta: 1e6 },
    },
  },
  ...(['hogwild', 'downpour'] as const).map((algorithm) => ({
    name: `simulated ${algorithm} on a linear model`,
    spec: {
      objective: { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 40, seed: 3 } },
      optimizer: { name: 'sgd', learningRate: 0.05 },
      training: { maxSteps: 40 },
      parallel: { algorithm, replicas: 2, execution: 'simulated' },
    } satisfies RunSpecInput,
  })),
];

function run(input: RunSpecInput, restoreBest: boolean): { records: StepRecord[]; result: RunResult } {
  const spec = runSpecSchema.parse({
    ...input,
    earlyStopping: { monitor: 'loss', patience: 1_000_000, ...input.earlyStopping, restoreBest },
    record: { every: 1 },
  } satisfies RunSpecInput);
  const engine = iterateRun(spec);
  const records = [...engine];
  return { records, result: engine.result! };
}

describe.each(cases)('the best value when the last parameters are the best: $name', ({ spec }) => {
  const last = run(spec, false);
  const restoring = run(spec, true);

  it('the last parameters are measured lower than every update before', () => {
    expect(last.result.finalLoss).not.toBeNull();
    expect(last.result.finalLoss!).toBeLessThan(Math.min(...last.records.map((record) => record.loss)));
  });

  it('result.best is the loss at the last parameters, at the last step, never above finalLoss', () => {
    expect(last.result.best).toEqual({ metric: 'loss', value: last.result.finalLoss, step: last.result.steps, atEnd: true });
    expect(last.result.restoredBest).toBe(false);
  });

  it('restoreBest returns the last parameters: never worse than them', () => {
    expect(restoring.records).toEqual(last.records);
    expect(restoring.result.params).toEqual(last.result.params);
    expect(restoring.result.finalLoss!).toBeLessThanOrEqual(last.result.finalLoss!);
    expect(restoring.result.best).toEqual(last.result.best);
    expect(restoring.result.restoredBest).toBe(false);
    expect(restoring.result.message).toContain(`The parameters are the last ones, which are the best (earlyStopping.restoreBest): loss was ${last.result.finalLoss} at them when the run ended, below the updates' best.`);
  });
});

describe('the best value of a run resumed from a checkpoint', () => {
  it.each(cases)('is the one the run gives without a break: $name', ({ spec: input }) => {
    const spec = runSpecSchema.parse({ ...input, earlyStopping: { monitor: 'loss', patience: 1_000_000, ...input.earlyStopping, restoreBest: true } });
    const whole = iterateRun(spec).runToEnd();
    const first = iterateRun(spec);
    first.advance({ maxSteps: 7 });
    const resumed = iterateRun(spec, { checkpoint: JSON.parse(JSON.stringify(first.checkpoint())) });
    expect(resumed.runToEnd()).toEqual(whole);
  });
});

describe('early stopping when the last parameters are the best', () => {
  it("names the updates' best as the rule saw it, then the last parameters' lower loss, result.best", () => {
    const { result } = run(cases.find((row) => row.spec.earlyStopping !== undefined)!.spec, false);
    expect(result.stopReason).toBe('early_stopping');
    expect(result.message).toBe(
      'Early stopping at step 31: loss did not improve by more than minDelta (1000000) for 30 updates (patience 30); best 74 at step 1. '
      + `At the last parameters, when the run ended, loss was ${result.finalLoss}: below the updates' best.`,
    );
    expect(result.best).toEqual({ metric: 'loss', value: result.finalLoss, step: 31, atEnd: true });
  });
});

describe('the best validation loss when the last parameters are the best', () => {
  // minDelta keeps early stopping's best at the first validation; the last parameters' is lower.
  const input = (restoreBest: boolean) => runSpecSchema.parse({
    objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 120, noise: 0.2, seed: 4 }, validationSplit: 0.25, seed: 4 },
    optimizer: { name: 'sgd', learningRate: 0.5 },
    training: { maxSteps: 60, seed: 4, validationEvery: 10 },
    earlyStopping: { monitor: 'valLoss', patience: 1_000_000, minDelta: 1e6, restoreBest },
  } satisfies RunSpecInput);

  it('is the last parameters\' finalValLoss, and restoreBest keeps them', () => {
    const last = iterateRun(input(false));
    const records = [...last];
    const restoring = iterateRun(input(true)).runToEnd();
    const result = last.result!;
    const first = records.find((record) => record.valLoss !== undefined)!;
    expect(first.step).toBe(10);
    expect(last.earlyStopping).toMatchObject({ best: first.valLoss, bestStep: 10 });
    expect(result.finalValLoss!).toBeLessThan(first.valLoss!);
    expect(result.best).toEqual({ metric: 'valLoss', value: result.finalValLoss, step: 60, atEnd: true });
    expect(restoring.params).toEqual(result.params);
    expect(restoring.finalValLoss).toBe(result.finalValLoss);
    expect(restoring.best).toEqual(result.best);
  });
});

describe('restoreBest with mini-batches', () => {
  // An update's loss is its batch's: the best update's parameters may measure higher over the whole training set than the last ones.
  const input = (restoreBest: boolean, seed: number) => runSpecSchema.parse({
    objective: { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 200, seed: 3 } },
    optimizer: { name: 'sgd', learningRate: 0.05 },
    training: { maxSteps: 300, batchSize: 1, seed },
    earlyStopping: { monitor: 'loss', patience: 1_000_000, restoreBest },
  } satisfies RunSpecInput);

  it.each([1, 2, 3, 4, 5, 6])('never returns parameters worse than the last ones by the whole training set (seed %i), and says which it returned', (seed) => {
    const last = iterateRun(input(false, seed)).runToEnd();
    const restoring = iterateRun(input(true, seed)).runToEnd();
    expect(restoring.finalLoss!).toBeLessThanOrEqual(last.finalLoss!);
    expect(restoring.best).toEqual(last.best);
    if (restoring.restoredBest) {
      expect(restoring.message).toContain(`not the last ones; when the run ended, loss was ${restoring.finalLoss} at them, ${last.finalLoss} at the last ones.`);
    } else {
      expect(restoring.params).toEqual(last.params);
      expect(restoring.finalLoss).toBe(last.finalLoss);
      expect(restoring.message).toMatch(/ The parameters are the last ones/);
    }
  });

  it('keeps the last ones when the best update\'s measure higher when the run ends', () => {
    const results = [1, 2, 3, 4, 5, 6].map((seed) => iterateRun(input(true, seed)).runToEnd());
    const kept = results.find((result) => !result.restoredBest && !result.best!.atEnd)!;
    expect(kept.message).toMatch(new RegExp(` The parameters are the last ones \\(earlyStopping\\.restoreBest kept them\\): when the run ended, loss was ${kept.finalLoss} at them, \\S+ at the best ones \\(those of step ${kept.best!.step}\\)\\.$`));
  });
});

describe('what the end of a run evaluates', () => {
  const model = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, noise: 0.2, seed: 4 }, validationSplit: 0.25, seed: 4 } as const;
  /** The whole-set evaluations after the last update: the last validation, then the result's. */
  function counted(input: RunSpecInput) {
    const config = runSpecSchema.parse(input);
    const objective = createObjective(config.objective as never) as unknown as Record<string, (params: Float64Array) => number>;
    const counts = { trainingLoss: 0, validationLoss: 0, validationAccuracy: 0 };
    let ending = false;
    for (const name of Object.keys(counts) as (keyof typeof counts)[]) {
      const evaluate = objective[name].bind(objective);
      objective[name] = (params) => {
        if (ending) counts[name] += 1;
        return evaluate(params);
      };
    }
    const run = iterateRun(config, { objective: objective as never });
    run.advance({ maxSteps: config.training.maxSteps! - 1 });
    ending = true;
    const result = run.runToEnd();
    return { counts, result };
  }
  const spec = (monitor: 'loss' | 'valLoss', restoreBest: boolean, learningRate = 0.5): RunSpecInput => ({
    objective: model,
    optimizer: { name: 'sgd', learningRate },
    training: { maxSteps: 60, batchSize: 8, seed: 1, validationEvery: 10 },
    earlyStopping: { monitor, patience: 1_000_000, restoreBest },
  });

  it('validates the last parameters once, and measures the monitored metric at the best update\'s only to choose them', () => {
    // Without restoreBest: the last step's validation is the result's; the training loss once.
    expect(counted(spec('loss', false)).counts).toEqual({ trainingLoss: 1, validationLoss: 1, validationAccuracy: 1 });
    expect(counted(spec('valLoss', false)).counts).toEqual({ trainingLoss: 1, validationLoss: 1, validationAccuracy: 1 });
    // restoreBest by loss: the last parameters' and the best update's, one of which is returned.
    const byLoss = counted(spec('loss', true));
    expect(byLoss.counts.trainingLoss).toBe(2);
    expect(byLoss.counts).toEqual(byLoss.result.restoredBest
      ? { trainingLoss: 2, validationLoss: 2, validationAccuracy: 2 }
      : { trainingLoss: 2, validationLoss: 1, validationAccuracy: 1 });
    // restoreBest by valLoss: the last step's validation is the last parameters'; the best update's measured once more.
    const byValLoss = counted(spec('valLoss', true, 3));
    expect(byValLoss.result.restoredBest).toBe(true);
    expect(byValLoss.counts).toEqual({ trainingLoss: 1, validationLoss: 2, validationAccuracy: 2 });
  });
});

describe('the sentence on the parameters', () => {
  it('does not say "below the updates\' best" when no update\'s value was counted', () => {
    // valLoss before the first validation: the run cancelled at step 3 has no update's value.
    const run = iterateRun(runSpecSchema.parse({
      objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 120, noise: 0.2, seed: 4 }, validationSplit: 0.25, seed: 4 },
      optimizer: { name: 'sgd', learningRate: 0.5 },
      training: { maxSteps: 100, validationEvery: 50 },
      earlyStopping: { monitor: 'valLoss', restoreBest: true },
    } satisfies RunSpecInput));
    run.advance({ maxSteps: 3 });
    expect(run.earlyStopping.best).toBeNull();
    run.cancel();
    const result = run.runToEnd();
    expect(result.best).toEqual({ metric: 'valLoss', value: result.finalValLoss, step: 3, atEnd: true });
    expect(result.message).toBe(`Cancelled at step 3. The parameters are the last ones, which are the best (earlyStopping.restoreBest): valLoss was ${result.finalValLoss} at them when the run ended.`);
  });

  it('is kept when the stop is restated (a pruned trial, a tenant\'s quota)', () => {
    const run = iterateRun(runSpecSchema.parse({ ...cases[1]!.spec, earlyStopping: { monitor: 'loss', restoreBest: true } }));
    run.advance({ maxSteps: 10 });
    run.cancel();
    const result = run.runToEnd();
    const note = result.message.slice('Cancelled at step 10.'.length);
    expect(note).toMatch(/^ The parameters are the last ones/);
    expect(restated(result, 'pruned', 'Pruned at step 10.')).toMatchObject({ stopReason: 'pruned', message: `Pruned at step 10.${note}`, params: result.params });
    const plain = iterateRun(runSpecSchema.parse(cases[1]!.spec)).runToEnd();
    expect(restated(plain, 'metric_rows_quota', 'Stopped.').message).toBe('Stopped.');
  });
});

describe('a run whose update failed midway', () => {
  it('does not count its last parameters in best, and restoreBest returns the best update\'s', () => {
    const input = runSpecSchema.parse({ ...cases[1]!.spec, earlyStopping: { monitor: 'loss', restoreBest: true } });
    const objective = createObjective(input.objective as never);
    const gradient = objective.valueAndGradient.bind(objective);
    let calls = 0;
    // The 6th evaluation fails after the 5 updates before it.
    (objective as { valueAndGradient: typeof gradient }).valueAndGradient = (params, out) => {
      calls += 1;
      if (calls === 6) throw new Error('broken');
      return gradient(params, out);
    };
    const result = iterateRun(input, { objective }).runToEnd();
    expect(result.stopReason).toBe('error');
    expect(result.best).toMatchObject({ step: 5, atEnd: false });
    expect(result.restoredBest).toBe(true);
  });
});
