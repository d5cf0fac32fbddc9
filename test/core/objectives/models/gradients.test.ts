import { describe, expect, it } from 'vitest';
import { createModelObjective, modelObjectiveSpecSchema, modelTrainingRows } from '../../../../src/core/objectives/models/index.ts';
import { compareGradient, scatteredParams } from './finite-differences.ts';
import { fixedFeatures, sixBinaryTargets, sixClasses, sixRealTargets, sparseRows } from './fixed-data.ts';

const features = fixedFeatures.slice(0, 6);
const binary = sixBinaryTargets;
const classes = sixClasses;
const real = sixRealTargets;

const build = (spec: Record<string, unknown>) => createModelObjective(modelObjectiveSpecSchema.parse({ type: 'model', ...spec }));

const cases: [string, Record<string, unknown>][] = [
  ['linear, dense', { model: 'linear', data: { features, targets: real } }],
  ['linear, dense, l2', { model: 'linear', data: { features, targets: real }, l2: 0.3 }],
  ['logistic, dense', { model: 'logistic', data: { features, targets: binary } }],
  ['logistic, sparse', { model: 'logistic', data: { columns: 6, rows: sparseRows, targets: binary }, l2: 0.1 }],
  ['svm, dense', { model: 'svm', data: { features, targets: binary } }],
  ['svm, sparse, l2', { model: 'svm', data: { columns: 6, rows: sparseRows, targets: binary }, l2: 0.1 }],
  ['softmax, dense', { model: 'softmax', data: { features, targets: classes } }],
  ['softmax, sparse, 4 classes', { model: 'softmax', data: { columns: 6, rows: sparseRows, targets: classes }, classes: 4 }],
  ['mlp relu, softmax output', { model: 'mlp', data: { features, targets: classes }, hidden: [5, 4], seed: 3 }],
  ['mlp tanh, logistic output, l2', { model: 'mlp', data: { features, targets: binary }, hidden: [4], activation: 'tanh', output: 'logistic', l2: 0.2 }],
  ['mlp sigmoid, linear output', { model: 'mlp', data: { features, targets: real }, hidden: [3, 3], activation: 'sigmoid' }],
  ['mlp tanh with batch normalization', { model: 'mlp', data: { features, targets: classes }, hidden: [4, 3], activation: 'tanh', batchNormalization: true }],
  ['mlp sigmoid with batch normalization, linear output', { model: 'mlp', data: { features, targets: real }, hidden: [5], activation: 'sigmoid', batchNormalization: true }],
  ['mlp on sparse data', { model: 'mlp', data: { columns: 6, rows: sparseRows, targets: binary }, hidden: [3], activation: 'tanh', output: 'logistic' }],
];

describe('model gradients against central finite differences', () => {
  it.each(cases)('%s, full batch', (_name, spec) => {
    const objective = build(spec);
    const params = scatteredParams(objective.dimension);
    // γ near 1 keeps batch normalization well-conditioned; the scattered values are fine elsewhere.
    objective.variables.forEach((name, i) => {
      if (name.includes('.gamma')) params[i] += 1;
    });
    const { relativeError } = compareGradient(objective, params);
    expect(relativeError).toBeLessThan(1e-7);
  });

  it.each(cases)('%s, a mini-batch of 3 rows', (_name, spec) => {
    const objective = build(spec);
    objective.selectBatch(Int32Array.of(4, 1, 5, 0), 3);
    const params = scatteredParams(objective.dimension, 0.5, 99);
    objective.variables.forEach((name, i) => {
      if (name.includes('.gamma')) params[i] += 1;
    });
    const { relativeError, analytic } = compareGradient(objective, params);
    expect(relativeError).toBeLessThan(1e-7);
    // The batch matters: the full-batch gradient differs.
    objective.selectBatch(null, 0);
    const full = new Float64Array(objective.dimension);
    objective.valueAndGradient(params, full);
    expect(Array.from(full)).not.toEqual(Array.from(analytic));
  });
});

/** The rows' margins s·(w·x + b), s = 2y − 1, computed here from the data, for k = 1. */
function margins(rows: readonly { indices: readonly number[]; values: readonly number[] }[], targets: readonly number[], params: Float64Array): number[] {
  const bias = params[params.length - 1];
  return rows.map(({ indices, values }, r) => (2 * targets[r] - 1) * indices.reduce((z, j, e) => z + params[j] * values[e], bias));
}

const denseAsRows = features.map((x) => ({ indices: x.map((_, j) => j), values: x }));

// The hinge is not differentiable at the margin 1: finite differences agree with the gradient only
// away from it. Parameters of scale 2 put some rows beyond the margin (zero gradient) and some
// inside it (gradient −s·x), none within 0.4 of it; the scale-0.5 cases above are all inside.
describe.each([
  ['dense', { model: 'svm', data: { features, targets: binary } }, denseAsRows],
  ['sparse', { model: 'svm', data: { columns: 6, rows: sparseRows, targets: binary } }, sparseRows],
  ['dense, l2', { model: 'svm', data: { features, targets: binary }, l2: 0.3 }, denseAsRows],
] as const)('svm gradient on both sides of the margin, %s', (_name, spec, rows) => {
  it('against central finite differences', () => {
    const objective = build(spec);
    const params = scatteredParams(objective.dimension, 2);
    const sides = margins(rows, binary, params);
    expect(sides.some((m) => m > 1.4) && sides.some((m) => m < 0.6)).toBe(true);
    expect(sides.every((m) => Math.abs(m - 1) > 0.4)).toBe(true);
    expect(compareGradient(objective, params).relativeError).toBeLessThan(1e-7);
  });
});

describe('model losses', () => {
  it('linear is the mean of ½(ŷ − y)²', () => {
    const objective = build({ model: 'linear', data: { features, targets: real } });
    const params = Float64Array.of(0.1, -0.2, 0.3, 0.5);
    const expected = features.reduce((sum, x, r) => {
      const prediction = 0.1 * x[0] - 0.2 * x[1] + 0.3 * x[2] + 0.5;
      return sum + 0.5 * (prediction - real[r]) ** 2;
    }, 0) / features.length;
    expect(objective.value(params)).toBeCloseTo(expected, 14);
    expect(objective.variables).toEqual(['w1', 'w2', 'w3', 'b']);
  });

  it('logistic starts at log 2 and stays finite for huge logits', () => {
    const objective = build({ model: 'logistic', data: { features, targets: binary } });
    expect(objective.value(new Float64Array(4))).toBeCloseTo(Math.LN2, 15);
    const huge = Float64Array.of(1000, 1000, 1000, 0);
    expect(Number.isFinite(objective.value(huge))).toBe(true);
    const gradient = new Float64Array(4);
    objective.valueAndGradient(huge, gradient);
    expect(Array.from(gradient).every(Number.isFinite)).toBe(true);
  });

  it('svm is the mean hinge loss of targets 0/1 as ∓1, with a zero subgradient on the margin', () => {
    const objective = build({ model: 'svm', data: { features: [[1], [2], [-1]], targets: [1, 1, 0] }, validation: { features: [[1], [-3]], targets: [1, 1] } });
    // w = 0.5, b = 0: z = 0.5, 1, −0.5; s·z = 0.5, 1 (on the margin), 0.5; losses 0.5, 0, 0.5.
    const params = Float64Array.of(0.5, 0);
    const gradient = new Float64Array(2);
    expect(objective.valueAndGradient(params, gradient)).toBe(1 / 3);
    // ∂/∂w = (−1·1 + 0 + 1·(−1))/3, ∂/∂b = (−1 + 0 + 1)/3: the row on the margin contributes nothing.
    expect(Array.from(gradient)).toEqual([-2 / 3, 0]);
    expect(objective.variables).toEqual(['w1', 'b']);
    expect(objective.value(new Float64Array(2))).toBe(1);
    // Accuracy is the sign of z against the class: 1 is right, −3 wrong.
    expect(objective.validationAccuracy!(params)).toBe(0.5);
  });

  it('softmax starts at log k, names W row-major then b, and reports accuracy', () => {
    const objective = build({ model: 'softmax', data: { features, targets: classes }, validation: { features, targets: classes } });
    expect(objective.value(new Float64Array(objective.dimension))).toBeCloseTo(Math.log(3), 14);
    expect(objective.variables.slice(0, 4)).toEqual(['w0_1', 'w0_2', 'w0_3', 'w1_1']);
    expect(objective.variables.slice(-3)).toEqual(['b0', 'b1', 'b2']);
    // Bias alone favouring class 2: accuracy is the share of class-2 rows.
    const params = new Float64Array(objective.dimension);
    params[objective.dimension - 1] = 1;
    expect(objective.validationAccuracy!(params)).toBeCloseTo(2 / 6, 15);
    expect(build({ model: 'linear', data: { features, targets: real } }).validationAccuracy).toBeUndefined();
  });

  // svm with parameters of scale 2: rows on both sides of the margin.
  it.each([['softmax', classes, 0.5], ['svm', binary, 2]] as const)('sparse and dense forms of the same data give the same loss and gradient, %s', (model, targets, scale) => {
    const dense = sparseRows.map((row) => {
      const values = new Array(6).fill(0);
      row.indices.forEach((j, e) => (values[j] = row.values[e]));
      return values;
    });
    const a = build({ model, data: { columns: 6, rows: sparseRows, targets } });
    const b = build({ model, data: { features: dense, targets } });
    const params = scatteredParams(a.dimension, scale);
    const ga = new Float64Array(a.dimension);
    const gb = new Float64Array(b.dimension);
    expect(a.valueAndGradient(params, ga)).toBeCloseTo(b.valueAndGradient(params, gb), 14);
    for (let i = 0; i < ga.length; i++) expect(ga[i]).toBeCloseTo(gb[i], 14);
  });

  it('exampleLosses average to the loss, and evaluation allocates no new state between calls', () => {
    const objective = build({ model: 'mlp', data: { features, targets: classes }, hidden: [4] });
    const params = scatteredParams(objective.dimension);
    const losses = new Float64Array(6);
    objective.exampleLosses!(params, losses);
    expect(losses.reduce((a, b) => a + b) / 6).toBeCloseTo(objective.value(params), 14);
  });
});

describe('model spec', () => {
  it('rejects mlp-only fields on other models, both validation forms, and unresolved references', () => {
    const data = { features, targets: binary };
    expect(modelObjectiveSpecSchema.safeParse({ type: 'model', model: 'logistic', data, hidden: [3] }).success).toBe(false);
    expect(modelObjectiveSpecSchema.safeParse({ type: 'model', model: 'logistic', data, validationSplit: 0.2, validation: data }).success).toBe(false);
    expect(modelObjectiveSpecSchema.safeParse({ type: 'model', model: 'logistic', data, extra: 1 }).success).toBe(false);
    expect(modelObjectiveSpecSchema.safeParse({ type: 'model', model: 'svm', data, output: 'logistic' }).success).toBe(false);
    expect(modelObjectiveSpecSchema.safeParse({ type: 'model', model: 'mlp', data, output: 'svm' }).success).toBe(false);
    expect(() => build({ model: 'logistic', data: { id: 'ds_1' } })).toThrow(/must be loaded/);
    expect(() => build({ model: 'logistic', data: { path: 'a.csv' } })).toThrow(/must be read/);
  });

  it('rejects targets that do not fit the model and an initial of the wrong length', () => {
    expect(() => build({ model: 'logistic', data: { features, targets: real } })).toThrow(/\[0, 1\]/);
    expect(() => build({ model: 'svm', data: { features, targets: [1, 0, 0.5, 1, 0, 1] } })).toThrow('svm targets must be 0 or 1 (the classes −1 and +1); data row 3 has 0.5');
    expect(() => build({ model: 'svm', data: { features, targets: binary }, validation: { features, targets: [1, 0, -1, 1, 0, 1] } })).toThrow(/validation row 3 has -1/);
    // The row as the user gave it, not its place in the shuffled training or validation subset.
    for (const model of ['logistic', 'svm', 'softmax'] as const) {
      expect(() => build({ model, data: { features, targets: [1, 0, 1, 0, 1, 1.5] }, validationSplit: 0.5 })).toThrow(/data row 6 has 1\.5/);
    }
    expect(() => build({ model: 'softmax', data: { features, targets: real } })).toThrow(/class numbers/);
    expect(() => build({ model: 'softmax', data: { features, targets: classes }, classes: 2 })).toThrow(/classes is 2/);
    expect(() => build({ model: 'logistic', data: { features, targets: binary }, initial: [1, 2] })).toThrow(/4 parameters/);
    expect(() => build({ model: 'mlp', data: { features, targets: binary }, hidden: [4096, 4096] })).toThrow(/parameters/);
  });

  it('splits off a seeded validation set, keeping training rows in order', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i]);
    const targets = rows.map(() => 1);
    const split = (seed: number) => build({ model: 'logistic', data: { features: rows, targets }, validationSplit: 0.25, seed });
    const a = split(5);
    expect([a.trainingRows, a.validationRows]).toEqual([15, 5]);
    const probe = Float64Array.of(0.1, -1);
    expect(a.validationLoss(probe)).toBe(split(5).validationLoss(probe));
    expect(a.validationLoss(probe)).not.toBe(split(6).validationLoss(probe));
    // With every target 1 the loss falls as x grows: training rows in file order give falling losses.
    const losses = new Float64Array(15);
    a.exampleLosses!(probe, losses);
    for (let i = 1; i < 15; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    expect(build({ model: 'logistic', data: { features: rows, targets } }).validationLoss(probe)).toBeNaN();
  });

  it("keeps its data's rows, from which modelTrainingRows gives its training rows, with or without a split or a validation set", () => {
    for (const count of [7, 20, 41]) {
      const rows = Array.from({ length: count }, (_, i) => [i]);
      const data = { features: rows, targets: rows.map((_, i) => i % 2) };
      for (const other of [{ validationSplit: 0 }, { validationSplit: 0.1 }, { validationSplit: 0.25 }, { validationSplit: 0.5 }, { validationSplit: 0.8 }, { validation: data }]) {
        const spec = modelObjectiveSpecSchema.parse({ type: 'model', model: 'logistic', data, ...other });
        const built = createModelObjective(spec);
        expect([built.dataRows, built.trainingRows]).toEqual([count, modelTrainingRows(spec, count)]);
      }
    }
  });
});
