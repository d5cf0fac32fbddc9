/**
 * A trial of `descent sweep` runs in advances of its thread that end at a deadline on the engine's
 * clock (so a stop reaches it promptly, however long its updates take), as a worker's slices do:
 * where they end changes nothing of its trajectory.
 */
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import type { TrialView } from '../../src/contracts/sweep-view.ts';
import { runLocalSweep } from '../../src/cli/sweep/local-sweep.ts';

describe("a local sweep trial's advances", () => {
  it('give the same trials, bit for bit, ended at each reading of the clock or never by it', async () => {
    // One trial at a time, with a pruner and a validation metric: each trial's records and checks
    // cross the advances' ends, which its full-batch updates on 3,000 rows keep a few updates apart.
    const spec = settleSweepSpec(sweepSpecSchema.parse({
      base: {
        objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 4000 }, validationSplit: 0.25 },
        optimizer: { name: 'adam', learningRate: 0.05 }, training: { maxSteps: 400 }, record: { every: 5 },
      },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.05, 0.2, 0.00001, 0.01, 0.000001] } },
      metric: { name: 'valLoss' }, sampler: { type: 'grid' }, pruner: { type: 'median', startupTrials: 2, warmupSteps: 100, intervalSteps: 50 }, parallelism: 1,
    }), () => 1);
    const trajectory = ({ createdAt: _created, finishedAt: _finished, ...trial }: TrialView) => trial;
    const sweep = async (advanceMs: number) => {
      const outcome = await runLocalSweep(spec, { threads: 1, advanceMs });
      return { status: outcome.status, result: outcome.result, trials: outcome.trials.map(trajectory) };
    };
    const cut = await sweep(0);
    expect(cut).toEqual(await sweep(Infinity));
    // Trials that ran to their ends and trials pruned on the way.
    expect(cut.trials.map((trial) => trial.status).sort()).toEqual(['completed', 'completed', 'completed', 'pruned', 'pruned']);
  });
});
