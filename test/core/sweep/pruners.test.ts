import { describe, expect, it } from 'vitest';
import { createPruner, prunerSpecSchema, prunerTypes, rungStep, type PruningStep } from '../../../src/core/sweep/index.ts';

const at = (step: number, value: number, extra: Partial<PruningStep> = {}): PruningStep => ({
  step,
  value,
  bestValue: value,
  previousStep: step - 1,
  goal: 'minimize',
  metric: 'loss',
  completedTrials: 5,
  ...extra,
});

const others = (...values: number[]) => values.map((value) => ({ value, prunedRung: null }));

describe('median pruner', () => {
  const pruner = createPruner(prunerSpecSchema.parse({ type: 'median', startupTrials: 3, warmupSteps: 10, intervalSteps: 5 }));

  it('waits for the startup trials, the warm-up and the interval', () => {
    expect(pruner.plan(at(20, 1, { completedTrials: 2 }))).toBeNull();
    expect(pruner.plan(at(9, 1))).toBeNull();
    expect(pruner.plan(at(10, 1))).toEqual({ population: 'completed' });
    expect(pruner.plan(at(12, 1))).toBeNull();
    // Recorded every 4 steps: 12 was the first record in [10, 15), 16 is the first in [15, 20).
    expect(pruner.plan(at(16, 1, { previousStep: 12 }))).toEqual({ population: 'completed' });
  });

  it('prunes when the best so far is worse than the median at the step, and says so', () => {
    // Competitors 1, 2, 4: median 2; the trial's best so far is 3.
    expect(pruner.decide(at(10, 3.5, { bestValue: 3 }), others(1, 2, 4))).toEqual({
      prune: true,
      rule: 'median',
      step: 10,
      value: 3,
      cutoff: 2,
      rung: null,
      rank: 3,
      competitors: 3,
      message: 'Pruned at step 10: its best loss so far, 3, is worse than 2, the median of 3 completed trial(s) at this step.',
    });
    expect(pruner.decide(at(10, 1.5), others(1, 2, 4, 5)).prune).toBe(false); // median 3
    expect(pruner.decide(at(10, 3, { goal: 'maximize' }), others(1, 2, 4, 5)).prune).toBe(false);
    expect(pruner.decide(at(10, 2, { goal: 'maximize' }), others(1, 2, 4, 5)).cutoff).toBe(3);
  });
});

describe('asha pruner', () => {
  const options = prunerSpecSchema.parse({ type: 'asha', minSteps: 10, reductionFactor: 3 });
  const pruner = createPruner(options);

  it('places rungs at minSteps · η^r', () => {
    expect([0, 1, 2].map((r) => rungStep(options as never, r))).toEqual([10, 30, 90]);
    expect(pruner.plan(at(9, 1))).toBeNull();
    expect(pruner.plan(at(10, 1))).toEqual({ population: 'reached' });
    expect(pruner.plan(at(11, 1))).toBeNull();
    expect(pruner.plan(at(32, 1, { previousStep: 28 }))).toEqual({ population: 'reached' });
  });

  it('promotes the best 1 in η of the trials at the rung', () => {
    // Six values at step 10: the best ⌊6/3⌋ = 2 go on; 2.5 ranks third.
    const decision = pruner.decide(at(10, 2.5), others(1, 2, 3, 4, 5));
    expect(decision).toMatchObject({ prune: true, rule: 'asha', rung: 0, rank: 3, cutoff: 2, competitors: 5 });
    expect(decision.message).toBe('Pruned at rung 0 (step 10): loss 2.5 ranks 3rd of 6 trial(s) at this step; the best 2 (1 in 3) go on, the last of them at 2.');
    expect(pruner.decide(at(10, 1.5), others(1, 2, 3, 4, 5))).toMatchObject({ prune: false, rank: 2 });
    // Fewer than η values: only the best goes on.
    expect(pruner.decide(at(10, 1.5), others(1)).prune).toBe(true);
    expect(pruner.decide(at(10, 0.5), others(1)).prune).toBe(false);
  });

  it('climbs several rungs at one step, leaving out those pruned at a lower rung there', () => {
    // Step 30 is rung 0 and rung 1 for a trial first recorded there.
    const decision = pruner.decide(at(30, 1, { previousStep: null }), [
      { value: 0.5, prunedRung: null },
      { value: 2, prunedRung: 0 },
      { value: 3, prunedRung: 0 },
    ]);
    // Rung 0: 4 values, best 1 go on: 0.5 → 1 is pruned at rung 0.
    expect(decision).toMatchObject({ prune: true, rung: 0 });
    const promoted = pruner.decide(at(30, 0.4, { previousStep: null }), [
      { value: 0.5, prunedRung: null },
      { value: 2, prunedRung: 0 },
    ]);
    expect(promoted).toMatchObject({ prune: false, rung: 1, competitors: 1 });
  });

  it('prunes a non-number at a rung', () => {
    expect(pruner.decide(at(10, NaN), others(1)).prune).toBe(true);
  });
});

it('registry lists none, median and asha', () => {
  expect(prunerTypes).toEqual(['none', 'median', 'asha']);
  expect(createPruner({ type: 'none' }).plan(at(10, 1))).toBeNull();
});

it('each pruner names its next decision step', () => {
  const median = createPruner(prunerSpecSchema.parse({ type: 'median', warmupSteps: 10, intervalSteps: 5 }));
  expect([0, 9, 10, 14, 15].map((step) => median.nextDecisionStep(step))).toEqual([10, 10, 15, 15, 20]);
  const asha = createPruner(prunerSpecSchema.parse({ type: 'asha', minSteps: 10, reductionFactor: 3, maxRungs: 2 }));
  expect([0, 10, 29, 30].map((step) => asha.nextDecisionStep(step))).toEqual([10, 30, 30, Infinity]);
  expect(createPruner({ type: 'none' }).nextDecisionStep(5)).toBe(Infinity);
});
