/**
 * The worker's write path: one slice of a run (its recorded steps, its checkpoint, optionally
 * its progress or its final status) goes to PostgreSQL in ONE transaction, so the stored
 * metrics never run ahead of or behind the checkpoint a resumed run starts from.
 *
 * Metric rows are written with COPY straight into `run_metrics` (measured against
 * `INSERT … SELECT FROM unnest(…)` in bench/service.ts: COPY is the faster of the two).
 * Idempotency on (run_id, step) is delete-then-insert: rows past the checkpoint this writer
 * resumed from are deleted first, which is a no-op unless a crashed attempt left some.
 *
 * The fence and checkpoint statements are prepared once per pooled connection (named): every
 * slice of every run runs them, and planning them anew cost more than executing them.
 *
 * The transaction is fenced: it locks the run row and proceeds only when the run is still
 * `running` and its newest checkpoint is the one this writer last saw. A second worker that
 * picked up the same run (a stalled job re-delivered while the first still lives) thus fails
 * its write instead of interleaving its rows with the first one's.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { ClientBase } from 'pg';
import { appendMetricRollups, type MetricColumns } from './metric-rollups.ts';
import type { Pool } from './pool.ts';
import type { RunStatus } from './runs.ts';

/**
 * A slice's recorded steps as columns, in increasing step order. Missing values (`valLoss` on
 * steps without a validation pass) are NaN; `params` holds one vector per row, or is null when
 * the run does not record parameters.
 */
export interface MetricBatch {
  readonly step: Int32Array;
  readonly loss: Float64Array;
  readonly valLoss: Float64Array;
  readonly valAccuracy: Float64Array;
  readonly gradNorm: Float64Array;
  readonly learningRate: Float64Array;
  readonly updateNorm: Float64Array;
  readonly epoch: Int32Array;
  readonly elapsedSeconds: Float64Array;
  readonly params: readonly (readonly number[])[] | null;
}

export interface SliceWrite {
  readonly runId: string;
  /** The checkpoint step this writer resumed from or last wrote (0 before the first). */
  readonly fromStep: number;
  readonly metrics: MetricBatch;
  readonly checkpoint: { readonly step: number; readonly state: unknown };
  /** Written to the run row when given (the caller throttles it). */
  readonly progress?: { readonly progress: unknown; readonly earlyStopping: unknown };
  /** Ends the run in the same transaction. */
  readonly finish?: { readonly status: RunStatus; readonly result: unknown };
}

/** The run moved on without this writer: another worker wrote it, or it was finished or cancelled. */
export class StaleRunWriteError extends Error {
  override readonly name = 'StaleRunWriteError';
}

export const copyStatement =
  'COPY run_metrics (run_id, step, loss, val_loss, val_accuracy, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params) FROM STDIN';

/** A float8 in COPY text form: JS's shortest round-trip digits parse back to the same double. */
const float = (value: number): string => (Number.isNaN(value) ? '\\N' : String(value));

/** The batch as COPY text (tab-separated, `\N` for null). */
export function copyText(runId: string, metrics: MetricBatch): string {
  const lines: string[] = new Array(metrics.step.length);
  const params = metrics.params;
  for (let i = 0; i < metrics.step.length; i++) {
    const vector = params ? `{${params[i].map((value) => (Number.isNaN(value) ? 'NaN' : String(value))).join(',')}}` : '\\N';
    lines[i] = `${runId}\t${metrics.step[i]}\t${metrics.loss[i]}\t${float(metrics.valLoss[i])}\t${float(metrics.valAccuracy[i])}\t${float(metrics.gradNorm[i])}\t${float(metrics.learningRate[i])}\t${float(metrics.updateNorm[i])}\t${metrics.epoch[i]}\t${float(metrics.elapsedSeconds[i])}\t${vector}\n`;
  }
  return lines.join('');
}

/** COPYs the rows into run_metrics on `client` (inside the caller's transaction, if any). */
export async function copyMetrics(client: ClientBase, runId: string, metrics: MetricBatch): Promise<void> {
  if (metrics.step.length === 0) return;
  await pipeline(Readable.from([copyText(runId, metrics)]), client.query(copyFrom(copyStatement)));
}

function columns(metrics: MetricBatch): MetricColumns {
  return {
    step: metrics.step,
    loss: metrics.loss,
    valLoss: metrics.valLoss,
    valAccuracy: metrics.valAccuracy,
    gradNorm: metrics.gradNorm,
    learningRate: metrics.learningRate,
    updateNorm: metrics.updateNorm,
    epoch: metrics.epoch,
    elapsedSeconds: metrics.elapsedSeconds,
  };
}

/**
 * Locks the run row and, when the fence holds (the run is running and its newest checkpoint is
 * at `fromStep`), deletes any rows past `fromStep`; returns what it saw.
 */
const fenceStatement = {
  name: 'metrics-writer-fence',
  text: `
  WITH run AS (
    SELECT status, (SELECT max(step) FROM checkpoints WHERE run_id = $1) AS checkpoint_step
      FROM runs WHERE id = $1 FOR UPDATE
  ), removed AS (
    DELETE FROM run_metrics WHERE run_id = $1 AND step > $2
       AND EXISTS (SELECT 1 FROM run WHERE status = 'running' AND coalesce(checkpoint_step, 0) = $2)
  )
  SELECT status, coalesce(checkpoint_step, 0) AS checkpoint_step FROM run`,
};

/** Saves the checkpoint, drops older ones and updates the run row, in one statement. */
const checkpointStatement = {
  name: 'metrics-writer-checkpoint',
  text: `
  WITH saved AS (
    INSERT INTO checkpoints (run_id, step, state) VALUES ($1, $2, $3::jsonb)
    ON CONFLICT (run_id, step) DO UPDATE SET state = EXCLUDED.state, created_at = now()
  ), pruned AS (
    DELETE FROM checkpoints WHERE run_id = $1 AND step < $2
  )
  UPDATE runs SET
    progress = coalesce($4::jsonb, progress),
    early_stopping = coalesce($5::jsonb, early_stopping),
    status = coalesce($6::run_status, status),
    result = coalesce($7::jsonb, result),
    finished_at = CASE WHEN $6::run_status IS NULL THEN finished_at ELSE now() END,
    updated_at = now()
  WHERE id = $1`,
};

async function fence(client: ClientBase, runId: string, fromStep: number): Promise<void> {
  const { rows } = await client.query<{ status: RunStatus; checkpoint_step: number }>({ ...fenceStatement, values: [runId, fromStep] });
  const run = rows[0];
  if (!run) throw new StaleRunWriteError(`run ${runId} no longer exists`);
  if (run.status !== 'running') throw new StaleRunWriteError(`run ${runId} is ${run.status}, no longer running`);
  if (run.checkpoint_step !== fromStep) {
    throw new StaleRunWriteError(`run ${runId} has a checkpoint at step ${run.checkpoint_step}; this writer resumed from step ${fromStep}`);
  }
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export function createMetricsWriter(pool: Pool) {
  return {
    /** Writes one slice atomically; throws StaleRunWriteError when the fence refuses it. */
    async write(slice: SliceWrite): Promise<void> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        try {
          await fence(client, slice.runId, slice.fromStep);
          await copyMetrics(client, slice.runId, slice.metrics);
          await appendMetricRollups(client, slice.runId, columns(slice.metrics));
          await client.query({
            ...checkpointStatement,
            values: [
              slice.runId,
              slice.checkpoint.step,
              JSON.stringify(slice.checkpoint.state),
              json(slice.progress?.progress),
              json(slice.progress?.earlyStopping),
              slice.finish?.status ?? null,
              json(slice.finish?.result),
            ],
          });
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
  };
}

export type MetricsWriter = ReturnType<typeof createMetricsWriter>;
