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

/** The numeric metric fields that are summarised, as (API name, column prefix). */
export const rolledUpFields = [
  ['loss', 'loss'],
  ['valLoss', 'val_loss'],
  ['valAccuracy', 'val_accuracy'],
  ['gradNorm', 'grad_norm'],
  ['learningRate', 'learning_rate'],
  ['updateNorm', 'update_norm'],
] as const;

/**
 * One batch of recorded steps as columns, in increasing step order. Missing values (e.g.
 * `valLoss` on steps without a validation pass) are `null` or NaN.
 */
export interface MetricColumns {
  readonly step: ArrayLike<number>;
  readonly loss: ArrayLike<number | null>;
  readonly valLoss?: ArrayLike<number | null>;
  readonly valAccuracy?: ArrayLike<number | null>;
  readonly gradNorm?: ArrayLike<number | null>;
  readonly learningRate?: ArrayLike<number | null>;
  readonly updateNorm?: ArrayLike<number | null>;
  readonly epoch?: ArrayLike<number | null>;
  readonly elapsedSeconds?: ArrayLike<number | null>;
}

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

const emptyField = (): FieldSummary => ({ count: 0, sum: 0, min: Infinity, max: -Infinity });

/** Summarises a batch per (level, bucket). */
function summariseBatch(rows: MetricColumns): BucketSummary[] {
  const summaries: BucketSummary[] = [];
  const n = rows.step.length;
  const columns = rolledUpFields.map(([name]) => rows[name]);
  for (const level of rollupLevels) {
    const width = bucketWidth(level);
    let current: BucketSummary | null = null;
    for (let i = 0; i < n; i++) {
      const step = rows.step[i];
      const bucket = Math.floor((step - 1) / width);
      if (!current || current.bucket !== bucket) {
        current = {
          level, bucket, count: 0, stepFirst: step, stepLast: step, epochLast: null, elapsedLast: null,
          fields: rolledUpFields.map(emptyField),
        };
        summaries.push(current);
      }
      current.count++;
      current.stepLast = step;
      current.epochLast = finiteOrNull(rows.epoch?.[i]) ?? current.epochLast;
      current.elapsedLast = finiteOrNull(rows.elapsedSeconds?.[i]) ?? current.elapsedLast;
      for (let f = 0; f < columns.length; f++) {
        const value = finiteOrNull(columns[f]?.[i]);
        if (value === null) continue;
        const summary = current.fields[f];
        summary.count++;
        summary.sum += value;
        if (value < summary.min) summary.min = value;
        if (value > summary.max) summary.max = value;
      }
    }
  }
  return summaries;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
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

/** Parameters the upsert reads: the run ids, then one array per rollup column. */
export const rollupParameterCount = 1 + baseColumns.length + fieldColumns.length;

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
