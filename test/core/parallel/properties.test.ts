/** Properties of every simulated parallel algorithm: seeded runs are deterministic, and a checkpoint at any tick resumes bit for bit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { parallelAlgorithmNames, type ParallelAlgorithmName } from '../../../src/core/parallel/index.ts';
import { optimizerOf, parallelOf } from './algorithm-settings.ts';
import { iterateRun, type RunEngine, type StepRecord } from '../../../src/core/training/index.ts';

/** Shuffled mini-batches, noise, clipping, validation and early stopping with restoreBest: every piece of state a checkpoint carries. */
function spec(algorithm: ParallelAlgorithmName, seed: number, maxSteps: number) {
  return runSpecSchema.parse({
    objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 60, seed: 2 }, validationSplit: 0.25 },
    optimizer: optimizerOf[algorithm],
    training: { maxSteps, batchSize: 4, seed, validationEvery: 3 },
    ...(algorithm === 'adaptive-revision' ? {} : { schedule: { type: 'reduceOnPlateau', monitor: 'valLoss', patience: 5, factor: 0.5 } }),
    gradientNoise: { variance: 0.02 },
    clip: { maxNorm: 3 },
    earlyStopping: { monitor: 'valLoss', patience: 30, restoreBest: true },
    record: { every: 1, params: true },
    parallel: { algorithm, replicas: 3, execution: 'simulated', ...parallelOf[algorithm] },
  } satisfies RunSpecInput);
}

const drain = (run: RunEngine): StepRecord[] => [...run];

describe.each(parallelAlgorithmNames)('%s (simulated)', (algorithm) => {
  it('a seeded run is deterministic, bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const first = iterateRun(spec(algorithm, seed, 40));
        const second = iterateRun(spec(algorithm, seed, 40));
        expect(drain(second)).toEqual(drain(first));
        expect(second.result).toEqual(first.result);
      }),
      { numRuns: 8 },
    );
  });

  it('resuming from a checkpoint taken at any tick continues bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 70 }), (seed, at) => {
        const whole = iterateRun(spec(algorithm, seed, 70));
        const expected = drain(whole);
        const first = iterateRun(spec(algorithm, seed, 70));
        const before = first.advance({ maxSteps: at });
        const checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
        const resumed = iterateRun(spec(algorithm, seed, 70), { checkpoint });
        const after = drain(resumed);
        if (first.done) expect(before).toEqual(expected);
        else expect([...before, ...after]).toEqual(expected);
        expect((first.done ? first : resumed).result).toEqual(whole.result);
      }),
      { numRuns: 12 },
    );
  });

  it('ends after p·E·⌈n₀/B⌉ ticks with training.epochs E', () => {
    const parsed = spec(algorithm, 1, 100_000);
    const result = iterateRun({ ...parsed, earlyStopping: undefined, training: { ...parsed.training, epochs: 2 } }).runToEnd();
    // 45 training rows over 3 replicas: 15 each, ⌈15/4⌉ = 4 batches an epoch.
    expect(result).toMatchObject({ stopReason: 'max_steps', steps: 3 * 2 * 4, message: 'Completed 2 epochs (24 updates).' });
  });
});

describe('checkpoints of another kind are refused', () => {
  it('a single run does not resume from a parallel checkpoint, nor the reverse', () => {
    const parallel = iterateRun(spec('easgd', 1, 10));
    parallel.advance({ maxSteps: 4 });
    const single = spec('easgd', 1, 10);
    expect(() => iterateRun({ ...single, parallel: undefined }, { checkpoint: parallel.checkpoint() })).toThrow(/parallel/);
    const plain = iterateRun({ ...single, parallel: undefined });
    plain.advance({ maxSteps: 4 });
    expect(() => iterateRun(single, { checkpoint: plain.checkpoint() })).toThrow(/parallel/);
    expect(() => iterateRun(spec('downpour', 1, 10), { checkpoint: parallel.checkpoint() })).toThrow(/easgd/);
  });
});
