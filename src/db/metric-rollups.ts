/**
 * Metric rollups: a pyramid of per-bucket summaries kept up to date at ingest, so that a
 * downsampled metrics query reads a few thousand summary rows instead of scanning millions of
 * steps.
 *
 * Level k (k = 2 … 10) groups steps into buckets of 4^k steps (16 … 1,048,576): bucket b of
 * level k holds the recorded steps s with ⌊(s − 1) / 4^k⌋ = b. A factor of 4 between levels
 * means a query over any range finds a level with between maxPoints and 4·maxPoints buckets;
 * per 1,000 recorded steps ingest adds about 90 rollup rows. Per bucket and per numeric field it stores the
 * count of non-null values, their sum, minimum and maximum, so any coarser grouping is an exact
 * merge (mean = Σsum / Σcount, min of mins, max of maxes).
 *
 * Rows of one run arrive in increasing step order and a batch is committed together with its
 * checkpoint, so a batch is never applied twice; the `step_last < EXCLUDED.step_first` guard
 * makes a replayed batch a no-op all the same.
 *
 * Short runs keep no rollups: a range of at most `rawRangeSteps` steps is always read from raw
 * rows (at most that many, whatever the run), so a run that can never be longer than that
 * needs none, and its slices skip the upsert.
 */
import { numberArrayLiteral } from './array-literal.ts';
import { metricFieldRegistry, rolledUpMetricFields, type MetricColumns } from '../contracts/metric-fields.ts';

export type { MetricColumns };

/** The metric fields that are summarised, as (API name, column prefix), from the metric-field table. */
export const rolledUpFields = rolledUpMetricFields.map((field) => [field, metricFieldRegistry[field].column] as const);

const rollupBase = 4;
export const rollupLevels = [2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const bucketWidth = (level: number) => rollupBase ** level;

/** Ranges of at most this many steps are read from raw rows; runs of at most this many steps keep no rollups. */
export const rawRangeSteps = bucketWidth(7);

/** Whether a run of `totalSteps` updates keeps rollups. */
export const keepsRollups = (totalSteps: number): boolean => totalSteps > rawRangeSteps;

interface FieldSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

interface BucketSummary {
  level: number;
  bucket: number;
  count: number;
  stepFirst: number;
  stepLast: number;
  epochLast: number | null;
  elapsedLast: number | null;
  fields: FieldSummary[];
}

/**
 * Summarises a batch per (level, bucket): the finest level from the rows in one pass, each
 * coarser one by merging the summaries of the level below (buckets nest: four make one), so the
 * rows are read once whatever the number of levels.
 */
function summariseBatch(rows: MetricColumns): BucketSummary[] {
  let level: BucketSummary[] = summariseRows(rows, rollupLevels[0]);
  const summaries = [...level];
  for (const coarser of rollupLevels.slice(1)) {
    level = mergeSummaries(level, coarser);
    for (const summary of level) summaries.push(summary);
  }
  return summaries;
}

function summariseRows(rows: MetricColumns, level: number): BucketSummary[] {
  const summaries: BucketSummary[] = [];
  const width = bucketWidth(level);
  const columns = rolledUpFields.map(([name]) => rows[name]);
  const { step: steps, epoch, elapsedSeconds } = rows;
  for (let start = 0; start < steps.length;) {
    const bucket = Math.floor((steps[start] - 1) / width);
    let end = start + 1;
    while (end < steps.length && Math.floor((steps[end] - 1) / width) === bucket) end++;
    const summary: BucketSummary = {
      level, bucket, count: end - start, stepFirst: steps[start], stepLast: steps[end - 1],
      epochLast: lastFinite(epoch, start, end), elapsedLast: lastFinite(elapsedSeconds, start, end),
      fields: columns.map((column) => summariseField(column, start, end)),
    };
    summaries.push(summary);
    start = end;
  }
  return summaries;
}

/** Count, sum, minimum and maximum of the finite values of column[start … end − 1]. */
function summariseField(column: Float64Array, start: number, end: number): FieldSummary {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const value = column[i];
    // Finite: NaN (a missing value) and ±Infinity (a diverged step) are not summarised.
    if (value - value !== 0) continue;
    count++;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { count, sum, min, max };
}

function lastFinite(column: Float64Array | Int32Array, start: number, end: number): number | null {
  for (let i = end - 1; i >= start; i--) if (Number.isFinite(column[i])) return column[i];
  return null;
}

/** Summaries of a finer level, in step order, merged into the buckets of `level`. */
function mergeSummaries(finer: readonly BucketSummary[], level: number): BucketSummary[] {
  const merged: BucketSummary[] = [];
  const width = bucketWidth(level);
  let current: BucketSummary | null = null;
  for (const part of finer) {
    const bucket = Math.floor((part.stepFirst - 1) / width);
    if (!current || current.bucket !== bucket) {
      current = { ...part, level, bucket, fields: part.fields.map((field) => ({ ...field })) };
      merged.push(current);
      continue;
    }
    current.count += part.count;
    current.stepLast = part.stepLast;
    current.epochLast = part.epochLast ?? current.epochLast;
    current.elapsedLast = part.elapsedLast ?? current.elapsedLast;
    for (let f = 0; f < part.fields.length; f++) {
      const into = current.fields[f];
      const from = part.fields[f];
      into.count += from.count;
      into.sum += from.sum;
      if (from.min < into.min) into.min = from.min;
      if (from.max > into.max) into.max = from.max;
    }
  }
  return merged;
}


const fieldColumns = rolledUpFields.flatMap(([, column]) => [`${column}_count`, `${column}_sum`, `${column}_min`, `${column}_max`]);

const fieldTypes = rolledUpFields.flatMap(() => ['int', 'float8', 'float8', 'float8']);

const mergeAssignments = rolledUpFields.flatMap(([, c]) => [
  `${c}_count = r.${c}_count + EXCLUDED.${c}_count`,
  `${c}_sum = r.${c}_sum + EXCLUDED.${c}_sum`,
  `${c}_min = LEAST(r.${c}_min, EXCLUDED.${c}_min)`,
  `${c}_max = GREATEST(r.${c}_max, EXCLUDED.${c}_max)`,
]);

const baseColumns = ['level', 'bucket', 'count', 'step_first', 'step_last', 'epoch_last', 'elapsed_last'];
const baseTypes = ['smallint', 'bigint', 'int', 'int', 'int', 'int', 'float8'];

/**
 * Summaries of one or more runs' batches, as the upsert's array parameters: the run id of each
 * summary row, then one array per rollup column.
 */
export class RollupRows {
  private readonly runIds: string[] = [];
  private readonly columns: (number | null)[][] = [...baseColumns, ...fieldColumns].map(() => []);

  /** Adds the summaries of one run's batch (nothing for an empty batch). */
  add(runId: string, rows: MetricColumns): void {
    if (rows.step.length === 0) return;
    for (const s of summariseBatch(rows)) {
      const values: (number | null)[] = [s.level, s.bucket, s.count, s.stepFirst, s.stepLast, s.epochLast, s.elapsedLast];
      for (const field of s.fields) {
        values.push(field.count, field.sum, field.count ? field.min : null, field.count ? field.max : null);
      }
      this.runIds.push(runId);
      for (let c = 0; c < values.length; c++) this.columns[c].push(values[c]);
    }
  }

  /** The parameters, in the order rollupUpsertSql reads them. */
  parameters(): unknown[] {
    return [this.runIds, ...this.columns.map((column) => numberArrayLiteral(column))];
  }
}

/**
 * The upsert that merges summaries into the rollups, reading RollupRows' parameters from
 * `$first` on. `condition` (SQL over the row's `run_id`) gates it: a fence, in a larger statement.
 */
export function rollupUpsertSql(first: number, condition = 'true'): string {
  const arrays = [...baseTypes, ...fieldTypes].map((type, i) => `$${first + 1 + i}::${type}[]`);
  return `
  INSERT INTO metric_rollups AS r (run_id, ${[...baseColumns, ...fieldColumns].join(', ')})
  SELECT * FROM unnest($${first}::uuid[], ${arrays.join(', ')}) AS u(run_id, ${[...baseColumns, ...fieldColumns].join(', ')})
   WHERE ${condition}
  ON CONFLICT (run_id, level, bucket) DO UPDATE SET
    count = r.count + EXCLUDED.count,
    step_last = EXCLUDED.step_last,
    epoch_last = COALESCE(EXCLUDED.epoch_last, r.epoch_last),
    elapsed_last = COALESCE(EXCLUDED.elapsed_last, r.elapsed_last),
    ${mergeAssignments.join(',\n    ')}
  WHERE r.step_last < EXCLUDED.step_first`;
}
