/** A run's result: every figure is measured at the returned parameters, the best value names its metric. */
import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { createObjective, type ObjectiveSpec } from '../../../src/core/objectives/index.ts';
import type { DataObjective } from '../../../src/core/objectives/objective.ts';
import { iterateRun } from '../../../src/core/training/index.ts';

describe('run result', () => {
  it("finalLoss is the objective at the returned parameters (the README's first run)", () => {
    const spec = runSpecSchema.parse({
      objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
      optimizer: { name: 'adam', learningRate: 0.01 },
      training: { maxSteps: 500 },
    });
    const run = iterateRun(spec);
    const records = [...run];
    const result = run.result!;
    const objective = createObjective(spec.objective as ObjectiveSpec);
    expect(result.finalLoss).toBe(objective.value(Float64Array.from(result.params)));
    // The last record's loss is taken before the last update: another number.
    expect(records.at(-1)!.loss).not.toBe(result.finalLoss);
    expect(result).toMatchObject({ steps: 500, finalValLoss: null, finalValAccuracy: null, restoredBest: false, best: { metric: 'loss', step: 500 } });
  });

  it('a model run: the training loss over the whole training set and the validation figures, each at the returned parameters', () => {
    const spec = runSpecSchema.parse({
      objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 300, noise: 0.2, seed: 4 }, validationSplit: 0.25, seed: 4 },
      optimizer: { name: 'sgd', learningRate: 0.5 },
      training: { maxSteps: 200, batchSize: 8, seed: 4, validationEvery: 10 },
      earlyStopping: { monitor: 'valLoss', patience: 1000 },
    });
    const objective = createObjective(spec.objective as ObjectiveSpec) as DataObjective;
    const run = iterateRun(spec, { objective });
    const records = [...run];
    const result = run.result!;
    const params = Float64Array.from(result.params);
    expect(result.finalLoss).toBe(objective.trainingLoss(params));
    objective.selectBatch(null, objective.trainingRows);
    expect(result.finalLoss).toBe(objective.value(params));
    // The last record's loss is one mini-batch's, before the last update.
    expect(records.at(-1)!.loss).not.toBe(result.finalLoss);
    expect(result.finalValLoss).toBe(objective.validationLoss(params));
    expect(result.finalValAccuracy).toBe(objective.validationAccuracy!(params));
    const bestValidation = Math.min(...records.filter((record) => record.valLoss !== undefined).map((record) => record.valLoss!));
    expect(result.best).toMatchObject({ metric: 'valLoss', value: bestValidation });
    expect(result.restoredBest).toBe(false);
    expect(result.message).not.toContain('restoreBest');
  });
});
