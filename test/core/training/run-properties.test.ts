import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { iterateRun, type RunEngine, type StepRecord } from '../../../src/core/training/index.ts';
import { lineFit, quadratic, selectedBatches } from './test-objectives.ts';
import { runConfig } from './run-config.ts';

/** A spec that exercises every stateful piece: shuffled mini-batches, noise, plateau schedule, early stopping. */
const noisySpec = (seed: number, maxSteps: number) =>
  runConfig({
    optimizer: { name: 'sgd', learningRate: 0.2 },
    training: { maxSteps, batchSize: 3, shuffle: true, seed, validationEvery: 4 },
    schedule: { type: 'reduceOnPlateau', monitor: 'valLoss', patience: 6, factor: 0.5, warmupSteps: 3 },
    gradientNoise: { variance: 0.05 },
    clip: { maxNorm: 5 },
    earlyStopping: { monitor: 'valLoss', patience: 40, restoreBest: true },
    record: { every: 1, params: true },
  });

const drain = (run: RunEngine): StepRecord[] => [...run];

describe('run properties', () => {
  it('a seeded run is deterministic, bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const first = iterateRun(noisySpec(seed, 60), { objective: lineFit(11, 5) });
        const second = iterateRun(noisySpec(seed, 60), { objective: lineFit(11, 5) });
        expect(drain(second)).toEqual(drain(first));
        expect(second.result).toEqual(first.result);
      }),
      { numRuns: 20 },
    );
  });

  it('different seeds give different trajectories', () => {
    const a = iterateRun(noisySpec(1, 20), { objective: lineFit(11, 5) }).runToEnd();
    const b = iterateRun(noisySpec(2, 20), { objective: lineFit(11, 5) }).runToEnd();
    expect(a.params).not.toEqual(b.params);
  });

  it('resuming from a checkpoint taken at any step continues bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 90 }), (seed, at) => {
        const whole = iterateRun(noisySpec(seed, 90), { objective: lineFit(11, 5) });
        const expected = drain(whole);

        const first = iterateRun(noisySpec(seed, 90), { objective: lineFit(11, 5) });
        const before = first.advance({ maxSteps: at });
        const checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
        const resumed = iterateRun(noisySpec(seed, 90), { objective: lineFit(11, 5), checkpoint });
        const after = drain(resumed);
        if (first.done) {
          expect(before).toEqual(expected);
        } else {
          expect([...before, ...after]).toEqual(expected);
        }
        expect((first.done ? first : resumed).result).toEqual(whole.result);
      }),
      { numRuns: 30 },
    );
  });

  it('resumes bit for bit on a function objective with Nesterov, noise and a schedule', () => {
    const spec = runConfig({
      optimizer: { name: 'sgd', learningRate: 0.05 },
      training: { maxSteps: 50, seed: 3 },
      schedule: { type: 'cosineRestarts', periodSteps: 7, periodMultiplier: 2 },
      gradientNoise: { variance: 0.3 },
      record: { every: 5 },
    });
    const objective = () => quadratic([1, 10], [0, 0], [2, 1]);
    const expected = drain(iterateRun(spec, { objective: objective() }));
    const first = iterateRun(spec, { objective: objective() });
    const before = first.advance({ maxSteps: 23 });
    const resumed = iterateRun(spec, { objective: objective(), checkpoint: JSON.parse(JSON.stringify(first.checkpoint())) });
    expect([...before, ...drain(resumed)]).toEqual(expected);
  });

  it('early-stopping state stays consistent with the monitored values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 30 }), (seed, patience) => {
        const spec = runConfig({
          optimizer: { name: 'sgd', learningRate: 0.3 },
          training: { maxSteps: 300, batchSize: 2, seed },
          gradientNoise: { variance: 0.5 },
          earlyStopping: { monitor: 'loss', patience },
          record: { every: 1 },
        });
        const run = iterateRun(spec, { objective: lineFit(9, 0) });
        let best = Infinity;
        let bestStep = 0;
        while (!run.done) {
          const records = run.advance({ maxSteps: 1 });
          if (records.length === 0) break;
          const record = records[0];
          if (record.loss < best) {
            best = record.loss;
            bestStep = record.step;
          }
          const view = run.earlyStopping;
          expect(view.best).toBe(best);
          expect(view.bestStep).toBe(bestStep);
          expect(view.stepsSinceBest).toBe(record.step - bestStep);
          expect(view.stepsSinceBest!).toBeLessThanOrEqual(patience);
        }
        const result = run.result!;
        const view = run.earlyStopping;
        expect(view.stopped).toBe(result.stopReason === 'early_stopping');
        if (view.stopped) expect(view.stepsSinceBest).toBe(patience);
        // The last parameters' loss, over the whole training set, is a candidate too.
        const lastIsBest = result.finalLoss !== null && result.finalLoss < best;
        expect(result.best).toEqual(lastIsBest ? { metric: 'loss', value: result.finalLoss, step: result.steps, atEnd: true } : { metric: 'loss', value: best, step: bestStep, atEnd: false });
      }),
      { numRuns: 25 },
    );
  });
});

describe('run loop details', () => {
  it('records loss before and params after each update, with the update norm', () => {
    // SGD on ½x² from x = 1 with η = 0.5: x_t = 0.5^t, loss_t = ½·0.25^(t−1).
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.5 }, training: { maxSteps: 3 }, record: { every: 1, params: true } }), {
      objective: quadratic([1], [0], [1]),
    });
    expect(drain(run)).toEqual([
      { step: 1, loss: 0.5, gradNorm: 1, learningRate: 0.5, updateNorm: 0.5, epoch: 1, params: [0.5] },
      { step: 2, loss: 0.125, gradNorm: 0.5, learningRate: 0.5, updateNorm: 0.25, epoch: 2, params: [0.25] },
      { step: 3, loss: 0.03125, gradNorm: 0.25, learningRate: 0.5, updateNorm: 0.125, epoch: 3, params: [0.125] },
    ]);
    // The last record's loss is at the parameters before update 3; finalLoss is ½·0.125² at the
    // returned ones, lower than every update's loss: the best, at the last step.
    expect(run.result).toEqual({
      stopReason: 'max_steps', message: 'Reached maxSteps: 3 updates.', steps: 3, params: [0.125],
      finalLoss: 0.0078125, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 0.0078125, step: 3, atEnd: true }, restoredBest: false,
    });
  });

  it('records every k-th step and always the last; progress counts updates', () => {
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 23 }, record: { every: 10 } }), {
      objective: quadratic([1], [0], [1]),
    });
    expect(drain(run).map((record) => record.step)).toEqual([10, 20, 23]);
    expect(run.progress).toEqual({ step: 23, totalSteps: 23, epoch: 23, fraction: 1 });
  });

  it('mini-batches walk every row once per epoch; valLoss at the interval and at the last step', () => {
    const objective = lineFit(7, 3);
    const seen = selectedBatches(objective);
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 9, batchSize: 3, seed: 5, validationEvery: 4 }, record: { every: 1 } }), { objective });
    const records = drain(run);
    // 7 rows in batches of 3, 3, 1: epochs 1, 1, 1, 2, 2, 2, 3, 3, 3
    expect(records.map((record) => record.epoch)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(seen.map((rows) => rows.length)).toEqual([3, 3, 1, 3, 3, 1, 3, 3, 1]);
    for (const epoch of [0, 1]) expect(seen.slice(epoch * 3, epoch * 3 + 3).flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.slice(0, 3).flat()).not.toEqual(seen.slice(3, 6).flat());
    expect(records.filter((record) => record.valLoss !== undefined).map((record) => record.step)).toEqual([4, 8, 9]);
  });

  it('without shuffling, batches follow the data order', () => {
    const objective = lineFit(4, 0);
    const seen = selectedBatches(objective);
    iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 4, batchSize: 1, shuffle: false } }), { objective }).runToEnd();
    expect(seen).toEqual([[0], [1], [2], [3]]);
  });

  it('restoreBest ends with the parameters of the best validation loss', () => {
    const spec = runConfig({
      optimizer: { name: 'sgd', learningRate: 1.9 },
      training: { maxSteps: 200, batchSize: 1, seed: 2, validationEvery: 1 },
      earlyStopping: { monitor: 'valLoss', patience: 10, restoreBest: true },
      record: { every: 1, params: true },
    });
    const run = iterateRun(spec, { objective: lineFit(8, 4) });
    const records = drain(run);
    const best = records.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
    expect(run.result!.best).toEqual({ metric: 'valLoss', value: best.valLoss, step: best.step, atEnd: false });
    expect(run.result!.params).toEqual(best.params);
    expect(run.result!.restoredBest).toBe(true);
    expect(run.result!.finalValLoss).toBe(best.valLoss);
    expect(run.result!.message).toContain(`The parameters are the best ones (earlyStopping.restoreBest): those at which valLoss was ${best.valLoss} at step ${best.step}`);
  });

  it('coupled weight decay shrinks the solution toward zero', () => {
    const plain = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 500 } }), { objective: quadratic([1], [2], [0]) }).runToEnd();
    const decayed = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1, weightDecay: 1 }, training: { maxSteps: 500 } }), {
      objective: quadratic([1], [2], [0]),
    }).runToEnd();
    // minimiser of ½(x−2)² + ½x² is x = 1
    expect(plain.params[0]).toBeCloseTo(2, 10);
    expect(decayed.params[0]).toBeCloseTo(1, 10);
  });
});
