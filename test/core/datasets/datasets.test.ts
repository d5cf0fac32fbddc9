import { describe, expect, it } from 'vitest';
import { builtinDatasetSchema, generateBuiltinDataset } from '../../../src/core/datasets/builtin/index.ts';
import { fnv1a64Hex, datasetContentHash, DatasetHasher } from '../../../src/core/datasets/content-hash.ts';
import { datasetBlocks, joinBlocks, shapeOf } from '../../../src/core/datasets/dataset-blocks.ts';
import { checkDataset, DatasetFieldError, repeatedSparseColumn, selectRows, toDense, withColumnsOnce, type Dataset } from '../../../src/core/datasets/dataset.ts';
import { resolveDataSources } from '../../../src/core/datasets/resolve.ts';
import { datasetSourceSchema, materializeDataset, repeatedInlineColumn } from '../../../src/core/datasets/source.ts';
import { splitDataset } from '../../../src/core/datasets/split.ts';

const generate = (options: Record<string, unknown>) => generateBuiltinDataset(builtinDatasetSchema.parse(options));
const names = ['linear', 'blobs', 'moons', 'spirals', 'sparse-text'];

describe('built-in datasets', () => {
  it.each(names)('%s is deterministic for a seed, differs across seeds, and is well-formed', (name) => {
    const a = generate({ builtin: name, seed: 3 });
    expect(generate({ builtin: name, seed: 3 })).toEqual(a);
    expect(datasetContentHash(generate({ builtin: name, seed: 4 }))).not.toBe(datasetContentHash(a));
    expect(() => checkDataset(a)).not.toThrow();
  });

  it('iris is the classic 150 × 4 with 50 flowers per species', () => {
    const iris = generate({ builtin: 'iris' });
    expect([iris.rows, iris.columns]).toEqual([150, 4]);
    expect(iris.features.kind === 'dense' && Array.from(iris.features.values.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect([0, 1, 2].map((c) => iris.targets.filter((y) => y === c).length)).toEqual([50, 50, 50]);
  });

  it('classification generators label rows with every class', () => {
    const blobs = generate({ builtin: 'blobs', classes: 4, rows: 40, columns: 3 });
    expect([blobs.rows, blobs.columns]).toEqual([40, 3]);
    expect(new Set(blobs.targets)).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(generate({ builtin: 'moons' }).targets)).toEqual(new Set([0, 1]));
    expect(new Set(generate({ builtin: 'spirals', classes: 5 }).targets)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('sparse-text is stored sparsely, with frequent uninformative words and rare informative ones', () => {
    const text = generate({ builtin: 'sparse-text', rows: 3000, columns: 2000 });
    if (text.features.kind !== 'sparse') throw new Error('expected sparse features');
    const counts = new Float64Array(2000);
    text.features.indices.forEach((j) => counts[j]++);
    expect(text.features.values.length).toBeLessThan(3000 * 20 + 1);
    expect(counts[0]).toBeGreaterThan(1000);
    // Most of the vocabulary appears in fewer than 1% of the rows.
    expect(counts.filter((c) => c < 30).length).toBeGreaterThan(1600);
    // Labels are balanced between the classes.
    const positives = text.targets.reduce((a, b) => a + b);
    expect(positives / 3000).toBeGreaterThan(0.3);
    expect(positives / 3000).toBeLessThan(0.7);
  });

  it('rejects unknown generators and out-of-range options', () => {
    expect(builtinDatasetSchema.safeParse({ builtin: 'mnist' }).success).toBe(false);
    expect(builtinDatasetSchema.safeParse({ builtin: 'moons', rows: 0 }).success).toBe(false);
    expect(builtinDatasetSchema.safeParse({ builtin: 'iris', rows: 10 }).success).toBe(false);
  });
});

describe('content hash', () => {
  it('is FNV-1a 64 (published test vectors)', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(fnv1a64Hex(encode(''))).toBe('cbf29ce484222325');
    expect(fnv1a64Hex(encode('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex(encode('foobar'))).toBe('85944171f73967e8');
  });

  it('is stable for equal content and changes with any value, name or layout', () => {
    const source = { features: [[1, 2], [3, 4]], targets: [0, 1] };
    const hash = datasetContentHash(materializeDataset(datasetSourceSchema.parse(source)));
    expect(hash).toBe('fnv1a64:77ac1fdf6ab736fd');
    expect(datasetContentHash(materializeDataset(datasetSourceSchema.parse(structuredClone(source))))).toBe(hash);
    const variants = [
      { ...source, targets: [0, 2] },
      { ...source, features: [[1, 2], [3, 4.000000001]] },
      { ...source, columnNames: ['a', 'b'] },
      { columns: 2, rows: [{ indices: [0, 1], values: [1, 2] }, { indices: [0, 1], values: [3, 4] }], targets: [0, 1] },
    ];
    for (const variant of variants) {
      expect(datasetContentHash(materializeDataset(datasetSourceSchema.parse(variant)))).not.toBe(hash);
    }
  });
});

describe('blocks', () => {
  it('split and join a dense or sparse dataset exactly, and its hash is the same however it is cut', () => {
    const dense = materializeDataset(datasetSourceSchema.parse({ features: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], targets: [0, 1, 0, 1, 1], difficulty: [1, 2, 3, 4, 5] }));
    const sparse = materializeDataset(datasetSourceSchema.parse({
      columns: 4,
      rows: [{ indices: [0, 3], values: [1, 2] }, { indices: [], values: [] }, { indices: [1], values: [3] }, { indices: [0, 1, 2], values: [4, 5, 6] }],
      targets: [1, 0, 1, 0],
    }));
    for (const dataset of [dense, sparse]) {
      for (const valuesPerBlock of [1, 2, 3, 100]) {
        const blocks = [...datasetBlocks(dataset, valuesPerBlock)];
        expect(joinBlocks(shapeOf(dataset), blocks)).toEqual(dataset);
        const hasher = new DatasetHasher(shapeOf(dataset));
        for (const block of blocks) hasher.add(block);
        expect(hasher.digest()).toBe(datasetContentHash(dataset));
      }
    }
  });
});

describe('dataset sources', () => {
  it('builds sparse inline data in CSR form and densifies it faithfully', () => {
    const dataset = materializeDataset(datasetSourceSchema.parse({
      columns: 3,
      rows: [{ indices: [2], values: [5] }, { indices: [], values: [] }, { indices: [0, 1], values: [1, -1] }],
      targets: [1, 0, 1],
    }));
    expect(dataset.features).toEqual({ kind: 'sparse', rowStarts: Int32Array.of(0, 1, 1, 3), indices: Int32Array.of(2, 0, 1), values: Float64Array.of(5, 1, -1) });
    const dense = toDense(dataset);
    expect(dense.features.kind === 'dense' && Array.from(dense.features.values)).toEqual([0, 0, 5, 0, 0, 0, 1, -1, 0]);
    const picked = selectRows(dataset, Int32Array.of(2, 0));
    expect(picked.features).toEqual({ kind: 'sparse', rowStarts: Int32Array.of(0, 2, 3), indices: Int32Array.of(0, 1, 2), values: Float64Array.of(1, -1, 5) });
  });

  it('names the field of inline data whose parts do not fit together, under the place it is given', () => {
    const fieldOf = (source: unknown, at?: string[]) => {
      try {
        materializeDataset(datasetSourceSchema.parse(source), at);
      } catch (error) {
        return error instanceof DatasetFieldError ? error.path : error;
      }
      return undefined;
    };
    expect(fieldOf({ features: [[1, 2], [3, 4], [5]], targets: [0, 1, 0] })).toEqual(['features', 2]);
    expect(fieldOf({ features: [[1, 2], [3]], targets: [0, 1] }, ['data'])).toEqual(['data', 'features', 1]);
    expect(fieldOf({ features: [[1], [2]], targets: [0] }, ['validation'])).toEqual(['validation', 'targets']);
    expect(fieldOf({ features: [[1], [2]], targets: [0, 1], difficulty: [1] })).toEqual(['difficulty']);
    expect(fieldOf({ features: [[1], [2]], targets: [0, 1], columnNames: ['a', 'b'] })).toEqual(['columnNames']);
    expect(fieldOf({ columns: 2, rows: [{ indices: [0], values: [1] }, { indices: [0, 1], values: [1] }], targets: [0, 1] })).toEqual(['rows', 1]);
  });

  it('rejects malformed inline data with a precise message', () => {
    const materialize = (source: unknown) => materializeDataset(datasetSourceSchema.parse(source));
    expect(() => materialize({ features: [[1, 2], [3]], targets: [0, 1] })).toThrow(/row 2 has 1 value, the first row 2/);
    expect(() => materialize({ features: [[1], [2]], targets: [0] })).toThrow(/1 target for 2 rows: one a row/);
    expect(() => materialize({ columns: 2, rows: [{ indices: [2], values: [1] }], targets: [0] })).toThrow(/column index 2 is outside 0…1/);
    expect(() => materialize({ columns: 2, rows: [{ indices: [0, 1], values: [1] }], targets: [0] })).toThrow(/2 indices but 1 value/);
    expect(datasetSourceSchema.safeParse({ features: [[1, 'a']], targets: [0] }).success).toBe(false);
  });

  it('finds a sparse row naming a column twice where data comes in, and builds it where a run goes on with it', () => {
    const twice = { columns: 3, rows: [{ indices: [0], values: [1] }, { indices: [2, 0, 2], values: [1, 2, 3] }], targets: [0, 1] };
    const source = datasetSourceSchema.parse(twice);
    // Named at the entry that gives the column again, as the other shape errors name their field.
    const entry = { path: ['rows', 1, 'indices', 2], message: 'sparse row 2: column index 2 is given twice' };
    expect(repeatedInlineColumn(source)).toMatchObject(entry);
    expect(repeatedInlineColumn(source, ['data'])).toMatchObject({ ...entry, path: ['data', ...entry.path] });
    // An upload or a data file is refused; a run accepted before the check builds its data as it did.
    const dataset = materializeDataset(source);
    expect(() => withColumnsOnce(dataset)).toThrow(expect.objectContaining(entry));
    expect(() => withColumnsOnce(dataset)).toThrow(DatasetFieldError);
    expect(repeatedSparseColumn(dataset)).toBe('sparse row 2: column index 2 is given twice');
    expect(repeatedInlineColumn(dataset)).toBeNull();
    // Columns once each, in any order; and a built-in generator's options (`rows`, `columns`) are no rows.
    expect(repeatedInlineColumn(datasetSourceSchema.parse({ ...twice, rows: [{ indices: [0], values: [1] }, { indices: [2, 0], values: [1, 2] }] }))).toBeNull();
    expect(repeatedInlineColumn(datasetSourceSchema.parse({ builtin: 'sparse-text', rows: 20, columns: 10 }))).toBeNull();
  });

  it('splits with a seed, keeping every row exactly once', () => {
    const dataset = materializeDataset(datasetSourceSchema.parse({ features: Array.from({ length: 10 }, (_, i) => [i]), targets: Array(10).fill(0) }));
    const { training, validation } = splitDataset(dataset, 0.3, 8);
    const values = (d: Dataset) => Array.from(d.features.kind === 'dense' ? d.features.values : []);
    expect(values(validation!).length).toBe(3);
    expect([...values(training), ...values(validation!)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(values(splitDataset(dataset, 0.3, 8).validation!)).toEqual(values(validation!));
    expect(splitDataset(dataset, 0, 8).validation).toBeNull();
  });

  it('resolves ids and paths through the given loader only', async () => {
    const loaded = materializeDataset(datasetSourceSchema.parse({ builtin: 'moons', rows: 10 }));
    const requests: unknown[] = [];
    const spec = { data: datasetSourceSchema.parse({ id: 'ds_1' }), validation: datasetSourceSchema.parse({ builtin: 'iris' }), other: 1 };
    const resolved = await resolveDataSources(spec, (source) => {
      requests.push(source);
      return loaded;
    });
    expect(requests).toEqual([{ id: 'ds_1' }]);
    expect(resolved.data).toBe(loaded);
    expect(resolved.validation).toEqual({ builtin: 'iris' });
    expect(resolved.other).toBe(1);
  });
});
