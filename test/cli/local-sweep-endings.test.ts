/**
 * `descent sweep` ends with the ending that started its stop, as the service does (sweeps.stopping,
 * see endOnceSettled in plan-round.ts): whatever else comes to hold while its trials end, it is
 * the one its cancelled trials were told. Here a trial reaches the target after its sweep stopped
 * for too many failures: that trial is its best, and the sweep fails with too_many_failures.
 */
import { describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import { runLocalSweep } from '../../src/cli/sweep/local-sweep.ts';

describe('a local sweep that stops its trials', () => {
  it('fails with too_many_failures when a trial it stopped for them reaches the target before its stop reaches it: that trial is its best', async () => {
    // Two trials side by side. One fails as its thread builds its objective (its validation split
    // leaves no training rows of 4,000); its failure stops the sweep (maxFailedTrials 0). The other
    // runs its 20,000 updates on 2,000 rows (seconds) in one advance of its thread (no deadline:
    // an advance makes up to 20,000 updates), so it reads no stop before it completes, and its
    // final loss reaches the target.
    const spec = settleSweepSpec(sweepSpecSchema.parse({
      base: {
        objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 4000 }, validationSplit: 0.5 },
        optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 20_000 }, record: { every: 1000 },
      },
      parameters: { 'objective.validationSplit': { type: 'float', values: [0.99999, 0.5] } },
      metric: { name: 'finalLoss', target: 1e9 }, sampler: { type: 'grid' }, budget: { maxFailedTrials: 0 }, parallelism: 2,
    }), () => 1);
    const outcome = await runLocalSweep(spec, { threads: 2, advanceMs: Infinity });
    const [completed, failed] = outcome.trials;
    expect(failed).toMatchObject({ status: 'failed', parameters: { 'objective.validationSplit': 0.99999 } });
    expect(completed).toMatchObject({ status: 'completed', stopReason: 'max_steps', steps: 20_000, parameters: { 'objective.validationSplit': 0.5 } });
    expect(outcome.status).toBe('failed');
    expect(outcome.result).toEqual({
      reason: 'too_many_failures',
      message: '1 trial failed, more than maxFailedTrials (0). The last: validationSplit 0.99999 leaves no training rows out of 4000',
    });
  });
});
