/** The coordinator's watch over a concurrent run's parameters, driven with hand-made records. */
import { describe, expect, it } from 'vitest';
import { CenterWatch } from '../../src/concurrent-runs/center-watch.ts';
import { quadratic } from '../core/training/test-objectives.ts';
import { runConfig } from '../core/training/run-config.ts';

const measured = (loss: number) => ({ loss, gradNorm: 1, learningRate: 0.1, updateNorm: 0.1 });

describe('center watch', () => {
  /** A watch over f(θ) = ½ θ² that keeps the best parameters by the loss (restoreBest), with `patience`. */
  function restoringWatch(patience: number) {
    const config = runConfig({
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 1000 },
      record: { every: 10 },
      earlyStopping: { monitor: 'loss', patience, restoreBest: true },
    });
    return new CenterWatch(config, quadratic([1], [0], [10]), null, 1000, 1);
  }

  /**
   * Early stopping met at step 30 (best 5 at step 10, patience 20); the replicas made 5 more
   * updates before the stop reached them, ending at θ = `end` (f(θ) = ½ θ²: θ = 0 is better than
   * every recorded step's loss).
   */
  function stoppedEarly(end: number) {
    const watch = restoringWatch(20);
    const records: Parameters<CenterWatch['take']>[3] = [];
    const options = { validate: true, observe: true };
    expect(watch.take(10, measured(5), Float64Array.of(3), records, options)).toBeNull();
    expect(watch.take(20, measured(6), Float64Array.of(4), records, options)).toBeNull();
    expect(watch.take(30, measured(6), Float64Array.of(4), records, options)).toBe('early_stopping');
    const result = watch.finish(
      records,
      { completed: 35, params: Float64Array.of(end), stopping: { reason: 'early_stopping', message: null }, brokenIndex: 0, limitSeconds: 60, last: null },
      ['x1'],
      null as never,
    );
    expect(records.map((record) => record.step)).toEqual([10, 20, 30, 35]);
    expect(result.stopReason).toBe('early_stopping');
    return { watch, result };
  }

  const stopSentence = 'Early stopping: loss did not improve for 20 updates by step 30 (patience 20); best 5 at step 10. '
    + 'The run ended at step 35: the replicas made 5 more updates before the stop reached them.';

  it('counts the record of the updates made after early stopping in best, says so, and restores its parameters, the last ones, when they are the best', () => {
    const { watch, result } = stoppedEarly(0);
    // Early stopping's sentence names the best as it was when the rule fired, then the better one
    // the updates after it reached, whose parameters, the last ones, are those returned.
    expect(result.message).toBe(
      `${stopSentence} The replicas' last updates after the stop reached a better loss: 0 at step 35. `
      + 'The parameters are the last ones, which are the best (earlyStopping.restoreBest): loss was 0 at them when the run ended.',
    );
    expect(result.best).toEqual({ metric: 'loss', value: 0, step: 35, atEnd: true });
    expect(result.restoredBest).toBe(false);
    expect(Array.from(result.params)).toEqual([0]);
    // The early-stopping view is the tracker at the end, as the message and result.best say it.
    expect(watch.tracker.view()).toMatchObject({ stopped: true, best: 0, bestStep: 35, stepsSinceBest: 0 });
  });

  it('says the parameters returned are the best ones, not the last ones, when the updates after early stopping did not improve on the best', () => {
    const { watch, result } = stoppedEarly(5);
    expect(result.message).toBe(`${stopSentence} The parameters are the best ones (earlyStopping.restoreBest): those at which loss was 5 at step 10, not the last ones; `
      + 'when the run ended, loss was 4.5 at them, 12.5 at the last ones.');
    expect(result.best).toEqual({ metric: 'loss', value: 5, step: 10, atEnd: false });
    expect(Array.from(result.params)).toEqual([3]);
    expect(watch.tracker.view()).toMatchObject({ stopped: true, best: 5, bestStep: 10, stepsSinceBest: 25 });
  });

  it.each([
    { way: 'observed by the coordinator', last: null },
    { way: 'measured by the replica that made it', last: { step: 25, measured: measured(0.25) } },
  ])('counts the final record of a cancelled run in best ($way)', ({ last }) => {
    const config = runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, record: { every: 10 } });
    const watch = new CenterWatch(config, quadratic([1], [0], [10]), null, 1000, 1);
    const records: Parameters<CenterWatch['take']>[3] = [];
    const options = { validate: true, observe: true };
    expect(watch.take(10, measured(5), Float64Array.of(3), records, options)).toBeNull();
    expect(watch.take(20, measured(4), Float64Array.of(2), records, options)).toBeNull();
    const result = watch.finish(
      records,
      { completed: 25, params: Float64Array.of(0.5), stopping: { reason: 'cancelled', message: null }, brokenIndex: 0, limitSeconds: 60, last },
      ['x1'],
      null as never,
    );
    expect(result.stopReason).toBe('cancelled');
    const final = records.at(-1)!;
    expect(final.step).toBe(25);
    // Every recorded value is a candidate, and so is the loss at the last parameters (½·0.5²,
    // below the replica's 0.25 measured before its update): the smallest is the best.
    expect(Math.min(...records.map((record) => record.loss))).toBe(final.loss);
    expect(result.finalLoss).toBe(0.125);
    expect(result.best).toEqual({ metric: 'loss', value: Math.min(final.loss, 0.125), step: 25, atEnd: true });
  });

  it('keeps the last parameters with restoreBest when their loss, measured as the run ends, is below every recorded one', () => {
    const watch = restoringWatch(1000);
    const records: Parameters<CenterWatch['take']>[3] = [];
    const options = { validate: true, observe: true };
    // Each replica measured its loss at θ as it read it, before its update.
    watch.take(10, { ...measured(2), measuredAt: Float64Array.of(2) }, Float64Array.of(1.5), records, options);
    watch.take(20, { ...measured(1), measuredAt: Float64Array.of(1.4) }, Float64Array.of(1), records, options);
    const result = watch.finish(
      records,
      { completed: 20, params: Float64Array.of(1), stopping: { reason: 'cancelled', message: null }, brokenIndex: 0, limitSeconds: 60, last: null },
      ['x1'],
      null as never,
    );
    expect(result.finalLoss).toBe(0.5);
    expect(result.best).toEqual({ metric: 'loss', value: 0.5, step: 20, atEnd: true });
    expect(Array.from(result.params)).toEqual([1]);
    expect(result.message).toBe("Cancelled at step 20. The parameters are the last ones, which are the best (earlyStopping.restoreBest): loss was 0.5 at them when the run ended, below the updates' best.");
  });

  const end = (stopping: 'early_stopping' | 'loss_target') => ({ completed: 12, params: Float64Array.of(0), stopping: { reason: stopping, message: null }, brokenIndex: 0, limitSeconds: 60, last: null });

  it.each([
    {
      rule: 'a loss target',
      settings: { stopWhen: { lossBelow: 1 } },
      losses: [3, 2, 2, 0.5],
      message: 'The loss 0.5 fell below 1 at step 4. The run ended at step 12: the replicas made 8 more updates before the stop reached them.',
    },
    {
      rule: 'early stopping',
      settings: { earlyStopping: { monitor: 'loss', patience: 2 } },
      losses: [3, 2, 4, 4],
      message: 'Early stopping: loss did not improve for 2 updates by step 4 (patience 2); best 2 at step 2. The run ended at step 12: the replicas made 8 more updates before the stop reached them. The replicas\' last updates after the stop reached a better loss: 0 at step 12.',
    },
  ] as const)('names both the step $rule was met at and the later step the replicas stopped at, which result.steps counts', ({ settings, losses, message }) => {
    const config = runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, record: { every: 1 }, ...settings });
    const watch = new CenterWatch(config, quadratic([1], [0], [10]), null, 1000, 1);
    const records: Parameters<CenterWatch['take']>[3] = [];
    const stops = losses.map((loss, i) => watch.take(i + 1, measured(loss), Float64Array.of(1), records, { validate: true, observe: true }));
    const reason = stops.at(-1)!;
    expect(reason).not.toBeNull();
    const result = watch.finish(records, end(reason as 'early_stopping' | 'loss_target'), ['x1'], null as never);
    expect(result).toMatchObject({ stopReason: reason, steps: 12, message });
    expect(records.at(-1)!.step).toBe(12);
  });

  it('names one step when the replicas stopped at the record that met the rule', () => {
    const config = runConfig({ optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1000 }, record: { every: 1 }, stopWhen: { lossBelow: 1 } });
    const watch = new CenterWatch(config, quadratic([1], [0], [10]), null, 1000, 1);
    const records: Parameters<CenterWatch['take']>[3] = [];
    expect(watch.take(4, measured(0.5), Float64Array.of(1), records, { validate: true, observe: true })).toBe('loss_target');
    const result = watch.finish(records, { ...end('loss_target'), completed: 4, params: Float64Array.of(1) }, ['x1'], null as never);
    expect(result).toMatchObject({ steps: 4, message: 'The loss 0.5 fell below 1 at step 4.' });
  });
});
