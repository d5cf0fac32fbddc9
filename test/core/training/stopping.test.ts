import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { finalStatusOf, iterateRun } from '../../../src/core/training/index.ts';
import { lineFit, quadratic, scripted } from './test-objectives.ts';
import { runConfig } from './run-config.ts';

const bowl = () => quadratic([1, 4], [1, -2], [3, 3]);

describe('stopping rules', () => {
  const cases = [
    {
      name: 'maxSteps',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 7 } },
      objective: bowl,
      reason: 'max_steps',
      steps: 7,
      message: /maxSteps: 7 updates/,
    },
    {
      name: 'maxSteps of 1: one update, in the singular',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1 } },
      objective: bowl,
      reason: 'max_steps',
      steps: 1,
      message: /^Reached maxSteps: 1 update\.$/,
    },
    {
      name: 'one epoch of one full batch, in the singular',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { epochs: 1 } },
      objective: () => lineFit(10, 0),
      reason: 'max_steps',
      steps: 1,
      message: /^Completed 1 epoch \(1 update\)\.$/,
    },
    {
      name: 'epochs on data (10 rows, batches of 3: 4 updates per epoch)',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100, epochs: 2, batchSize: 3 } },
      objective: () => lineFit(10, 0),
      reason: 'max_steps',
      steps: 8,
      message: /Completed 2 epochs \(8 updates\)/,
    },
    {
      name: 'epochs without maxSteps decide, beyond the default 1000 updates (500 epochs of 4 updates)',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { epochs: 500, batchSize: 3 } },
      objective: () => lineFit(10, 0),
      reason: 'max_steps',
      steps: 2000,
      message: /Completed 500 epochs \(2000 updates\)/,
    },
    {
      name: 'maxSteps and epochs: the first reached decides',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5, epochs: 2, batchSize: 3 } },
      objective: () => lineFit(10, 0),
      reason: 'max_steps',
      steps: 5,
      message: /Reached maxSteps: 5 updates/,
    },
    {
      name: 'neither maxSteps nor epochs: 1000 updates',
      spec: { optimizer: { name: 'sgd', learningRate: 0.01 }, training: {} },
      objective: bowl,
      reason: 'max_steps',
      steps: 1000,
      message: /Reached maxSteps: 1000 updates/,
    },
    {
      name: 'epochs on a function (a full-batch update is an epoch)',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100, epochs: 3 } },
      objective: bowl,
      reason: 'max_steps',
      steps: 3,
      message: /3 epochs/,
    },
    {
      name: 'early stopping on a flat loss (best at step 1, patience 5)',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 }, earlyStopping: { monitor: 'loss', patience: 5 } },
      objective: () => quadratic([0, 0], [0, 0], [1, 1]),
      reason: 'early_stopping',
      steps: 6,
      message: /loss did not improve for 5 updates/,
    },
    {
      name: 'early stopping with minDelta on a loss that falls by less than it (best at step 1, patience 5)',
      // The loss falls by 1e-4 at every evaluation: below the best, never by more than minDelta 1e-3.
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 }, earlyStopping: { monitor: 'loss', patience: 5, minDelta: 1e-3 } },
      objective: () => scripted(['x'], [0], (call, _params, gradient) => {
        gradient[0] = 0;
        return 1 - call * 1e-4;
      }),
      reason: 'early_stopping',
      steps: 6,
      message: /^Early stopping at step 6: loss did not improve by more than minDelta \(0\.001\) for 5 updates \(patience 5\); best 0\.9999 at step 1\./,
    },
    {
      name: 'loss target',
      // f = ½(x−1)² + 2(y+2)² from (3, 3): with η = 0.1 the loss falls monotonically.
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, stopWhen: { lossBelow: 1e-3 } },
      objective: bowl,
      reason: 'loss_target',
      steps: null,
      message: /fell below 0.001/,
    },
    {
      name: 'gradient-norm target',
      spec: { optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, stopWhen: { gradNormBelow: 1e-4 } },
      objective: bowl,
      reason: 'grad_norm_target',
      steps: null,
      message: /gradient norm .* fell below 0.0001/,
    },
  ] as const;

  it('a loss that falls without bound ends the run as unbounded (the saddle x² − y² under SGD)', () => {
    const spec = runSpecSchema.parse({ objective: { type: 'benchmark', name: 'saddle' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 } });
    const run = iterateRun(spec);
    const records = [...run];
    const result = run.result!;
    expect(result.stopReason).toBe('unbounded');
    expect(finalStatusOf(result.stopReason)).toBe('diverged');
    // y grows by 1.2 per update: from 0.001, y² passes 1e100 after about 290 updates, long before 1000.
    expect(result.steps).toBeLessThan(1000);
    expect(records.at(-1)!.loss).toBeLessThan(-1e100);
    expect(records.at(-2)?.loss ?? 0).toBeGreaterThanOrEqual(-1e100);
    expect(result.message).toBe(`Unbounded below: the loss fell to ${records.at(-1)!.loss} at step ${result.steps}, below -1e+100; the objective has no lower bound where the run went, so it was stopped there.`);
    expect(result.params.every(Number.isFinite)).toBe(true);
  });

  it('records by default a step in 10,000 of the updates the epochs make, not of maxSteps', () => {
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1_000_000, epochs: 2, batchSize: 3 } }), { objective: lineFit(10, 0) });
    expect([...run].map((record) => record.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.recordEvery).toBe(1);
  });

  it.each(cases)('$name', ({ spec, objective, reason, steps, message }) => {
    const run = iterateRun(runConfig(spec), { objective: objective() });
    const records = [...run];
    const result = run.result!;
    expect(result.stopReason).toBe(reason);
    expect(result.message).toMatch(message);
    if (steps !== null) expect(result.steps).toBe(steps);
    expect(records.at(-1)!.step).toBe(result.steps);
  });

  it('early stopping on a validation loss that is never finite stops once patience has passed, saying so', () => {
    // The validation rows' squared errors overflow (1e200²): valLoss is Infinity at every validation.
    const spec = runSpecSchema.parse({
      objective: { type: 'model', model: 'linear', data: { features: [[1], [2], [3]], targets: [1, 2, 3] }, validation: { features: [[1e200], [1]], targets: [4, -1e200] } },
      optimizer: { name: 'sgd', learningRate: 0.01 },
      training: { maxSteps: 1000 },
      earlyStopping: { monitor: 'valLoss', patience: 5, restoreBest: true },
    });
    const run = iterateRun(spec);
    const records = [...run];
    const result = run.result!;
    expect(records.every((record) => record.valLoss === Infinity)).toBe(true);
    expect(result.stopReason).toBe('early_stopping');
    expect(result.steps).toBe(5);
    expect(result.message).toBe('Early stopping at step 5: valLoss was not finite once in 5 updates (patience 5), so it never improved.');
    expect(result.best).toBeNull();
    expect(result.restoredBest).toBe(false);
    expect(run.earlyStopping).toMatchObject({ stopped: true, best: null, bestStep: null });
  });

  it('loss target: stops after the first update whose loss is below the target', () => {
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, stopWhen: { lossBelow: 1e-3 }, record: { every: 1 } }), { objective: bowl() });
    const records = [...run];
    expect(records.at(-1)!.loss).toBeLessThan(1e-3);
    expect(records.slice(0, -1).every((record) => record.loss >= 1e-3)).toBe(true);
  });

  it.each([0.05, 1e-9, 0.3])('time limit: stops with time_limit once the clock has advanced past it, naming the limit of %s s as given', (limit) => {
    let now = 0;
    const clock = () => (now += 1); // every reading advances one millisecond
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 1e9, timeLimitSeconds: limit } }), { objective: bowl(), clock });
    const result = run.runToEnd();
    expect(result.stopReason).toBe('time_limit');
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(1e9);
    expect(result.message).toBe(`Stopped at step ${result.steps} by the time limit of ${limit} s.`);
  });

  it('deadline: advance returns at the deadline without ending the run', () => {
    let now = 0;
    const clock = () => (now += 1);
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 1e9 } }), { objective: bowl(), clock });
    run.advance({ deadline: 20 });
    expect(run.done).toBe(false);
    expect(run.progress.step).toBeGreaterThan(0);
  });

  it('cancel: the next advance ends the run with cancelled and records the last step', () => {
    const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 }, record: { every: 10 } }), { objective: bowl() });
    expect(run.advance({ maxSteps: 3 })).toEqual([]);
    run.cancel();
    const records = run.advance();
    expect(records.map((record) => record.step)).toEqual([3]);
    expect(run.result).toMatchObject({ stopReason: 'cancelled', steps: 3, message: 'Cancelled at step 3.' });
  });

  it('error: an objective that throws ends the run with error and names the update', () => {
    const objective = scripted(['x'], [1], (call, params, gradient) => {
      if (call === 3) throw new Error('out of memory');
      gradient[0] = params[0];
      return 0.5 * params[0] ** 2;
    });
    const result = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } }), { objective }).runToEnd();
    expect(result).toMatchObject({ stopReason: 'error', steps: 2, message: 'Update 3 failed: out of memory' });
  });
});

describe('divergence names the step and the quantity', () => {
  it('the progress of a run that diverged is that of its last update, not of the update that could not be made', () => {
    // As above: update 3 cannot be made; its batch was drawn (a full batch: epoch 3) before the loss was found NaN.
    const objective = scripted(['x'], [1], (_call, params, gradient) => {
      gradient[0] = 0.5 / Math.sqrt(params[0]);
      return Math.sqrt(params[0]);
    });
    // Recorded at every update, or only at the end (the last record then made after the failed update drew its batch).
    for (const every of [1, 10]) {
      const run = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 1 }, training: { maxSteps: 10 }, record: { every } }), { objective });
      const records = [...run];
      expect(run.result).toMatchObject({ stopReason: 'diverged', steps: 2 });
      expect(records.at(-1)).toMatchObject({ step: 2, epoch: 2 });
      expect(run.progress).toMatchObject({ step: 2, epoch: 2 });
    }
  });

  it('a non-finite loss', () => {
    // f = √x with ∇f = 1/(2√x): SGD with η = 1 from x = 1 steps to 0.5, 0.5 − 0.707… < 0, where √x is NaN.
    const objective = scripted(['x'], [1], (_call, params, gradient) => {
      gradient[0] = 0.5 / Math.sqrt(params[0]);
      return Math.sqrt(params[0]);
    });
    const result = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 1 }, training: { maxSteps: 10 } }), { objective }).runToEnd();
    expect(result).toMatchObject({ stopReason: 'diverged', steps: 2, message: 'Diverged at step 3: the loss is NaN.' });
    // The loss at the returned parameters (x = 0.5 − 0.707… < 0) is not a number.
    expect(result.finalLoss).toBeNull();
  });

  it('a non-finite gradient coordinate', () => {
    const objective = scripted(['x', 'y'], [1, 1], (call, _params, gradient) => {
      gradient[0] = 1;
      gradient[1] = call === 4 ? -Infinity : 1;
      return 1;
    });
    const result = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } }), { objective }).runToEnd();
    expect(result).toMatchObject({
      stopReason: 'diverged',
      steps: 3,
      message: 'Diverged at step 4: the gradient with respect to y (parameter 2) is -Infinity.',
    });
  });

  it('a parameter that overflows', () => {
    // The gradient 1e308 is finite, but θ − η·g with η = 10 overflows to −Infinity.
    const objective = scripted(['x', 'y'], [0, 0], (_call, params, gradient) => {
      gradient[0] = 0;
      gradient[1] = 1e308;
      return params[1];
    });
    const result = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 10 }, training: { maxSteps: 10 } }), { objective }).runToEnd();
    expect(result).toMatchObject({ stopReason: 'diverged', steps: 1, message: 'Diverged: y (parameter 2) became -Infinity at step 1.' });
  });

  it('a parameter that overflows on the last update', () => {
    const objective = scripted(['x'], [0], (_call, params, gradient) => {
      gradient[0] = 1e308;
      return params[0];
    });
    const result = iterateRun(runConfig({ optimizer: { name: 'sgd', learningRate: 10 }, training: { maxSteps: 1 } }), { objective }).runToEnd();
    expect(result).toMatchObject({ stopReason: 'diverged', steps: 1, message: 'Diverged: x (parameter 1) became -Infinity at step 1.' });
  });
});
