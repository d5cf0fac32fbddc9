/** A sweep's round as planned from its stored spec and trials, without a database. */
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import type { SweepRow } from '../../src/db/sweeps.ts';
import type { RoundTrial } from '../../src/db/sweep-coordination.ts';
import { planRound } from '../../src/worker/sweeps/plan-round.ts';

const startedAt = new Date('2026-01-01T00:00:00Z');

function sweepRow(body: unknown, baseObjective: SweepRow['baseObjective'] = null): SweepRow {
  const spec = settleSweepSpec(sweepSpecSchema.parse(body), () => 1);
  return { id: 'sweep', tenantId: 'tenant', name: null, status: 'running', spec, result: null, idempotencyKey: null, createdAt: startedAt, updatedAt: startedAt, startedAt, finishedAt: null, baseObjective };
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

describe("the metric rows bound of a round's new trials", () => {
  const base = {
    objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } },
    optimizer: { name: 'sgd', learningRate: 0.1 },
    training: { epochs: 3, batchSize: 8 },
    record: { every: 1 },
  };
  const bounds = (body: object, baseObjective: SweepRow['baseObjective']) =>
    planRound(sweepRow({ sampler: { type: 'grid' }, parallelism: 8, ...body }, baseObjective), [], startedAt).newTrials.map((created) => created.metricRowsBound);

  it("counts each trial's epochs' ticks over the base's training rows, for runs of their own and parallel ones", () => {
    // 40 rows in batches of 8 or 4: 5 or 10 updates an epoch.
    expect(bounds({ base, parameters: { 'training.batchSize': { type: 'int', values: [8, 4] } } }, { trainingRows: 40 })).toEqual([15, 30]);
    // 2 or 4 replicas: shards of 20 or 10 rows, 3 or 2 batches of 8.
    const parallel = { ...base, parallel: { algorithm: 'downpour', replicas: 2, execution: 'concurrent' } };
    expect(bounds({ base: parallel, parameters: { 'parallel.replicas': { type: 'int', values: [2, 4] } } }, { trainingRows: 40 })).toEqual([18, 24]);
    // A function: each of a replica's steps is an epoch.
    const booth = { ...parallel, objective: { type: 'benchmark', name: 'booth' } };
    expect(bounds({ base: booth, parameters: { 'parallel.replicas': { type: 'int', values: [1, 3] } } }, { trainingRows: null })).toEqual([3, 9]);
  });

  it("leaves a trial whose objective is not the base's, a sweep stored without its base's rows and a failed trial to their spec's bound", () => {
    const split = { base, parameters: { 'objective.validationSplit': { type: 'float', values: [0, 0.5] } } };
    // validationSplit 0 is the base's objective as parsed; 0.5 another one.
    expect(bounds(split, { trainingRows: 40 })).toEqual([15, null]);
    expect(bounds({ base, parameters: { 'training.batchSize': { type: 'int', values: [8] } } }, null)).toEqual([null]);
    expect(bounds({ base, parameters: { 'training.batchSize': { type: 'int', values: [0] } } }, { trainingRows: 40 })).toEqual([null]);
  });
});
