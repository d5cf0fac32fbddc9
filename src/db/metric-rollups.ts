/**
 * Metric rollups: a pyramid of per-bucket summaries kept up to date at ingest, so that a
 * downsampled metrics query reads at most 16 summary rows per point it asks for (`rowsRead` in
 * metrics-query.ts) instead of scanning millions of steps.
 *
 * Level k (k = 2 … 10) groups steps into buckets of 4^k steps (16 … 1,048,576): bucket b of
 * level k holds the recorded steps s with ⌊(s − 1) / 4^k⌋ = b. A factor of 4 between levels
 * means a query over a range of more than 64·maxPoints steps finds a level with between
 * 4·maxPoints and 16·maxPoints buckets, fine enough for four fifths of the points asked for;
 * per 1,000 recorded steps ingest adds about 90 rollup rows. Per bucket and per numeric field it stores the
 * count of non-null values, their sum (in two parts, below), minimum and maximum, so any coarser
 * grouping is an exact merge (mean = Σsum / Σcount, min of mins, max of maxes).
 *
 * Rows of one run arrive in increasing step order and a batch is committed together with its
 * checkpoint, so a batch is never applied twice; the `step_last < EXCLUDED.step_first` guard
 * makes a replayed batch a no-op all the same.
 *
 * Short runs keep no rollups: a range of at most `rawRangeSteps` steps is always read from raw
 * rows (at most that many, whatever the run), so a run that can never be longer than that
 * needs none, and its slices skip the upsert.
 *
 * A sum is kept in two parts that cannot overflow, so no sum passes the range of a double (finite
 * values reach ±1.8e308: a diverging loss, a huge gradient norm): `<field>_sum` adds the values
 * under 2^959 in magnitude as they are, `<field>_sum_scaled` the larger ones times 2^-64 (fewer
 * than 2^63 terms keep either under 2^1023), in the batch's summaries, the upsert and a read's
 * merge alike (`summariseField`, `wideSumSql`). A group's mean is each part over its count, the scaled
 * one scaled back up, kept within its min and max (`groupMean`: a float sum drifts, 0.01 summed
 * 3072 times), so a read from rollups gives the mean a read from raw rows gives, up to the
 * rounding of a sum's order. PostgreSQL's float8 `+` and `sum` raise on overflow.
 *
 * A bucket none of whose values reached 2^959 (nearly every one) stores no scaled part: NULL, which
 * its row keeps in a bit of its null bitmap, where a 0 took 8 bytes; six fields made a rollup row
 * 48 bytes longer, 4 GB of a run of 10⁹ steps (migration 20261212120000). A read and the upsert
 * take NULL as 0, as they take a 0 stored before.
 *
 * Rows written before the scaled part existed hold 0 there and kept their whole sum in
 * `<field>_sum`, saturated to ±Infinity as IEEE addition does once it passed the range (NaN when
 * it passed it both ways); the upsert still adds to that part saturating (`saturatingAddSql`), so
 * such a bucket keeps taking rows. Its mean reads as its max for +Infinity, its min for
 * −Infinity, and null for NaN (unknown beyond min and max, which stay given).
 */
import { numberArrayLiteral, numberText } from './array-literal.ts';
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

/** Magnitudes a sum adds as they are; larger ones it adds scaled down by `wideScale`. */
const wideLimit = 2 ** 959;
const wideScale = 2 ** 64;

interface FieldSummary {
  count: number;
  sum: number;
  sumScaled: number;
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
  let sumScaled = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const value = column[i];
    // Finite: NaN (a missing value) and ±Infinity (a diverged step) are not summarised.
    if (value - value !== 0) continue;
    count++;
    if (Math.abs(value) < wideLimit) sum += value;
    else sumScaled += value / wideScale;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { count, sum, sumScaled, min, max };
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
      into.sumScaled += from.sumScaled;
      if (from.min < into.min) into.min = from.min;
      if (from.max > into.max) into.max = from.max;
    }
  }
  return merged;
}


const fieldColumns = rolledUpFields.flatMap(([, column]) => [`${column}_count`, `${column}_sum`, `${column}_sum_scaled`, `${column}_min`, `${column}_max`]);

const fieldTypes = rolledUpFields.flatMap(() => ['int', 'float8', 'float8', 'float8', 'float8']);

const float8 = (value: number) => `${numberText(value)}::float8`;

/**
 * `a + b` over float8 that saturates to ±Infinity instead of raising on overflow. Halving both
 * is exact when neither is below 1 in magnitude (halving the smallest subnormal raises an
 * underflow), and the sum overflows exactly when the halves' sum passes half the largest double;
 * a term below 1 cannot carry a sum past the range. NaN and ±Infinity give what IEEE gives.
 */
export function saturatingAddSql(a: string, b: string): string {
  const half = `(${a} * 0.5::float8 + ${b} * 0.5::float8)`;
  return `CASE WHEN abs(${a}) < 1::float8 OR abs(${b}) < 1::float8 THEN ${a} + ${b}`
    + ` WHEN abs(${half}) <= ${float8(Number.MAX_VALUE / 2)} THEN ${a} + ${b} ELSE ${half} * 'Infinity'::float8 END`;
}

/**
 * The sum of `value` over a group as two float8 sums that cannot overflow, `${name}` and
 * `${name}_scaled` (magnitudes under 2^959 as they are, larger ones times 2^-64), for `groupMean`.
 * `scaled`, when given, is a part already scaled down that each row adds to the second: a rollup's
 * `_sum_scaled` (null for none), whose `_sum` itself may have grown past 2^959.
 */
export const wideSumSql = (value: string, name: string, scaled?: string): string[] => [
  `sum(CASE WHEN abs(${value}) < ${float8(wideLimit)} THEN ${value} END) AS ${name}`,
  `sum(CASE WHEN abs(${value}) < ${float8(wideLimit)} THEN ${scaled ?? 'NULL'} ELSE ${value} * ${float8(1 / wideScale)}${scaled ? ` + coalesce(${scaled}, 0::float8)` : ''} END) AS ${name}_scaled`,
];

/** A raw value as the two parts of a sum, `${name}` and `${name}_scaled` (0 for a missing value), as a rollup holds them. */
export const splitSumSql = (value: string, name: string): string[] => [
  `CASE WHEN abs(${value}) < ${float8(wideLimit)} THEN ${value} ELSE 0::float8 END AS ${name}`,
  `CASE WHEN abs(${value}) >= ${float8(wideLimit)} THEN ${value} * ${float8(1 / wideScale)} ELSE 0::float8 END AS ${name}_scaled`,
];

/**
 * The mean of a group's `count` finite values from the two parts of their sum (null where a part
 * had no term), each divided by the count before they are joined, so it is finite whatever the
 * sum: within their min and max (a float sum drifts; a part of +Infinity, a bucket saturated before
 * the parts existed, gives the max, of −Infinity the min), null with no values or a NaN part.
 */
export function groupMean(count: number, sum: number | null, scaled: number | null, min: number | null, max: number | null): number | null {
  if (!count || min === null || max === null) return null;
  const mean = (sum ?? 0) / count + ((scaled ?? 0) / count) * wideScale;
  if (Number.isNaN(mean)) return null;
  return Math.min(max, Math.max(min, mean));
}

const mergeAssignments = rolledUpFields.flatMap(([, c]) => [
  `${c}_count = r.${c}_count + EXCLUDED.${c}_count`,
  `${c}_sum = ${saturatingAddSql(`r.${c}_sum`, `EXCLUDED.${c}_sum`)}`,
  `${c}_sum_scaled = coalesce(r.${c}_sum_scaled + EXCLUDED.${c}_sum_scaled, r.${c}_sum_scaled, EXCLUDED.${c}_sum_scaled)`,
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
        values.push(field.count, field.sum, field.sumScaled === 0 ? null : field.sumScaled, field.count ? field.min : null, field.count ? field.max : null);
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
