/**
 * The sparse gradient of affine models on sparse features (what concurrent hogwild applies): the
 * same loss and partial derivatives as the dense gradient, bit for bit, over the coordinates the
 * batch touches, each listed once.
 */
import { describe, expect, it } from 'vitest';
import { createModelObjective, modelObjectiveSpecSchema } from '../../../../src/core/objectives/models/index.ts';
import { allocateSparseGradient, createNewObjective, type DataObjective } from '../../../../src/core/objectives/index.ts';
import { datasetSourceSchema, materializeDataset } from '../../../../src/core/datasets/source.ts';
import { scatteredParams } from './finite-differences.ts';
import { fixedFeatures, sixBinaryTargets, sixClasses, sixRealTargets, sparseRows } from './fixed-data.ts';


const build = (spec: Record<string, unknown>) => createModelObjective(modelObjectiveSpecSchema.parse({ type: 'model', ...spec }));

const models: [string, Record<string, unknown>][] = [
  ['linear', { model: 'linear', data: { columns: 6, rows: sparseRows, targets: sixRealTargets } }],
  ['logistic', { model: 'logistic', data: { columns: 6, rows: sparseRows, targets: sixBinaryTargets } }],
  ['softmax, 4 classes', { model: 'softmax', data: { columns: 6, rows: sparseRows, targets: sixClasses }, classes: 4 }],
  ['logistic on sparse-text', { model: 'logistic', data: { builtin: 'sparse-text', rows: 200, seed: 5 } }],
  ['svm', { model: 'svm', data: { columns: 6, rows: sparseRows, targets: sixBinaryTargets } }],
  ['svm on sparse-text', { model: 'svm', data: { builtin: 'sparse-text', rows: 200, seed: 5 } }],
];

const batches: [string, Int32Array | null, number][] = [
  ['the full batch', null, 0],
  ['one row', Int32Array.of(2), 1],
  ['row 3 (empty in the small data)', Int32Array.of(3), 1],
  ['a batch that repeats a row', Int32Array.of(4, 0, 4, 5), 4],
];

const bits = (vector: Float64Array) => Array.from(new BigUint64Array(vector.buffer, vector.byteOffset, vector.length));

/** The dense gradient the sparse one stands for; throws on a coordinate listed twice. */
function densify(dimension: number, { indices, values, count }: ReturnType<typeof allocateSparseGradient>): Float64Array {
  const dense = new Float64Array(dimension);
  const seen = new Set<number>();
  for (let e = 0; e < count; e++) {
    if (seen.has(indices[e])) throw new Error(`coordinate ${indices[e]} listed twice`);
    seen.add(indices[e]);
    dense[indices[e]] = values[e];
  }
  return dense;
}

describe.each(models)('the sparse gradient of %s', (_name, spec) => {
  it.each(batches)('equals the dense one bit for bit on %s', (_batch, rows, count) => {
    const objective = build(spec) as DataObjective;
    const params = scatteredParams(objective.dimension, 0.5, 7);
    objective.selectBatch(rows, count);
    const dense = new Float64Array(objective.dimension);
    // Room for 2 coordinates: a batch touching more grows it. Twice in a row: nothing of the first
    // call (its touched coordinates) is left for the second.
    const sparse = allocateSparseGradient(2);
    for (let call = 0; call < 2; call++) {
      const loss = objective.valueAndGradient(params, dense);
      expect(objective.valueAndSparseGradient!(params, sparse)).toBe(loss);
      expect(bits(densify(objective.dimension, sparse))).toEqual(bits(dense));
      params[objective.dimension - 1] += 0.25;
    }
  });
});

describe('a sparse gradient lists what the batch touches', () => {
  it('costs work for the batch\'s nonzeros only: one row of sparse-text lists its words and the bias', () => {
    const objective = build({ model: 'logistic', data: { builtin: 'sparse-text', rows: 50, seed: 2 } }) as DataObjective;
    objective.selectBatch(Int32Array.of(7), 1);
    const sparse = allocateSparseGradient();
    objective.valueAndSparseGradient!(new Float64Array(objective.dimension), sparse);
    const listed = Array.from(sparse.indices.subarray(0, sparse.count)).sort((a, b) => a - b);
    expect(listed.at(-1)).toBe(objective.dimension - 1);
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.length).toBeLessThanOrEqual(21);
  });
});

describe('where the gradient is dense there is no sparse one', () => {
  it.each([
    ['dense features', { model: 'logistic', data: { features: fixedFeatures.slice(0, 6), targets: sixBinaryTargets } }],
    ['an L2 penalty (it touches every weight)', { model: 'logistic', data: { columns: 6, rows: sparseRows, targets: sixBinaryTargets }, l2: 0.1 }],
    ['an mlp', { model: 'mlp', data: { columns: 6, rows: sparseRows, targets: sixBinaryTargets }, hidden: [3], output: 'logistic' }],
  ])('%s', (_name, spec) => {
    expect((build(spec) as DataObjective).valueAndSparseGradient).toBeUndefined();
  });
});

describe('one SGD step on one row, made in place', () => {
  // Rows listing their columns out of order, each once: the step writes them in that order, as the sparse gradient's write does.
  const unordered = sparseRows.map(({ indices, values }) => ({ indices: indices.toReversed(), values: values.toReversed() }));
  const oneOutput: [string, Record<string, unknown>][] = [
    ...models.filter(([name]) => !name.startsWith('softmax')),
    ['logistic on rows listing their columns out of order', { model: 'logistic', data: { columns: 6, rows: unordered, targets: sixBinaryTargets } }],
  ];
  const rows: [string, Int32Array | null][] = [['row 2', Int32Array.of(2)], ['row 3 (empty in the small data)', Int32Array.of(3)], ['row 0 of a batch', Int32Array.of(0, 5)]];

  describe.each(oneOutput)('of %s', (_name, spec) => {
    it.each(rows)('writes what the sparse gradient\'s write would, bit for bit, on %s', (_row, selected) => {
      const objective = build(spec) as DataObjective;
      const params = scatteredParams(objective.dimension, 0.5, 7);
      const expected = Float64Array.from(params);
      objective.selectBatch(selected, 1);
      const sparse = allocateSparseGradient();
      const loss = objective.valueAndSparseGradient!(expected, sparse);
      for (let e = 0; e < sparse.count; e++) if (sparse.values[e] !== 0) expected[sparse.indices[e]] -= 0.3 * sparse.values[e];
      const outcome = { loss: NaN, broken: -1 };
      objective.sparseRowStep!(params, 0.3, outcome);
      expect(outcome).toEqual({ loss, broken: 0 });
      expect(bits(params)).toEqual(bits(expected));
    });
  });

  it('names a parameter it makes non-finite, and writes nothing when the loss is not finite', () => {
    const objective = build({ model: 'linear', data: { columns: 6, rows: sparseRows, targets: sixRealTargets } }) as DataObjective;
    objective.selectBatch(Int32Array.of(1), 1);
    const params = new Float64Array(objective.dimension);
    const outcome = { loss: NaN, broken: 0 };
    objective.sparseRowStep!(params, 1e308, outcome);
    // Row 1 holds column 1 only (x = −1.5, y = −1.2): at θ = 0, g = 1.2, so w2 ← 1.8e308 (too
    // large: +∞) and b ← −1.2e308 (finite).
    expect(params[1]).toBe(Infinity);
    expect(params[6]).toBe(-1.2e308);
    expect(outcome.broken).toBe(2);
    params.fill(1e300);
    const before = Float64Array.from(params);
    objective.sparseRowStep!(params, 0.1, outcome);
    expect(outcome.loss).toBe(Infinity);
    expect(bits(params)).toEqual(bits(before));
  });

  it('writes nothing for an svm row on or beyond its margin, and the row\'s words and the bias for one inside it', () => {
    const objective = build({ model: 'svm', data: { columns: 6, rows: sparseRows, targets: sixBinaryTargets } }) as DataObjective;
    // Row 0: x0 = 1, x3 = 2, y = 1; with b = 1 its margin is 1 + w0 + 2·w3.
    const writes: number[] = [];
    const step = (w0: number) => {
      const params = Float64Array.of(w0, 0, 0, 0, 0, 0, 1);
      // Records every write to θ, including one that would leave a value as it was.
      const watched = new Proxy(params, { set: (target, key, value) => (writes.push(Number(key)), Reflect.set(target, key, value)) });
      const outcome = { loss: NaN, broken: -1 };
      objective.selectBatch(Int32Array.of(0), 1);
      objective.sparseRowStep!(watched, 0.5, outcome);
      return { params: Array.from(params), outcome };
    };
    expect(step(0.5)).toEqual({ params: [0.5, 0, 0, 0, 0, 0, 1], outcome: { loss: 0, broken: 0 } });
    expect(step(0)).toEqual({ params: [0, 0, 0, 0, 0, 0, 1], outcome: { loss: 0, broken: 0 } });
    expect(writes).toEqual([]);
    // Margin 0.75: g = −1, so w0 += 0.5·1, w3 += 0.5·2, b += 0.5.
    expect(step(-0.25)).toEqual({ params: [0.25, 0, 0, 1, 0, 0, 1.5], outcome: { loss: 0.25, broken: 0 } });
    expect(writes).toEqual([0, 3, 6]);
  });

  it('needs a batch of one row', () => {
    const objective = build(models[1][1]) as DataObjective;
    objective.selectBatch(Int32Array.of(0, 2), 2);
    expect(() => objective.sparseRowStep!(new Float64Array(objective.dimension), 0.1, { loss: 0, broken: 0 })).toThrow('a step on one row needs a batch of one row (2 selected)');
  });

  it.each([
    ['several outputs (softmax)', { model: 'softmax', data: { columns: 6, rows: sparseRows, targets: sixClasses }, classes: 4 }],
    ['dense features', { model: 'logistic', data: { features: fixedFeatures.slice(0, 6), targets: sixBinaryTargets } }],
  ])('is not offered with %s', (_name, spec) => {
    expect((build(spec) as DataObjective).sparseRowStep).toBeUndefined();
  });

  it('is not offered with a row listing a column twice, as a resumed run loads such data; a new spec with it is refused', () => {
    const data = { columns: 6, rows: [...sparseRows.slice(0, 5), { indices: [3, 3], values: [1, 2] }], targets: sixBinaryTargets };
    const spec = modelObjectiveSpecSchema.parse({ type: 'model', model: 'logistic', data });
    // A run accepted before such rows were refused resumes on them, its data loaded as a Dataset.
    const loaded = materializeDataset(datasetSourceSchema.parse(data));
    const objective = createModelObjective({ ...spec, data: loaded });
    expect(objective.valueAndSparseGradient).toBeDefined();
    expect(objective.sparseRowStep).toBeUndefined();
    expect(() => createNewObjective(spec)).toThrow('sparse row 6: column index 3 is given twice');
  });
});
