/**
 * Checks every registered optimizer gets, in both flavors: configuration and its errors,
 * defaults per flavor, convergence on a convex quadratic, zero-gradient coordinates, state
 * round-trip, determinism, and properties (descent, Adam's scale invariance, parity between
 * formulations).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createOptimizer,
  describeOptimizers,
  flavors,
  optimizerConfigSchema,
  optimizerNames,
  optimizers,
  resolveOptimizerConfig,
  type Flavor,
  type Optimizer,
  type OptimizerName,
} from '../../../src/core/optimizers/index.ts';
import { driveStep } from './drive.ts';

const variants = optimizerNames.flatMap((name) => flavors.map((flavor) => ({ name, flavor })));

/** A configuration with the given overrides, parsed as the API would. */
function config(name: OptimizerName, flavor: Flavor, overrides: Record<string, unknown> = {}) {
  return optimizerConfigSchema.parse({ name, flavor, ...overrides });
}

function hasField(name: OptimizerName, field: string): boolean {
  return field in optimizers[name].hyperparameters.shape;
}

/** Learning rates that make the quadratic below converge in well under 2,000 steps. */
const convergenceLearningRates: Partial<Record<OptimizerName, number>> = {
  sgd: 0.05,
  momentum: 0.02,
  nesterov: 0.02,
  adagrad: 0.5,
  rmsprop: 0.01,
  adam: 0.05,
  adamax: 0.05,
  nadam: 0.05,
  amsgrad: 0.05,
  adamw: 0.05,
  radam: 0.05,
};

/** f(θ) = ½·Σ a_i·(θ_i − c_i)², ∇f = a ⊙ (θ − c). */
class Quadratic {
  constructor(readonly curvature: readonly number[], readonly center: readonly number[]) {}
  value(params: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < params.length; i++) sum += 0.5 * this.curvature[i] * (params[i] - this.center[i]) ** 2;
    return sum;
  }
  gradient(params: Float64Array, out: Float64Array): void {
    for (let i = 0; i < params.length; i++) out[i] = this.curvature[i] * (params[i] - this.center[i]);
  }
}

/** The training loop's use of an optimizer, on a quadratic; returns θ after `steps` updates. */
function descend(optimizer: Optimizer, objective: Quadratic, params: Float64Array, learningRate: number, from: number, steps: number) {
  const point = new Float64Array(params.length);
  const gradient = new Float64Array(params.length);
  for (let t = from; t < from + steps; t++) driveStep(optimizer, objective, params, learningRate, t, point, gradient);
  return params;
}

/** A fixed, awkward sequence of gradients (signs, magnitudes, zeros) for state tests. */
function gradientAt(t: number, i: number): number {
  return i === 3 ? 0 : Math.sin(1.7 * t + i) * (1 + i) ** (t % 3) - 0.3 * Math.cos(t * i);
}

function runSequence(optimizer: Optimizer, params: Float64Array, from: number, to: number): void {
  const gradient = new Float64Array(params.length);
  const point = new Float64Array(params.length);
  for (let t = from; t <= to; t++) {
    optimizer.gradientPoint?.(params, point);
    for (let i = 0; i < params.length; i++) gradient[i] = gradientAt(t, i) + 0.01 * (point[i] ?? 0);
    optimizer.step(params, gradient, 0.01 * (1 + (t % 4)), t);
  }
}

const bits = (values: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(values).buffer));

describe('optimizer configuration', () => {
  it('registers the ten optimizers of the overview plus adamw and radam', () => {
    expect(optimizerNames).toEqual(
      expect.arrayContaining(['sgd', 'momentum', 'nesterov', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamax', 'nadam', 'amsgrad', 'adamw', 'radam']),
    );
    for (const name of optimizerNames) expect(optimizers[name].name).toBe(name);
  });

  it.each(optimizerNames)('%s: flavor defaults to paper, coupled weightDecay to 0', (name) => {
    const parsed = optimizerConfigSchema.parse({ name });
    expect(parsed.flavor).toBe('paper');
    const resolved = resolveOptimizerConfig(parsed);
    expect(resolved.weightDecay).toBe(name === 'adamw' ? 0.01 : 0);
    expect(optimizers[name].decoupledWeightDecay ?? false).toBe(name === 'adamw');
  });

  it.each(variants)('$name/$flavor: defaults are valid hyperparameters and fill every field', ({ name, flavor }) => {
    const definition = optimizers[name];
    const defaults = definition.defaults[flavor];
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(definition.hyperparameters.shape).sort());
    expect(definition.hyperparameters.safeParse(defaults).success).toBe(true);
    const resolved = resolveOptimizerConfig(config(name, flavor)) as Record<string, unknown>;
    for (const [field, value] of Object.entries(defaults)) expect(resolved[field]).toBe(value);
    expect(typeof resolved.learningRate).toBe('number');
  });

  it('gives a torch user torch.optim\'s defaults and a paper user the overview\'s', () => {
    expect(resolveOptimizerConfig(config('rmsprop', 'pytorch'))).toMatchObject({ learningRate: 0.01, rho: 0.99, epsilon: 1e-8 });
    expect(resolveOptimizerConfig(config('rmsprop', 'paper'))).toMatchObject({ learningRate: 0.001, rho: 0.9, epsilon: 1e-8 });
    expect(resolveOptimizerConfig(config('adagrad', 'pytorch'))).toMatchObject({ epsilon: 1e-10 });
    expect(resolveOptimizerConfig(config('adagrad', 'paper'))).toMatchObject({ epsilon: 1e-8 });
    expect(resolveOptimizerConfig(config('adadelta', 'pytorch'))).toMatchObject({ rho: 0.9, epsilon: 1e-6, learningRate: 1 });
    expect(resolveOptimizerConfig(config('adadelta', 'paper'))).toMatchObject({ rho: 0.95, epsilon: 1e-6, learningRate: 1 });
    expect(resolveOptimizerConfig(config('nadam', 'pytorch'))).toMatchObject({ learningRate: 0.002, momentumDecay: 0.004 });
    expect(resolveOptimizerConfig(config('adam', 'paper'))).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999 });
    expect(resolveOptimizerConfig(config('adamax', 'paper'))).toMatchObject({ learningRate: 0.002 });
  });

  it('keeps given values over defaults', () => {
    expect(resolveOptimizerConfig(config('adam', 'pytorch', { learningRate: 0.3, beta2: 0.5 }))).toMatchObject({
      learningRate: 0.3,
      beta1: 0.9,
      beta2: 0.5,
    });
  });

  const issuesOf = (input: unknown) => optimizerConfigSchema.safeParse(input).error?.issues ?? [];

  it.each(optimizerNames.filter((name) => hasField(name, 'learningRate') && name !== 'adadelta'))(
    '%s: rejects a negative or zero learningRate, naming the field',
    (name) => {
      for (const learningRate of [-0.1, 0]) {
        expect(issuesOf({ name, learningRate })).toEqual([expect.objectContaining({ path: ['learningRate'] })]);
      }
    },
  );

  it.each(optimizerNames.filter((name) => hasField(name, 'beta1')))('%s: rejects beta1 ≥ 1 and beta2 < 0', (name) => {
    expect(issuesOf({ name, beta1: 1 })).toEqual([expect.objectContaining({ path: ['beta1'] })]);
    expect(issuesOf({ name, beta1: 1.5, beta2: -0.1 }).map((issue) => issue.path)).toEqual([['beta1'], ['beta2']]);
  });

  it.each(optimizerNames.filter((name) => hasField(name, 'epsilon')))('%s: rejects epsilon ≤ 0', (name) => {
    expect(issuesOf({ name, flavor: 'pytorch', epsilon: 0 })).toEqual([expect.objectContaining({ path: ['epsilon'] })]);
  });

  it.each(optimizerNames)('%s: rejects an unknown field, naming it', (name) => {
    expect(issuesOf({ name, learningRat: 0.1 })).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['learningRat'], path: [] }),
    ]);
  });

  it.each(optimizerNames)('%s: rejects a wrong type, naming the field', (name) => {
    const field = Object.keys(optimizers[name].hyperparameters.shape)[0];
    expect(issuesOf({ name, flavor: 'pytorch', [field]: '0.1' })).toEqual([
      expect.objectContaining({ code: 'invalid_type', path: [field] }),
    ]);
    expect(issuesOf({ name, flavor: 'torch' })).toEqual([expect.objectContaining({ path: ['flavor'] })]);
    expect(issuesOf({ name, weightDecay: -1 })).toEqual([expect.objectContaining({ path: ['weightDecay'] })]);
  });

  it('rejects an unknown optimizer name at the name', () => {
    expect(issuesOf({ name: 'adamz' })).toEqual([expect.objectContaining({ path: ['name'] })]);
  });

  it.each(optimizerNames.filter((name) => optimizers[name].pytorchOnly))(
    '%s: a torch-only hyperparameter is accepted with flavor pytorch and rejected with flavor paper',
    (name) => {
      for (const field of optimizers[name].pytorchOnly!) {
        const value = optimizers[name].defaults.pytorch[field as never];
        expect(optimizerConfigSchema.safeParse({ name, flavor: 'pytorch', [field]: value }).success).toBe(true);
        expect(issuesOf({ name, [field]: value })).toEqual([expect.objectContaining({ code: 'custom', path: [field] })]);
      }
    },
  );

  it('creates only for a positive integer dimension', () => {
    expect(() => createOptimizer(0, config('adam', 'paper'))).toThrow(RangeError);
    expect(() => createOptimizer(2.5, config('adam', 'paper'))).toThrow(RangeError);
  });
});

describe('optimizer catalogue', () => {
  const catalogue = describeOptimizers();

  it('describes every registered optimizer, survives JSON, and matches the registry', () => {
    expect(catalogue.map((entry) => entry.name)).toEqual(optimizerNames);
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue);
    for (const entry of catalogue) {
      const definition = optimizers[entry.name as OptimizerName];
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.flavors).toEqual(['paper', 'pytorch']);
      const names = entry.hyperparameters.map((h) => h.name);
      expect(names).toEqual(expect.arrayContaining([...Object.keys(definition.hyperparameters.shape), 'weightDecay']));
      for (const h of entry.hyperparameters) {
        expect(h.description.length).toBeGreaterThan(5);
        expect(typeof h.default.paper).toBe('number');
        expect(typeof h.default.pytorch).toBe('number');
      }
    }
  });

  it('publishes bounds and per-flavor defaults', () => {
    const rmsprop = catalogue.find((entry) => entry.name === 'rmsprop')!;
    expect(rmsprop.hyperparameters.find((h) => h.name === 'learningRate')).toMatchObject({
      exclusiveMinimum: 0,
      default: { paper: 0.001, pytorch: 0.01 },
      flavors: ['paper', 'pytorch'],
    });
    expect(rmsprop.hyperparameters.find((h) => h.name === 'rho')).toMatchObject({ minimum: 0, exclusiveMaximum: 1 });
    const adadelta = catalogue.find((entry) => entry.name === 'adadelta')!;
    expect(adadelta.hyperparameters.find((h) => h.name === 'learningRate')?.flavors).toEqual(['pytorch']);
    const adamw = catalogue.find((entry) => entry.name === 'adamw')!;
    expect(adamw.decoupledWeightDecay).toBe(true);
    expect(adamw.hyperparameters.find((h) => h.name === 'weightDecay')?.default).toEqual({ paper: 0.01, pytorch: 0.01 });
  });
});

describe.each(variants)('$name/$flavor', ({ name, flavor }) => {
  const learningRate = convergenceLearningRates[name];
  const overrides = learningRate === undefined ? {} : { learningRate };
  const make = (dimension: number, extra: Record<string, unknown> = {}) => {
    const parsed = config(name, flavor, { ...overrides, ...(name === 'adamw' ? { weightDecay: 0 } : {}), ...extra });
    return { optimizer: createOptimizer(dimension, parsed), learningRate: resolveOptimizerConfig(parsed).learningRate };
  };

  it('converges on an ill-conditioned convex quadratic', () => {
    const objective = new Quadratic([1, 3, 10], [1, -2, 0.5]);
    const { optimizer, learningRate: eta } = make(3);
    const params = new Float64Array(3);
    const initial = objective.value(params);
    descend(optimizer, objective, params, eta, 1, 2000);
    expect(objective.value(params)).toBeLessThan(1e-20 * initial);
  });

  it('leaves a coordinate whose gradient is always zero where it is', () => {
    const { optimizer } = make(2);
    const params = Float64Array.of(0.7, -0.25);
    for (let t = 1; t <= 20; t++) optimizer.step(params, Float64Array.of(t % 2 ? 1 : -0.5, 0), 0.01, t);
    expect(params[1]).toBe(-0.25);
    expect(Number.isFinite(params[0])).toBe(true);
  });

  it('resumes from a JSON round-trip of its state bit for bit', () => {
    const dimension = 5;
    const uninterrupted = make(dimension).optimizer;
    const expected = Float64Array.of(0.5, -1, 2, 0.25, 3);
    runSequence(uninterrupted, expected, 1, 40);

    const first = make(dimension).optimizer;
    const params = Float64Array.of(0.5, -1, 2, 0.25, 3);
    runSequence(first, params, 1, 17);
    const saved = JSON.parse(JSON.stringify(first.getState()));
    const resumed = make(dimension).optimizer;
    resumed.setState(saved);
    expect(resumed.getState()).toEqual(first.getState());
    runSequence(resumed, params, 18, 40);
    expect(bits(params)).toEqual(bits(expected));
  });

  it('getState is a copy, and setState rejects a state of the wrong shape', () => {
    const { optimizer } = make(3);
    runSequence(optimizer, Float64Array.of(1, 2, 3), 1, 3);
    const state = optimizer.getState();
    const vectors = Object.entries(state).filter(([, value]) => Array.isArray(value));
    // Every optimizer keeps per-parameter vectors but plain sgd, which keeps none.
    expect(vectors.length > 0, `${name} keeps ${vectors.length} vectors`).toBe(name !== 'sgd');
    for (const [key, vector] of vectors) {
      (vector as number[])[0] = 12345;
      expect((optimizer.getState()[key] as number[])[0]).not.toBe(12345);
      expect(() => optimizer.setState({ ...state, [key]: [1, 2] })).toThrow(/array of 3 numbers/);
    }
  });

  it('is deterministic: two instances fed the same sequence agree bit for bit', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 30 }), (gradients) => {
        const a = make(1).optimizer;
        const b = make(1).optimizer;
        const x = Float64Array.of(1);
        const y = Float64Array.of(1);
        gradients.forEach((g, k) => {
          a.step(x, Float64Array.of(g), 0.01, k + 1);
          b.step(y, Float64Array.of(g), 0.01, k + 1);
        });
        expect(bits(x)).toEqual(bits(y));
      }),
      { numRuns: 30 },
    );
  });

  it('property: a first step with a small learning rate descends any convex quadratic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (coordinates) => {
          const objective = new Quadratic(
            coordinates.map(([a]) => a),
            coordinates.map(() => 0),
          );
          const params = Float64Array.from(coordinates.map(([, distance, negative]) => (negative ? -distance : distance)));
          const before = objective.value(params);
          const small = name === 'adadelta' && flavor === 'paper' ? {} : { learningRate: 1e-3 };
          const { optimizer, learningRate: eta } = make(params.length, small);
          descend(optimizer, objective, params, eta, 1, 1);
          expect(objective.value(params)).toBeLessThan(before);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('properties and parity between formulations', () => {
  const scaleInvariant: OptimizerName[] = ['adam', 'adamw', 'amsgrad', 'nadam'];

  it.each(scaleInvariant.flatMap((name) => flavors.map((flavor) => ({ name, flavor }))))(
    '$name/$flavor: scaling the objective by 2^k and ε with it leaves the trajectory unchanged bit for bit',
    ({ name, flavor }) => {
      fc.assert(
        fc.property(
          fc.integer({ min: -20, max: 20 }),
          fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }),
          (k, gradients) => {
            const scale = 2 ** k;
            const plain = createOptimizer(1, config(name, flavor, { epsilon: 1e-8 }));
            const scaled = createOptimizer(1, config(name, flavor, { epsilon: 1e-8 * scale }));
            const x = Float64Array.of(1);
            const y = Float64Array.of(1);
            gradients.forEach((g, t) => {
              plain.step(x, Float64Array.of(g), 0.01, t + 1);
              scaled.step(y, Float64Array.of(g * scale), 0.01, t + 1);
            });
            expect(bits(y)).toEqual(bits(x));
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  const sequence = (optimizer: Optimizer, gradients: readonly number[], learningRates?: readonly number[]) => {
    const x = Float64Array.of(0.5, -0.5);
    gradients.forEach((g, t) => optimizer.step(x, Float64Array.of(g, -2 * g), learningRates?.[t] ?? 0.01, t + 1));
    return x;
  };
  const gradients = [2, -1, 0.5, 3, -4, 0.25, 1, -2];

  it.each(flavors)('nadam with β1 = 0 is adam with β1 = 0 (%s), bit for bit', (flavor) => {
    const nadam = createOptimizer(2, config('nadam', flavor, { beta1: 0 }));
    const adam = createOptimizer(2, config('adam', flavor, { beta1: 0 }));
    expect(bits(sequence(nadam, gradients))).toEqual(bits(sequence(adam, gradients)));
  });

  it.each(flavors)('adamw with weightDecay 0 is adam (%s), bit for bit', (flavor) => {
    const adamw = createOptimizer(2, config('adamw', flavor, { weightDecay: 0 }));
    const adam = createOptimizer(2, config('adam', flavor));
    expect(bits(sequence(adamw, gradients))).toEqual(bits(sequence(adam, gradients)));
  });

  it('amsgrad (pytorch) is adam while the second moment never decreases, and differs once it does', () => {
    const growing = [0.5, -1, 1.5, -2, 2.5, -3];
    expect(bits(sequence(createOptimizer(2, config('amsgrad', 'pytorch')), growing))).toEqual(
      bits(sequence(createOptimizer(2, config('adam', 'pytorch')), growing)),
    );
    const shrinking = [3, -2, 1, -0.5, 0.25, -0.1];
    expect(bits(sequence(createOptimizer(2, config('amsgrad', 'pytorch')), shrinking))).not.toEqual(
      bits(sequence(createOptimizer(2, config('adam', 'pytorch')), shrinking)),
    );
  });

  it('momentum: the two flavors agree under a constant learning rate and differ under a schedule', () => {
    const constant = gradients.map(() => 0.01);
    const paper = sequence(createOptimizer(2, config('momentum', 'paper')), gradients, constant);
    const torch = sequence(createOptimizer(2, config('momentum', 'pytorch')), gradients, constant);
    for (let i = 0; i < 2; i++) expect(torch[i]).toBeCloseTo(paper[i], 14);
    const decaying = gradients.map((_, t) => 0.01 / (1 + t));
    const paperScheduled = sequence(createOptimizer(2, config('momentum', 'paper')), gradients, decaying);
    const torchScheduled = sequence(createOptimizer(2, config('momentum', 'pytorch')), gradients, decaying);
    expect(Math.abs(torchScheduled[0] - paperScheduled[0])).toBeGreaterThan(1e-4);
  });

  it('only the paper nesterov asks for a look-ahead gradient', () => {
    for (const { name, flavor } of variants) {
      const optimizer = createOptimizer(2, config(name, flavor));
      expect(typeof optimizer.gradientPoint === 'function').toBe(name === 'nesterov' && flavor === 'paper');
    }
  });

  it('adamax (paper) takes no step on a coordinate whose infinity norm is zero', () => {
    const optimizer = createOptimizer(2, config('adamax', 'paper'));
    const x = Float64Array.of(1, 1);
    optimizer.step(x, Float64Array.of(0, 1), 0.1, 1);
    expect(x[0]).toBe(1);
    expect(x[1]).toBeCloseTo(1 - 0.1, 14);
  });
});
