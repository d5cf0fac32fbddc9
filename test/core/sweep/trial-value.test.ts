/** A trial's value as its final write stores it: what a sweep's round would otherwise read from its stored result. */
import { describe, expect, it } from 'vitest';
import { trialValueOf } from '../../../src/core/sweep/index.ts';

describe('trial value', () => {
  const result = { finalLoss: 0.25, best: { value: 0.125 } };

  it('takes finalLoss and bestLoss from the result', () => {
    expect(trialValueOf('finalLoss', 'completed', result)).toBe(0.25);
    expect(trialValueOf('bestLoss', 'early_stopped', result)).toBe(0.125);
  });

  it("gives a pruned trial its value of the metric, as a finished one's, not the value its pruner compared", () => {
    const pruned = { ...result, pruning: { value: 3 } };
    expect(trialValueOf('bestLoss', 'pruned', pruned)).toBe(0.125);
    expect(trialValueOf('finalLoss', 'pruned', pruned)).toBe(0.25);
    // The best of its recorded steps, as a finished trial's, worked out where they are stored.
    expect(trialValueOf('valLoss', 'pruned', pruned)).toBeNull();
    expect(trialValueOf('valAccuracy', 'pruned', pruned)).toBeNull();
    expect(trialValueOf('bestLoss', 'pruned', { best: null })).toBeNaN();
  });

  it('is NaN where the result has no value JSON can hold (a diverged run), as the stored result reads back', () => {
    expect(trialValueOf('finalLoss', 'diverged', { finalLoss: NaN, best: null })).toBeNaN();
    expect(trialValueOf('bestLoss', 'diverged', { finalLoss: Infinity, best: null })).toBeNaN();
    expect(trialValueOf('bestLoss', 'completed', { best: { value: -Infinity } })).toBeNaN();
  });

  it('leaves none for failed and cancelled trials, nor for metrics that are the best of the stored steps', () => {
    expect(trialValueOf('bestLoss', 'failed', result)).toBeNull();
    expect(trialValueOf('finalLoss', 'cancelled', result)).toBeNull();
    expect(trialValueOf('valLoss', 'completed', result)).toBeNull();
    expect(trialValueOf('valAccuracy', 'diverged', result)).toBeNull();
  });
});
