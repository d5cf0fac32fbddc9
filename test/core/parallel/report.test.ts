/**
 * result.parallel of simulated runs: per-replica steps and exchanges, and staleness figures that
 * follow from the round-robin interleaving (PRODUCT: "Simulated execution, exactly").
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { StalenessHistogram } from '../../../src/core/parallel/index.ts';
import { iterateRun } from '../../../src/core/training/index.ts';

const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 90, seed: 4 } } as const;

function run(optimizer: RunSpecInput['optimizer'], parallel: Record<string, unknown>, maxSteps = 300) {
  const engine = iterateRun(runSpecSchema.parse({ objective: moons, optimizer, training: { maxSteps, batchSize: 5, seed: 1 }, parallel: { execution: 'simulated', ...parallel } }));
  return engine.runToEnd();
}

describe('result.parallel of a simulated run', () => {
  it('downpour, τ = 1: each push follows the other p − 1 replicas\' pushes since its pull; the final pushes are counted too', () => {
    const result = run({ name: 'momentum', learningRate: 0.05 }, { algorithm: 'downpour', replicas: 3, communicationPeriod: 1 });
    const report = result.parallel!;
    expect(report).toMatchObject({ algorithm: 'downpour', execution: 'simulated', replicas: 3, stepsPerSecond: null });
    expect(report.perReplica.map((replica) => replica.steps)).toEqual([100, 100, 100]);
    // Every step starts with a pull (and a push after the first), plus the final push: 100 + 1 each.
    expect(report.perReplica.map((replica) => replica.exchanges)).toEqual([101, 101, 101]);
    expect(report.communicationRounds).toBe(303);
    // 99 pushes before steps 2…100 and one final push per replica.
    expect(report.staleness).toMatchObject({ updates: 300, p50: 2, p99: 2, max: 2 });
    expect(report.staleness!.mean).toBeLessThan(2);
    expect(report.centerDistance!.max).toBeGreaterThanOrEqual(report.centerDistance!.mean);
  });

  it('easgd: an exchange follows the others\' exchanges since the replica\'s last; τ divides the rounds', () => {
    const result = run({ name: 'sgd', learningRate: 0.1 }, { algorithm: 'easgd', replicas: 4, communicationPeriod: 3, movingRate: 0.2 }, 240);
    const report = result.parallel!;
    // 60 steps per replica, an exchange before steps 1, 4, …, 58: 20 each.
    expect(report.perReplica.map((replica) => [replica.steps, replica.exchanges])).toEqual([[60, 20], [60, 20], [60, 20], [60, 20]]);
    expect(report.staleness).toMatchObject({ updates: 80, p50: 3, max: 3 });
    expect(report.centerDistance!.mean).toBeGreaterThan(0);
  });

  it('adaptive-revision: a gradient read at tick k is applied after min(k − 1, D) others', () => {
    const report = run({ name: 'adagrad', learningRate: 0.3 }, { algorithm: 'adaptive-revision', replicas: 2, delay: 7 }, 100).parallel!;
    expect(report.staleness).toEqual({ updates: 100, mean: (0 + 1 + 2 + 3 + 4 + 5 + 6 + 93 * 7) / 100, p50: 7, p99: 7, max: 7 });
    expect(report.centerDistance).toBeNull();
    expect(report.perReplica.map((replica) => replica.steps)).toEqual([50, 50]);
  });

  it('hogwild: every update reads and writes θ in its tick (staleness 0), one exchange per step', () => {
    const report = run({ name: 'sgd', learningRate: 0.1 }, { algorithm: 'hogwild', replicas: 3 }, 90).parallel!;
    expect(report.perReplica).toEqual([0, 1, 2].map((replica) => ({ replica, steps: 30, exchanges: 30, centerDistance: null })));
    expect(report.staleness).toEqual({ updates: 90, mean: 0, p50: 0, p99: 0, max: 0 });
  });

  it('a run with a clock reports its replicas\' steps per second', () => {
    let now = 0;
    const spec = runSpecSchema.parse({ objective: moons, optimizer: { name: 'sgd' }, training: { maxSteps: 50, batchSize: 5 }, parallel: { algorithm: 'hogwild', replicas: 2, execution: 'simulated' } });
    const engine = iterateRun(spec, { clock: () => (now += 1) });
    expect(engine.runToEnd().parallel!.stepsPerSecond).toBeGreaterThan(0);
  });
});

describe('the staleness histogram', () => {
  it('gives the nearest-rank quantiles and survives its checkpoint form', () => {
    const histogram = new StalenessHistogram();
    for (let value = 1; value <= 100; value++) histogram.record(value);
    expect(histogram.summary()).toEqual({ updates: 100, mean: 50.5, p50: 50, p99: 99, max: 100 });
    const copy = new StalenessHistogram();
    copy.setState(histogram.getState());
    expect(copy.summary()).toEqual(histogram.summary());
    expect(new StalenessHistogram().summary()).toBeNull();
  });
});
