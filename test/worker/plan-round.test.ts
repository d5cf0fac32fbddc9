/** A sweep's round as planned from its stored spec and trials, without a database. */
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import type { SweepRow } from '../../src/db/sweeps.ts';
import type { RoundTrial } from '../../src/db/sweep-coordination.ts';
import { planRound } from '../../src/worker/sweeps/plan-round.ts';

const startedAt = new Date('2026-01-01T00:00:00Z');

function sweepRow(body: unknown): SweepRow {
  const spec = settleSweepSpec(sweepSpecSchema.parse(body), () => 1);
  return { id: 'sweep', tenantId: 'tenant', name: null, status: 'running', spec, result: null, idempotencyKey: null, createdAt: startedAt, updatedAt: startedAt, startedAt, finishedAt: null };
}

const trial = (trialNumber: number, status: RoundTrial['status'], value: number | null = null): RoundTrial =>
  ({ runId: `run-${trialNumber}`, trialNumber, status, value, parameters: { 'optimizer.learningRate': 0.1 }, result: null });

describe('a round of a sweep', () => {
  it('ends a sweep past its time limit saying its unfinished trials were cancelled, save any that ended before the cancel reached them', () => {
    const sweep = sweepRow({
      base: { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } },
      budget: { timeLimitSeconds: 1, maxTrials: 10 },
    });
    const plan = planRound(sweep, [trial(0, 'completed', 1), trial(1, 'running'), trial(2, 'queued')], new Date(startedAt.getTime() + 2000));
    expect(plan.finish).toEqual({
      status: 'completed',
      result: {
        reason: 'time_limit',
        message: 'The time limit of 1 s passed after 1 finished trial; the 2 unfinished ones were cancelled, save any that ended before the cancel reached them.',
      },
    });
  });
});
