/**
 * A dataset as consecutive blocks of rows, the form in which an upload is stored while it is
 * read (so the whole of it is never in memory at once) and from which it is read back.
 */
import type { Dataset, Features } from './dataset.ts';

/** What every block of a dataset shares: its layout and names. */
export interface DatasetShape {
  readonly layout: Features['kind'];
  readonly columns: number;
  readonly columnNames: readonly string[];
  readonly targetName: string;
  readonly difficulty: boolean;
}

/**
 * Consecutive rows of a dataset, in its layout: a sparse block's `rowStarts` count from the
 * block's first entry (its first is 0, its last the block's entries).
 */
export interface DatasetBlock {
  readonly rows: number;
  readonly features: Features;
  readonly targets: Float64Array;
  readonly difficulty?: Float64Array;
}

export function shapeOf(dataset: Dataset): DatasetShape {
  return {
    layout: dataset.features.kind,
    columns: dataset.columns,
    columnNames: dataset.columnNames,
    targetName: dataset.targetName,
    difficulty: dataset.difficulty !== undefined,
  };
}

/** The dataset in blocks of about `valuesPerBlock` stored values each (views, not copies, of dense data). */
export function* datasetBlocks(dataset: Dataset, valuesPerBlock: number): Generator<DatasetBlock> {
  const { features } = dataset;
  const rowValues = features.kind === 'dense' ? dataset.columns : Math.max(1, features.values.length / dataset.rows);
  const rowsPerBlock = Math.max(1, Math.floor(valuesPerBlock / rowValues));
  for (let from = 0; from < dataset.rows; from += rowsPerBlock) {
    const to = Math.min(dataset.rows, from + rowsPerBlock);
    const difficulty = dataset.difficulty ? { difficulty: dataset.difficulty.subarray(from, to) } : {};
    const targets = dataset.targets.subarray(from, to);
    if (features.kind === 'dense') {
      yield { rows: to - from, features: { kind: 'dense', values: features.values.subarray(from * dataset.columns, to * dataset.columns) }, targets, ...difficulty };
      continue;
    }
    const first = features.rowStarts[from]!;
    const last = features.rowStarts[to]!;
    const rowStarts = features.rowStarts.slice(from, to + 1).map((start) => start - first);
    yield {
      rows: to - from,
      features: { kind: 'sparse', rowStarts, indices: features.indices.subarray(first, last), values: features.values.subarray(first, last) },
      targets,
      ...difficulty,
    };
  }
}

/** The dataset the blocks make, in order. */
export function joinBlocks(shape: DatasetShape, blocks: readonly DatasetBlock[]): Dataset {
  const rows = blocks.reduce((sum, block) => sum + block.rows, 0);
  const join = (parts: readonly Float64Array[]) => {
    const joined = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return joined;
  };
  const targets = join(blocks.map((block) => block.targets));
  const difficulty = shape.difficulty ? { difficulty: join(blocks.map((block) => block.difficulty!)) } : {};
  const common = { rows, columns: shape.columns, targets, columnNames: shape.columnNames, targetName: shape.targetName, ...difficulty };
  if (shape.layout === 'dense') {
    return { ...common, features: { kind: 'dense', values: join(blocks.map((block) => block.features.values)) } };
  }
  const sparse = blocks.map((block) => block.features as Extract<Features, { kind: 'sparse' }>);
  const values = join(sparse.map((features) => features.values));
  const indices = new Int32Array(values.length);
  const rowStarts = new Int32Array(rows + 1);
  let entry = 0;
  let row = 0;
  for (const features of sparse) {
    indices.set(features.indices, entry);
    for (let r = 1; r < features.rowStarts.length; r++) rowStarts[++row] = entry + features.rowStarts[r]!;
    entry += features.indices.length;
  }
  return { ...common, features: { kind: 'sparse', rowStarts, indices, values } };
}
