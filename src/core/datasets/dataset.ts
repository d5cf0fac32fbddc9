/**
 * A dataset in memory: features (dense row-major or compressed sparse rows), one numeric target
 * per row, column names, and optionally a difficulty per row (for curriculum learning).
 */

/** Row-major `rows × columns` values: feature j of row r is `values[r * columns + j]`. */
interface DenseFeatures {
  readonly kind: 'dense';
  readonly values: Float64Array;
}

/**
 * Compressed sparse rows: row r holds `values[k]` at column `indices[k]` for
 * `rowStarts[r] ≤ k < rowStarts[r + 1]`; every other entry is zero.
 */
interface SparseFeatures {
  readonly kind: 'sparse';
  readonly rowStarts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export type Features = DenseFeatures | SparseFeatures;

export interface Dataset {
  readonly rows: number;
  readonly columns: number;
  readonly features: Features;
  readonly targets: Float64Array;
  readonly columnNames: readonly string[];
  readonly targetName: string;
  /** Difficulty of each row (higher is harder), when the data comes with one. */
  readonly difficulty?: Float64Array;
}

/** Size limits every dataset must respect, whatever its source. */
export const datasetLimits = {
  maxRows: 1_000_000,
  maxColumns: 100_000,
  /** rows × columns for dense data. */
  maxDenseCells: 20_000_000,
  /** Stored entries for sparse data. */
  maxNonZeros: 20_000_000,
} as const;

export function isDataset(value: unknown): value is Dataset {
  const candidate = value as Partial<Dataset> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.targets instanceof Float64Array
    && typeof candidate.features === 'object';
}

/** Default names `x1 … xd`. */
export function defaultColumnNames(columns: number): string[] {
  return Array.from({ length: columns }, (_, j) => `x${j + 1}`);
}

/** Throws a precise error when a dataset is malformed or beyond the limits. */
export function checkDataset(dataset: Dataset): void {
  const { rows, columns, features, targets } = dataset;
  if (!Number.isInteger(rows) || rows < 1) throw new Error('a dataset needs at least one row');
  if (rows > datasetLimits.maxRows) throw new Error(`a dataset has at most ${datasetLimits.maxRows} rows (got ${rows})`);
  if (!Number.isInteger(columns) || columns < 1) throw new Error('a dataset needs at least one feature column');
  if (columns > datasetLimits.maxColumns) {
    throw new Error(`a dataset has at most ${datasetLimits.maxColumns} columns (got ${columns})`);
  }
  if (targets.length !== rows) throw new Error(`expected ${rows} targets, got ${targets.length}`);
  if (dataset.columnNames.length !== columns) {
    throw new Error(`expected ${columns} column names, got ${dataset.columnNames.length}`);
  }
  if (dataset.difficulty && dataset.difficulty.length !== rows) {
    throw new Error(`expected ${rows} difficulty values, got ${dataset.difficulty.length}`);
  }
  if (features.kind === 'dense') {
    if (rows * columns > datasetLimits.maxDenseCells) {
      throw new Error(`a dense dataset has at most ${datasetLimits.maxDenseCells} cells (got ${rows} × ${columns})`);
    }
    if (features.values.length !== rows * columns) {
      throw new Error(`expected ${rows * columns} feature values, got ${features.values.length}`);
    }
  } else {
    const { rowStarts, indices, values } = features;
    if (rowStarts.length !== rows + 1 || rowStarts[0] !== 0 || rowStarts[rows] !== values.length) {
      throw new Error('sparse row offsets do not match the stored values');
    }
    if (values.length > datasetLimits.maxNonZeros) {
      throw new Error(`a sparse dataset stores at most ${datasetLimits.maxNonZeros} entries (got ${values.length})`);
    }
    if (indices.length !== values.length) throw new Error('sparse indices and values differ in length');
    for (let r = 0; r < rows; r++) {
      if (rowStarts[r + 1] < rowStarts[r]) throw new Error(`sparse row ${r + 1}: offsets decrease`);
      for (let k = rowStarts[r]; k < rowStarts[r + 1]; k++) {
        if (!(indices[k] >= 0 && indices[k] < columns)) {
          throw new Error(`sparse row ${r + 1}: column index ${indices[k]} is outside 0…${columns - 1}`);
        }
      }
    }
    assertFinite(values, 'feature');
  }
  if (features.kind === 'dense') assertFinite(features.values, 'feature');
  assertFinite(targets, 'target');
  if (dataset.difficulty) assertFinite(dataset.difficulty, 'difficulty');
}

function assertFinite(values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what} value ${values[i]} at position ${i} is not a finite number`);
  }
}

/** The rows listed in `rows`, in that order, as a new dataset. */
export function selectRows(dataset: Dataset, rows: Int32Array): Dataset {
  const { columns, features } = dataset;
  const targets = new Float64Array(rows.length);
  const difficulty = dataset.difficulty ? new Float64Array(rows.length) : undefined;
  for (let i = 0; i < rows.length; i++) {
    targets[i] = dataset.targets[rows[i]];
    if (difficulty) difficulty[i] = dataset.difficulty![rows[i]];
  }
  let selected: Features;
  if (features.kind === 'dense') {
    const values = new Float64Array(rows.length * columns);
    for (let i = 0; i < rows.length; i++) {
      values.set(features.values.subarray(rows[i] * columns, (rows[i] + 1) * columns), i * columns);
    }
    selected = { kind: 'dense', values };
  } else {
    const rowStarts = new Int32Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) {
      rowStarts[i + 1] = rowStarts[i] + features.rowStarts[rows[i] + 1] - features.rowStarts[rows[i]];
    }
    const indices = new Int32Array(rowStarts[rows.length]);
    const values = new Float64Array(rowStarts[rows.length]);
    for (let i = 0; i < rows.length; i++) {
      const from = features.rowStarts[rows[i]];
      const to = features.rowStarts[rows[i] + 1];
      indices.set(features.indices.subarray(from, to), rowStarts[i]);
      values.set(features.values.subarray(from, to), rowStarts[i]);
    }
    selected = { kind: 'sparse', rowStarts, indices, values };
  }
  return { ...dataset, rows: rows.length, features: selected, targets, difficulty };
}

/** The same dataset with dense features (sparse entries scattered into zeros). */
export function toDense(dataset: Dataset): Dataset {
  const { features, rows, columns } = dataset;
  if (features.kind === 'dense') return dataset;
  if (rows * columns > datasetLimits.maxDenseCells) {
    throw new Error(`this model needs dense features, and ${rows} × ${columns} exceeds ${datasetLimits.maxDenseCells} cells`);
  }
  const values = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let k = features.rowStarts[r]; k < features.rowStarts[r + 1]; k++) {
      values[r * columns + features.indices[k]] += features.values[k];
    }
  }
  return { ...dataset, features: { kind: 'dense', values } };
}

/**
 * Data whose parts do not fit together (a row of another length than the first, not one target
 * per row, a column given twice in a sparse row), naming the field: `path` is the field's place
 * in the request, from the dataset source (`['features', 1]`) or from what holds it, as
 * materializeDataset was told (`['data', 'targets']`).
 */
export class DatasetFieldError extends Error {
  override readonly name = 'DatasetFieldError';
  constructor(readonly path: readonly (string | number)[], message: string) {
    super(message);
  }
}

/**
 * The first sparse row naming a column twice, as an error message; null when none does (or the
 * data is dense). Such a column has no one value: summed, or the last one winning, training would
 * read something the data does not say. Checked where data comes in (withColumnsOnce, and a spec's
 * inline data: repeatedInlineColumn), and on a stored dataset as a new run reads it, never as an
 * objective is built: data accepted before the check may hold such rows, and a run resumed on
 * them goes on as it began.
 */
export function repeatedSparseColumn(dataset: Dataset): string | null {
  if (dataset.features.kind !== 'sparse') return null;
  return firstRepeatedColumn(dataset.columns, dataset.features.rowStarts, dataset.features.indices)?.message ?? null;
}

/** The dataset read from an upload or a data file, refused (a DatasetFieldError naming the entry) when a sparse row names a column twice. */
export function withColumnsOnce(dataset: Dataset): Dataset {
  if (dataset.features.kind !== 'sparse') return dataset;
  const repeated = firstRepeatedColumn(dataset.columns, dataset.features.rowStarts, dataset.features.indices);
  if (repeated) throw repeated;
  return dataset;
}

/**
 * The first entry of a sparse row that names a column an earlier entry of the row named, as a
 * DatasetFieldError at that entry (`['rows', 1, 'indices', 2]`); null when there is none. Rows
 * are as a sparse dataset stores them: row r's columns are indices[rowStarts[r] … rowStarts[r + 1] − 1].
 */
export function firstRepeatedColumn(columns: number, rowStarts: ArrayLike<number>, indices: ArrayLike<number>): DatasetFieldError | null {
  const rowOfColumn = new Int32Array(columns).fill(-1);
  for (let r = 0; r + 1 < rowStarts.length; r++) {
    for (let k = rowStarts[r]; k < rowStarts[r + 1]; k++) {
      if (rowOfColumn[indices[k]] === r) {
        return new DatasetFieldError(['rows', r, 'indices', k - rowStarts[r]], `sparse row ${r + 1}: column index ${indices[k]} is given twice`);
      }
      rowOfColumn[indices[k]] = r;
    }
  }
  return null;
}
