/**
 * A slice's step records as the column batch the metrics writer stores, and the thinned rows
 * a live metrics message carries.
 */
import type { StepRecord } from '../core/training/index.ts';
import type { MetricBatch } from '../db/metrics-writer.ts';
import { metricFieldRegistry, scalarMetricFields, type LiveMetricRow, type ScalarMetricField } from '../contracts/metric-fields.ts';

/** Wall-clock time of a slice: seconds since the run first started, at its first and last update. */
export interface SliceTime {
  readonly fromStep: number;
  readonly toStep: number;
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/** The fields the engine records, and the one the worker's clock gives. */
const recorded = scalarMetricFields.filter((field) => metricFieldRegistry[field].source === 'record') as Exclude<ScalarMetricField, 'elapsedSeconds'>[];
const sometimes = new Set<ScalarMetricField>(scalarMetricFields.filter((field) => metricFieldRegistry[field].sometimes));

const intFields = scalarMetricFields.filter((field) => metricFieldRegistry[field].sqlType === 'int');
const floatFields = scalarMetricFields.filter((field) => metricFieldRegistry[field].sqlType !== 'int');

/**
 * The step and scalar columns of `n` rows, zeroed, as views of one buffer: a typed array of its
 * own costs an allocation of its own outside the heap, and a small run's slice has nine columns
 * of a few rows each.
 */
function emptyColumns(n: number): Omit<MetricBatch, 'params'> {
  const buffer = new ArrayBuffer(n * (8 * floatFields.length + 4 * (1 + intFields.length)));
  const columns: Record<string, Float64Array | Int32Array> = {};
  let offset = 0;
  for (const field of floatFields) {
    columns[field] = new Float64Array(buffer, offset, n);
    offset += 8 * n;
  }
  for (const field of ['step', ...intFields]) {
    columns[field] = new Int32Array(buffer, offset, n);
    offset += 4 * n;
  }
  return columns as unknown as Omit<MetricBatch, 'params'>;
}

/**
 * Columns of the records (a field a record lacks is NaN). Records do not carry a time, so a
 * row's `elapsedSeconds` is interpolated linearly in the step between the slice's start and end.
 */
export function toMetricBatch(records: readonly StepRecord[], time: SliceTime, withParams: boolean): MetricBatch {
  const n = records.length;
  const params = withParams ? new Array<readonly number[]>(n) : null;
  const batch: MetricBatch = { ...emptyColumns(n), params };
  const span = time.toStep - time.fromStep;
  const rate = span > 0 ? (time.toSeconds - time.fromSeconds) / span : 0;
  for (const field of recorded) {
    const column = batch[field];
    for (let i = 0; i < n; i++) column[i] = records[i][field] ?? NaN;
  }
  for (let i = 0; i < n; i++) {
    const record = records[i];
    batch.step[i] = record.step;
    batch.elapsedSeconds[i] = time.fromSeconds + rate * (record.step - time.fromStep);
    if (params) params[i] = record.params ?? [];
  }
  return batch;
}

/** At most `limit` rows of the batch, evenly spaced, always with the last one; a field measured only sometimes is absent where missing. */
export function liveRows(batch: MetricBatch, limit: number): LiveMetricRow[] {
  const n = batch.step.length;
  if (n === 0 || limit <= 0) return [];
  const count = Math.min(n, limit);
  const rows: LiveMetricRow[] = [];
  for (let k = 0; k < count; k++) {
    // Indices n−1, … spread back to the first: the last row is always present.
    const i = n - 1 - Math.floor(((count - 1 - k) * (n - 1)) / Math.max(1, count - 1));
    const row: Record<string, number> = { step: batch.step[i] };
    for (const field of scalarMetricFields) {
      const value = batch[field][i];
      if (!(sometimes.has(field) && Number.isNaN(value))) row[field] = value;
    }
    rows.push(row as LiveMetricRow);
  }
  return rows;
}
