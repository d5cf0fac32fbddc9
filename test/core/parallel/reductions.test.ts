/**
 * The reductions the contract promises, bit for bit: hogwild with one replica is sgd; downpour
 * with one replica and τ = 1 is its optimizer alone (for every optimizer); adaptive-revision with
 * delay 0 is AdaGrad with ε outside the root; easgd with α = 0 is p independent runs on their shards.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { optimizerNames } from '../../../src/core/optimizers/index.ts';
import { iterateRun, type StepRecord } from '../../../src/core/training/index.ts';

const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 90, seed: 4 }, validationSplit: 0.2 } as const;

const run = (input: RunSpecInput) => {
  const engine = iterateRun(runSpecSchema.parse(input));
  const records: StepRecord[] = [...engine];
  return { records, result: engine.result!, engine };
};

describe('hogwild with one replica is sgd', () => {
  it('with shuffled mini-batches, a plateau schedule, clipping, noise, validation and early stopping', () => {
    const spec = {
      objective: moons,
      optimizer: { name: 'sgd', learningRate: 0.3 },
      training: { maxSteps: 300, batchSize: 7, seed: 12, validationEvery: 5 },
      schedule: { type: 'reduceOnPlateau', monitor: 'loss', patience: 10, warmupSteps: 3 },
      clip: { maxNorm: 2 },
      gradientNoise: { variance: 0.01 },
      earlyStopping: { monitor: 'valLoss', patience: 50, restoreBest: true },
      record: { every: 1, params: true },
    } as const;
    const single = run(spec);
    const hogwild = run({ ...spec, parallel: { algorithm: 'hogwild', replicas: 1, execution: 'simulated' } });
    expect(hogwild.records).toEqual(single.records);
    const { parallel, ...result } = hogwild.result;
    expect(result).toEqual(single.result);
    expect(parallel).toMatchObject({ replicas: 1, perReplica: [{ replica: 0, steps: single.result.steps, exchanges: single.result.steps }] });
  });
});

describe.each(optimizerNames)('downpour with one replica and τ = 1 is %s alone', (name) => {
  it('the same losses at every tick; the server holds each step one tick later, and the end exactly', () => {
    const spec = {
      objective: moons,
      optimizer: { name, ...(name === 'adadelta' ? {} : { learningRate: 0.01 }) },
      training: { maxSteps: 120, batchSize: 9, seed: 3 },
      record: { every: 1, params: true },
    } as RunSpecInput;
    const single = run(spec);
    const downpour = run({ ...spec, parallel: { algorithm: 'downpour', replicas: 1, execution: 'simulated', communicationPeriod: 1 } });
    expect(downpour.records.map((record) => record.loss)).toEqual(single.records.map((record) => record.loss));
    expect(downpour.records.map((record) => record.gradNorm)).toEqual(single.records.map((record) => record.gradNorm));
    // The push of step k happens at the exchange before step k + 1: the server lags one tick until the final push.
    expect(downpour.records.slice(1, -1).map((record) => record.params)).toEqual(single.records.slice(0, -2).map((record) => record.params));
    expect(downpour.result.params).toEqual(single.result.params);
  });
});

describe('adaptive-revision with delay 0 is AdaGrad with ε outside the root', () => {
  const adagrad = { name: 'adagrad', flavor: 'pytorch', learningRate: 0.3, epsilon: 1e-7 } as const;

  it('one replica on data, with clipping and noise on the gradient', () => {
    const spec = {
      objective: moons,
      optimizer: adagrad,
      training: { maxSteps: 200, batchSize: 5, seed: 8 },
      clip: { maxValue: 0.5 },
      gradientNoise: { variance: 0.02 },
      record: { every: 1, params: true },
    } as const;
    const single = run(spec);
    const revision = run({ ...spec, parallel: { algorithm: 'adaptive-revision', replicas: 1, execution: 'simulated', delay: 0 } });
    expect(revision.records).toEqual(single.records);
    const { parallel, ...result } = revision.result;
    expect(result).toEqual(single.result);
    expect(parallel!.staleness).toEqual({ updates: 200, mean: 0, p50: 0, p99: 0, max: 0 });
  });

  it('three replicas on an objective every replica sees whole', () => {
    const spec = {
      objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 4 },
      optimizer: adagrad,
      training: { maxSteps: 150 },
      record: { every: 1, params: true },
    } as const;
    const single = run(spec);
    const revision = run({ ...spec, parallel: { algorithm: 'adaptive-revision', replicas: 3, execution: 'simulated' } });
    expect(revision.records.map(({ epoch: _epoch, ...record }) => record)).toEqual(single.records.map(({ epoch: _epoch, ...record }) => record));
  });
});

describe('easgd with α = 0 is p independent runs on their shards', () => {
  it.each(['sgd', 'nesterov', 'adam'] as const)('%s, three replicas', (name) => {
    const features = Array.from({ length: 20 }, (_, r) => [Math.sin(r), Math.cos(2 * r)]);
    const targets = features.map(([a, b], r) => 2 * a - b + 0.1 * Math.sin(5 * r));
    const spec = {
      objective: { type: 'model', model: 'linear', data: { features, targets } },
      optimizer: { name, learningRate: 0.05 },
      training: { maxSteps: 61, batchSize: 3, seed: 21 },
      schedule: { type: 'inverseTime', decay: 0.1 },
      gradientNoise: { variance: 0.01 },
      record: { every: 1 },
    } as const;
    const p = 3;
    const easgd = run({ ...spec, parallel: { algorithm: 'easgd', replicas: p, execution: 'simulated', movingRate: 0 } });
    const state = easgd.engine.checkpoint();
    expect(easgd.result.params).toEqual([0, 0, 0]);
    expect('parallel' in state).toBe(true);
    const replicas = 'parallel' in state ? state.parallel.replicas : [];
    for (let i = 0; i < p; i++) {
      const rows = features.map((_, r) => r).filter((r) => r % p === i);
      const alone = run({
        ...spec,
        objective: { type: 'model', model: 'linear', data: { features: rows.map((r) => features[r]), targets: rows.map((r) => targets[r]) } },
        training: { ...spec.training, maxSteps: replicas[i].steps, seed: spec.training.seed + i },
      });
      expect(replicas[i].params).toEqual(alone.result.params);
    }
  });
});
