/** The coordinator's watch over a concurrent run's parameters, driven with hand-made records. */
import { describe, expect, it } from 'vitest';
import { CenterWatch } from '../../src/concurrent-runs/center-watch.ts';
import { quadratic } from '../core/training/test-objectives.ts';
import { runConfig } from '../core/training/run-config.ts';

const measured = (loss: number) => ({ loss, gradNorm: 1, learningRate: 0.1, updateNorm: 0.1 });

describe('center watch', () => {
  it('keeps the best parameters from before early stopping, not those of the record that ends the run after it', () => {
    const config = runConfig({
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 1000 },
      record: { every: 10 },
      earlyStopping: { monitor: 'loss', patience: 20, restoreBest: true },
    });
    // f(θ) = ½ θ²: θ = 0 is better than every recorded step's loss.
    const watch = new CenterWatch(config, quadratic([1], [0], [10]), null, 1000, 1);
    const records: Parameters<CenterWatch['take']>[3] = [];
    const options = { validate: true, observe: true };
    expect(watch.take(10, measured(5), Float64Array.of(3), records, options)).toBeNull();
    expect(watch.take(20, measured(6), Float64Array.of(4), records, options)).toBeNull();
    expect(watch.take(30, measured(6), Float64Array.of(4), records, options)).toBe('early_stopping');
    // The threads made 5 more updates before they stopped, reaching θ = 0.
    const result = watch.finish(
      records,
      { completed: 35, params: Float64Array.of(0), stopping: { reason: 'early_stopping', message: null }, brokenIndex: 0, limitSeconds: 60, last: null },
      ['x1'],
      null as never,
    );
    expect(records.map((record) => record.step)).toEqual([10, 20, 30, 35]);
    expect(result.stopReason).toBe('early_stopping');
    expect(result.best).toEqual({ metric: 'loss', value: 5, step: 10 });
    expect(result.restoredBest).toBe(true);
    expect(Array.from(result.params)).toEqual([3]);
  });
});
