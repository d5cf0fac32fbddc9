/**
 * A slice's step records as the column batch the metrics writer stores, and the thinned rows
 * a live metrics message carries.
 */
import type { StepRecord } from '../core/training/index.ts';
import type { MetricBatch } from '../db/metrics-writer.ts';
import type { LiveMetricRow } from '../queue/run-events.ts';

/** Wall-clock time of a slice: seconds since the run first started, at its first and last update. */
export interface SliceTime {
  readonly fromStep: number;
  readonly toStep: number;
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/**
 * Columns of the records. Records do not carry a time, so a row's `elapsedSeconds` is
 * interpolated linearly in the step between the slice's start and end.
 */
export function toMetricBatch(records: readonly StepRecord[], time: SliceTime, withParams: boolean): MetricBatch {
  const n = records.length;
  const batch = {
    step: new Int32Array(n),
    loss: new Float64Array(n),
    valLoss: new Float64Array(n),
    valAccuracy: new Float64Array(n),
    gradNorm: new Float64Array(n),
    learningRate: new Float64Array(n),
    updateNorm: new Float64Array(n),
    epoch: new Int32Array(n),
    elapsedSeconds: new Float64Array(n),
    params: withParams ? new Array<readonly number[]>(n) : null,
  };
  const span = time.toStep - time.fromStep;
  const rate = span > 0 ? (time.toSeconds - time.fromSeconds) / span : 0;
  for (let i = 0; i < n; i++) {
    const record = records[i];
    batch.step[i] = record.step;
    batch.loss[i] = record.loss;
    batch.valLoss[i] = record.valLoss ?? NaN;
    batch.valAccuracy[i] = record.valAccuracy ?? NaN;
    batch.gradNorm[i] = record.gradNorm;
    batch.learningRate[i] = record.learningRate;
    batch.updateNorm[i] = record.updateNorm;
    batch.epoch[i] = record.epoch;
    batch.elapsedSeconds[i] = time.fromSeconds + rate * (record.step - time.fromStep);
    if (batch.params) batch.params[i] = record.params ?? [];
  }
  return batch;
}

/** At most `limit` rows of the batch, evenly spaced, always with the last one. */
export function liveRows(batch: MetricBatch, limit: number): LiveMetricRow[] {
  const n = batch.step.length;
  if (n === 0 || limit <= 0) return [];
  const count = Math.min(n, limit);
  const rows: LiveMetricRow[] = [];
  for (let k = 0; k < count; k++) {
    // Indices n−1, … spread back to the first: the last row is always present.
    const i = n - 1 - Math.floor(((count - 1 - k) * (n - 1)) / Math.max(1, count - 1));
    const valLoss = batch.valLoss[i];
    const valAccuracy = batch.valAccuracy[i];
    rows.push({
      step: batch.step[i],
      loss: batch.loss[i],
      ...(Number.isNaN(valLoss) ? {} : { valLoss }),
      ...(Number.isNaN(valAccuracy) ? {} : { valAccuracy }),
      gradNorm: batch.gradNorm[i],
      learningRate: batch.learningRate[i],
      updateNorm: batch.updateNorm[i],
      epoch: batch.epoch[i],
      elapsedSeconds: batch.elapsedSeconds[i],
    });
  }
  return rows;
}
