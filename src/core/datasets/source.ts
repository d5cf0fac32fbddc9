/**
 * Where a model's data comes from, as written in a spec:
 *
 * - inline dense:  `{ "features": [[…], …], "targets": […], "columnNames"?, "difficulty"? }`
 * - inline sparse: `{ "columns": d, "rows": [{ "indices": [j, …], "values": [v, …] }, …],
 *                    "targets": […], "columnNames"?, "difficulty"? }` (0-based column indices)
 * - built in:      `{ "builtin": "iris" | "linear" | "blobs" | "moons" | "spirals" | "sparse-text", …options }`
 * - stored:        `{ "id": "…" }` (an uploaded dataset)
 * - a CSV file:    `{ "path": "data.csv", "targetColumn"?, "difficultyColumn"? }` (the CLI)
 *
 * The core turns the first three into a Dataset. The last two need I/O, so the service and the
 * CLI resolve them into a Dataset first (see resolve.ts).
 */
import { z } from 'zod';
import { builtinDatasetSchema, generateBuiltinDataset } from './builtin/index.ts';
import { checkDataset, DatasetFieldError, datasetLimits, defaultColumnNames, firstRepeatedColumn, isDataset, type Dataset } from './dataset.ts';

const finite = z.number().finite();
const rowsArray = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(datasetLimits.maxRows);
const columnNames = z.array(z.string().min(1).max(200)).max(datasetLimits.maxColumns)
  .describe('Names of the feature columns (default x1 … xd).');
const difficulty = rowsArray(finite).describe('Difficulty of each row (higher is harder), for curriculum learning.');

export const inlineDenseDatasetSchema = z.strictObject({
  features: rowsArray(z.array(finite).min(1).max(datasetLimits.maxColumns)).describe('One array of feature values per row.'),
  targets: rowsArray(finite).describe('One target per row.'),
  columnNames: columnNames.optional(),
  difficulty: difficulty.optional(),
});

export const inlineSparseDatasetSchema = z.strictObject({
  columns: z.number().int().min(1).max(datasetLimits.maxColumns).describe('Number of feature columns.'),
  rows: rowsArray(z.strictObject({
    indices: z.array(z.number().int().min(0)).max(datasetLimits.maxColumns).describe('0-based columns of the non-zero entries.'),
    values: z.array(finite).max(datasetLimits.maxColumns).describe('The entries, in the order of `indices`.'),
  })).describe('One entry list per row; absent columns are zero.'),
  targets: rowsArray(finite).describe('One target per row.'),
  columnNames: columnNames.optional(),
  difficulty: difficulty.optional(),
});

const datasetReferenceSchema = z.strictObject({
  id: z.string().min(1).max(200).describe('Id of an uploaded dataset.'),
});

const datasetFileSchema = z.strictObject({
  path: z.string().min(1).max(4096).describe('A CSV file with a header row, relative to the spec file (CLI only).'),
  targetColumn: z.union([z.string().min(1), z.number().int().min(0)]).optional().describe('Target column name or 0-based index (default the last).'),
  difficultyColumn: z.union([z.string().min(1), z.number().int().min(0)]).optional().describe('Difficulty column, for curriculum learning.'),
});

export const datasetSourceSchema = z.union([
  inlineDenseDatasetSchema,
  inlineSparseDatasetSchema,
  builtinDatasetSchema,
  datasetReferenceSchema,
  datasetFileSchema,
]);

type InlineDenseDataset = z.output<typeof inlineDenseDatasetSchema>;
type InlineSparseDataset = z.output<typeof inlineSparseDatasetSchema>;
type DatasetReference = z.output<typeof datasetReferenceSchema>;
export type DatasetFile = z.output<typeof datasetFileSchema>;
export type DatasetSource = z.output<typeof datasetSourceSchema>;

/** A source that needs I/O to become a Dataset. */
export type ExternalDatasetSource = DatasetReference | DatasetFile;

export function isExternalDatasetSource(source: DatasetSource): source is ExternalDatasetSource {
  return 'id' in source || 'path' in source;
}

/**
 * Builds the Dataset of an inline or built-in source; throws for ids and paths (resolve those
 * first). `at` is the source's place in what holds it, for the fields its DatasetFieldErrors name.
 */
export function materializeDataset(source: DatasetSource | Dataset, at: readonly (string | number)[] = []): Dataset {
  let dataset: Dataset;
  if (isDataset(source)) dataset = source;
  else if ('builtin' in source) dataset = generateBuiltinDataset(source);
  else if ('features' in source) dataset = fromInlineDense(source, at);
  else if ('rows' in source) dataset = fromInlineSparse(source, at);
  else if ('id' in source) throw new Error(`dataset '${source.id}' must be loaded before the objective is built`);
  else if ('path' in source) throw new Error(`dataset file '${source.path}' must be read before the objective is built`);
  else throw new Error('unrecognised dataset source');
  checkDataset(dataset);
  return dataset;
}

/**
 * firstRepeatedColumn of sparse data given inline in a spec, read off the spec's rows, the
 * error's path from `at` (the source's place in what holds it); null for any other source (a
 * loaded Dataset was checked as it was read). For a spec as it comes in.
 */
export function repeatedInlineColumn(source: DatasetSource | Dataset, at: readonly (string | number)[] = []): DatasetFieldError | null {
  if (isDataset(source) || 'builtin' in source || !('rows' in source)) return null;
  const rowStarts = [0];
  for (const row of source.rows) rowStarts.push(rowStarts.at(-1)! + row.indices.length);
  const repeated = firstRepeatedColumn(source.columns, rowStarts, source.rows.flatMap((row) => row.indices));
  return repeated && new DatasetFieldError([...at, ...repeated.path], repeated.message);
}

const counted = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function fromInlineDense(source: InlineDenseDataset, at: readonly (string | number)[]): Dataset {
  const rows = source.features.length;
  const columns = source.features[0].length;
  const values = new Float64Array(rows * columns);
  source.features.forEach((row, r) => {
    if (row.length !== columns) throw new DatasetFieldError([...at, 'features', r], `row ${r + 1} has ${counted(row.length, 'value')}, the first row ${columns}`);
    values.set(row, r * columns);
  });
  return finishInline(source, rows, columns, { kind: 'dense', values }, at);
}

function fromInlineSparse(source: InlineSparseDataset, at: readonly (string | number)[]): Dataset {
  const rows = source.rows.length;
  const rowStarts = new Int32Array(rows + 1);
  source.rows.forEach((row, r) => {
    if (row.indices.length !== row.values.length) {
      throw new DatasetFieldError([...at, 'rows', r], `row ${r + 1} has ${counted(row.indices.length, 'index', 'indices')} but ${counted(row.values.length, 'value')}`);
    }
    rowStarts[r + 1] = rowStarts[r] + row.indices.length;
  });
  const indices = new Int32Array(rowStarts[rows]);
  const values = new Float64Array(rowStarts[rows]);
  source.rows.forEach((row, r) => {
    indices.set(row.indices, rowStarts[r]);
    values.set(row.values, rowStarts[r]);
  });
  return finishInline(source, rows, source.columns, { kind: 'sparse', rowStarts, indices, values }, at);
}

function finishInline(
  source: InlineDenseDataset | InlineSparseDataset,
  rows: number,
  columns: number,
  features: Dataset['features'],
  at: readonly (string | number)[],
): Dataset {
  if (source.targets.length !== rows) throw new DatasetFieldError([...at, 'targets'], `${counted(source.targets.length, 'target')} for ${counted(rows, 'row')}: one a row`);
  if (source.difficulty && source.difficulty.length !== rows) {
    throw new DatasetFieldError([...at, 'difficulty'], `${counted(source.difficulty.length, 'difficulty value')} for ${counted(rows, 'row')}: one a row`);
  }
  if (source.columnNames && source.columnNames.length !== columns) {
    throw new DatasetFieldError([...at, 'columnNames'], `${counted(source.columnNames.length, 'column name')} for ${counted(columns, 'feature column')}: one a column`);
  }
  return {
    rows,
    columns,
    features,
    targets: Float64Array.from(source.targets),
    columnNames: source.columnNames ?? defaultColumnNames(columns),
    targetName: 'target',
    ...(source.difficulty ? { difficulty: Float64Array.from(source.difficulty) } : {}),
  };
}
