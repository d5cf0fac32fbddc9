/** The overview's claims about models on data, shown through the real run loop with fixed seeds. */
import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../../src/contracts/run-spec.ts';
import { createObjective, type ObjectiveSpec } from '../../../../src/core/objectives/index.ts';
import type { DataObjective } from '../../../../src/core/objectives/objective.ts';
import { iterateRun, type StepRecord } from '../../../../src/core/training/index.ts';

/** Parses a spec written loosely in the test (the schema checks it at run time). */
const parse = (spec: unknown) => runSpecSchema.parse(spec);

describe('Adagrad on sparse data with rare informative features', () => {
  const data = { builtin: 'sparse-text', rows: 3000, columns: 2000, seed: 1 };
  /** Validation loss after the same budget (5 epochs of mini-batches of 10). */
  function finalValidationLoss(name: 'sgd' | 'adagrad', learningRate: number): number {
    const run = iterateRun(parse({
      objective: { type: 'model', model: 'logistic', data, validationSplit: 0.25, seed: 1 },
      optimizer: { name, learningRate },
      training: { epochs: 5, batchSize: 10, seed: 1 },
      record: { every: 1_000_000 },
    }));
    const records = [...run];
    return records[records.length - 1].valLoss!;
  }

  it('reaches a lower validation loss than plain SGD at the same budget, each at its best learning rate', () => {
    const grid = [0.03, 0.1, 0.3, 1];
    const best = (name: 'sgd' | 'adagrad') => Math.min(...grid.map((rate) => finalValidationLoss(name, rate)));
    const sgd = best('sgd');
    const adagrad = best('adagrad');
    expect(adagrad).toBeLessThan(sgd - 0.02);
  });
});

describe('batch normalization', () => {
  /** First epoch at whose end the validation loss is below `target` (Infinity if none). */
  function epochsToTarget(data: object, activation: string, batchNormalization: boolean, target: number): number {
    const run = iterateRun(parse({
      objective: { type: 'model', model: 'mlp', data, validationSplit: 0.25, hidden: [32, 32], activation, batchNormalization, seed: 1 },
      optimizer: { name: 'sgd', learningRate: 2 },
      training: { epochs: 40, batchSize: 30, seed: 1, validationEvery: 10 },
      record: { every: 10 },
    }));
    for (const record of run) if (record.valLoss! < target) return record.epoch;
    return Infinity;
  }

  it.each([
    ['moons, sigmoid', { builtin: 'moons', rows: 400, noise: 0.15, seed: 2 }, 'sigmoid', 0.1],
    ['blobs, relu', { builtin: 'blobs', rows: 400, columns: 10, classes: 4, spread: 3, seed: 2 }, 'relu', 0.6],
  ] as const)('reaches a target validation loss in fewer epochs than without it at a high learning rate (%s)', (_name, data, activation, target) => {
    const withNormalization = epochsToTarget(data, activation, true, target);
    const without = epochsToTarget(data, activation, false, target);
    expect(withNormalization).toBeLessThan(40);
    expect(withNormalization).toBeLessThan(without);
  });
});

describe('restoreBest with batch normalization', () => {
  it('restores the running statistics that go with the best parameters', () => {
    const spec = parse({
      objective: { type: 'model', model: 'mlp', data: { builtin: 'moons', rows: 200, noise: 0.3, seed: 3 }, validationSplit: 0.3,
        hidden: [16], activation: 'relu', batchNormalization: true, seed: 3 },
      optimizer: { name: 'adam', learningRate: 0.05 },
      training: { epochs: 60, batchSize: 20, seed: 3, validationEvery: 5 },
      earlyStopping: { monitor: 'valLoss', patience: 1_000_000, restoreBest: true },
      record: { every: 5 },
    });
    const objective = createObjective(spec.objective as ObjectiveSpec) as DataObjective;
    const run = iterateRun(spec, { objective });
    const records = [...run];
    const best = Math.min(...records.map((record) => record.valLoss!));
    // The run went past its best, so the last statistics differ from the best ones.
    expect(records[records.length - 1].valLoss).toBeGreaterThan(best);
    expect(run.result!.best).toMatchObject({ metric: 'valLoss', value: best });
    expect(run.result!.restoredBest).toBe(true);
    expect(run.result!.finalValLoss).toBe(best);
    // Evaluating the restored parameters with the restored statistics gives the best loss exactly.
    expect(objective.validationLoss(Float64Array.from(run.result!.params))).toBe(best);
  });
});

describe('reproducibility of mini-batch runs', () => {
  const spec = parse({
    objective: {
      type: 'model', model: 'mlp', data: { builtin: 'spirals', rows: 90, seed: 4 }, validationSplit: 0.2,
      hidden: [8], activation: 'tanh', batchNormalization: true, seed: 3,
    },
    optimizer: { name: 'adam', learningRate: 0.02 },
    // 72 training rows in batches of 10: 8 batches per epoch, so step 13 is mid-epoch 2.
    training: { maxSteps: 40, batchSize: 10, seed: 11, curriculum: { by: 'loss', strategy: 'mixed' } },
    earlyStopping: { monitor: 'valLoss', patience: 1000, restoreBest: true },
    record: { every: 1, params: true },
  });

  it('gives the same trajectory bit for bit for the same seed, and another for another seed', () => {
    const first = [...iterateRun(spec)];
    expect([...iterateRun(spec)]).toEqual(first);
    const other = [...iterateRun({ ...spec, training: { ...spec.training, seed: 12 } })];
    expect(other).not.toEqual(first);
  });

  it('continues bit for bit after a checkpoint taken mid-epoch and restored in a fresh run', () => {
    const whole = iterateRun(spec);
    const expected = [...whole];
    const head = iterateRun(spec);
    const before: StepRecord[] = head.advance({ maxSteps: 13 });
    expect(before[before.length - 1].epoch).toBe(2);
    const checkpoint = JSON.parse(JSON.stringify(head.checkpoint()));
    const resumed = iterateRun(spec, { checkpoint });
    const after = [...resumed];
    expect([...before, ...after]).toEqual(expected);
    expect(resumed.result).toEqual(whole.result);
  });
});
