/**
 * (b) Metric rows per second written by the worker's metrics writer for one long run (slices of
 * rows, each committed with its checkpoint and rollups in one fenced transaction), as a ratio to
 * one plain COPY of the same rows into the same table. A third candidate, the same slices as
 * `INSERT … SELECT FROM unnest(…)` statements, shows why the writer uses COPY.
 *
 * The rows come from a real run of the core (2-D Rosenbrock, Adam, every step recorded with its
 * parameters), cut into slices as the worker cuts them; only the writing is timed.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { iterateRun, type RunCheckpoint } from '../../src/core/training/index.ts';
import { copyStatement, copyText, createMetricsWriter, type MetricBatch } from '../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { defaultSliceSettings } from '../../src/worker/processors/run-slices.ts';
import { toMetricBatch } from '../../src/worker/metric-batch.ts';
import { formatRate, formatRatio, median, printTable } from '../support/measure.ts';
import { benchConfig } from './environment.ts';

const totalRows = Number(process.env.BENCH_WRITER_ROWS ?? 200_000);
const rounds = Number(process.env.BENCH_WRITER_ROUNDS ?? 5);

interface Slice {
  readonly metrics: MetricBatch;
  readonly checkpoint: RunCheckpoint;
}

function longRunSlices(): Slice[] {
  const spec = runSpecSchema.parse({
    objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
    optimizer: { name: 'adam', learningRate: 0.001 },
    training: { maxSteps: totalRows },
    record: { every: 1, params: true },
  });
  const run = iterateRun(spec);
  const slices: Slice[] = [];
  let fromStep = 0;
  while (!run.done) {
    const records = run.advance({ maxSteps: defaultSliceSettings.maxRowsPerSlice });
    const toStep = run.progress.step;
    slices.push({ metrics: toMetricBatch(records, { fromStep, toStep, fromSeconds: fromStep / 1e6, toSeconds: toStep / 1e6 }, true), checkpoint: run.checkpoint() });
    fromStep = toStep;
  }
  return slices;
}

async function createRun(pool: Pool, tenantId: string): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO runs (id, tenant_id, status, spec, started_at) VALUES ($1, $2, 'running', '{}', now())`, [id, tenantId]);
  return id;
}

const unnestStatement = `
  INSERT INTO run_metrics (run_id, step, loss, val_loss, val_accuracy, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params)
  SELECT $1, step, loss, NULLIF(val_loss, 'NaN'), NULLIF(val_accuracy, 'NaN'), grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params::float8[]
    FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::int[], $10::float8[], $11::text[])
      AS t(step, loss, val_loss, val_accuracy, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params)
  ON CONFLICT (run_id, step) DO NOTHING`;

export async function run(): Promise<void> {
  const config = await benchConfig();
  const pool = createPool(config.databaseUrl, 4);
  const writer = createMetricsWriter(pool);
  const slices = longRunSlices();
  const rows = slices.reduce((sum, slice) => sum + slice.metrics.step.length, 0);
  const tenantId = randomUUID();
  await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, `bench-${tenantId}`]);

  const candidates: Record<string, (runId: string) => Promise<void>> = {
    'metrics writer (COPY + checkpoint + rollups per slice)': async (runId) => {
      let fromStep = 0;
      for (const slice of slices) {
        await writer.write({ runId, fromStep, metrics: slice.metrics, rollups: true, checkpoint: { step: slice.checkpoint.step, state: slice.checkpoint } });
        fromStep = slice.checkpoint.step;
      }
    },
    'plain COPY of all rows (ceiling)': async (runId) => {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from(slices.map((slice) => copyText(runId, slice.metrics))), client.query(copyFrom(copyStatement)));
      } finally {
        client.release();
      }
    },
    'unnest INSERT per slice (rows only)': async (runId) => {
      for (const { metrics } of slices) {
        await pool.query(unnestStatement, [
          runId, Array.from(metrics.step), Array.from(metrics.loss), Array.from(metrics.valLoss), Array.from(metrics.valAccuracy), Array.from(metrics.gradNorm),
          Array.from(metrics.learningRate), Array.from(metrics.updateNorm), Array.from(metrics.epoch), Array.from(metrics.elapsedSeconds),
          metrics.params!.map((vector) => `{${vector.join(',')}}`),
        ]);
      }
    },
  };

  const names = Object.keys(candidates);
  const samples = names.map(() => [] as number[]);
  for (let round = 0; round < rounds + 1; round++) {
    for (let c = 0; c < names.length; c++) {
      const runId = await createRun(pool, tenantId);
      const start = process.hrtime.bigint();
      await candidates[names[c]](runId);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) samples[c].push(rows / seconds);
      await pool.query('DELETE FROM runs WHERE id = $1', [runId]);
    }
  }
  const rates = samples.map(median);
  const ceiling = rates[1];
  printTable(
    `(b) metric rows written for one long run (${rows.toLocaleString('en-US')} rows, ${slices.length} slices of ≤ ${defaultSliceSettings.maxRowsPerSlice}, params recorded; median of ${rounds})`,
    ['writer', 'rows/s', 'vs plain COPY'],
    names.map((name, c) => [name, formatRate(rates[c]), formatRatio(rates[c] / ceiling)]),
  );
  console.log(`target: metrics writer ≥ 0.50× plain COPY → ${(rates[0] / ceiling).toFixed(2)}×`);
  await pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
  await pool.end();
}
