/** A coordination round's plan, from the sweep and the trials it reads. */
import { describe, expect, it } from 'vitest';
import { sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import type { RoundTrial } from '../../src/db/sweep-coordination.ts';
import type { SweepRow } from '../../src/db/sweeps.ts';
import { planRound } from '../../src/worker/sweeps/plan-round.ts';

const now = new Date('2026-01-01T00:00:00Z');

function sweepOf(input: unknown): SweepRow {
  const spec = sweepSpecSchema.parse(input);
  return { id: 's', tenantId: 't', name: null, status: 'running', spec, result: null, idempotencyKey: null, createdAt: now, updatedAt: now, startedAt: now, finishedAt: null };
}

const completed = (trialNumber: number, value: number): RoundTrial => ({
  runId: `run-${trialNumber}`, trialNumber, status: 'completed', value, parameters: { 'optimizer.learningRate': 0.01 }, result: null,
});

describe('planRound', () => {
  const sweep = sweepOf({
    base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd' }, training: { maxSteps: 10 } },
    parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.01 } },
    sampler: { type: 'random', seed: 1 },
    budget: { maxTrials: 4 },
    parallelism: 1,
  });

  it('numbers a new trial after the highest trial number read, when an earlier trial was deleted', () => {
    // Trial 0 finished and was deleted (DELETE /v1/runs/{id}); trial 1 finished: the next one is 2, not 1 again.
    const plan = planRound(sweep, [completed(1, 0.5)], now);
    expect(plan.finish).toBeNull();
    expect(plan.newTrials.map((trial) => trial.trialNumber)).toEqual([2]);
  });

  it('counts a deleted trial against the budget, as the trial numbers it used', () => {
    const plan = planRound(sweep, [completed(1, 0.5), completed(2, 0.4), completed(3, 0.3)], now);
    expect(plan.newTrials).toEqual([]);
    expect(plan.finish).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' } });
  });
});
