/**
 * `result.best` counts the loss at the last parameters, which only the run's end measures (an
 * update's loss is measured before it): a run whose last parameters are better than every step's
 * reports them as the best, and `earlyStopping.restoreBest` keeps them rather than return worse
 * ones. The per-step losses are the same either way.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { iterateRun, type RunResult, type StepRecord } from '../../../src/core/training/index.ts';

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
    expect(last.result.best).toEqual({ metric: 'loss', value: last.result.finalLoss, step: last.result.steps });
    expect(last.result.best!.value).toBeLessThanOrEqual(last.result.finalLoss!);
    expect(last.result.restoredBest).toBe(false);
  });

  it('restoreBest returns the last parameters: never worse than them', () => {
    expect(restoring.records).toEqual(last.records);
    expect(restoring.result.params).toEqual(last.result.params);
    expect(restoring.result.finalLoss!).toBeLessThanOrEqual(last.result.finalLoss!);
    expect(restoring.result.best).toEqual(last.result.best);
    expect(restoring.result.restoredBest).toBe(true);
    expect(restoring.result.message).toContain(`which are the last ones: loss was ${last.result.finalLoss} at them when the run ended, below the updates' best.`);
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
      'Early stopping at step 31: loss did not improve for 30 updates (patience 30); best 74 at step 1. '
      + `At the last parameters, when the run ended, loss was ${result.finalLoss}: below the updates' best.`,
    );
    expect(result.best).toEqual({ metric: 'loss', value: result.finalLoss, step: 31 });
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
    expect(result.best).toEqual({ metric: 'valLoss', value: result.finalValLoss, step: 60 });
    expect(restoring.params).toEqual(result.params);
    expect(restoring.finalValLoss).toBe(result.finalValLoss);
    expect(restoring.best).toEqual(result.best);
  });
});
