/**
 * Writes a run the way a worker does: the real core in slices, each slice's recorded steps,
 * rollups and checkpoint committed together by the worker's metrics writer.
 *
 * Imported by benchmarks, or run as its own process (`tsx bench/service/run-writer.ts RUN_ID
 * MAX_STEPS SLICE_ROWS`) to load the database from outside the process being measured, until
 * the run ends or the process is stopped.
 */
import { runSpecSchema, type RunSpec } from '../../src/contracts/run-spec.ts';
import { iterateRun } from '../../src/core/training/iterate-run.ts';
import { keepsRollups } from '../../src/db/metric-rollups.ts';
import { createMetricsWriter } from '../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { toMetricBatch } from '../../src/worker/metric-batch.ts';
import { benchDatabaseUrl } from './environment.ts';

/** 2-D Rosenbrock with Adam, every step recorded with its parameters. */
export const rosenbrockSpec = (maxSteps: number): RunSpec => runSpecSchema.parse({
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps },
  record: { every: 1, params: true },
});

/** Runs the core and writes its records slice by slice; resolves to the last step written. */
export async function writeRun(pool: Pool, runId: string, spec: RunSpec, sliceRows: number, keepGoing: () => boolean = () => true): Promise<number> {
  const writer = createMetricsWriter(pool);
  const run = iterateRun(spec);
  let fromStep = 0;
  while (!run.done && keepGoing()) {
    const records = run.advance({ maxSteps: sliceRows });
    const toStep = run.progress.step;
    const metrics = toMetricBatch(records, { fromStep, toStep, fromSeconds: 0, toSeconds: 0 }, true);
    await writer.write({ runId, fromStep, metrics, rollups: keepsRollups(run.progress.totalSteps), checkpoint: { step: toStep, state: run.checkpoint() } });
    fromStep = toStep;
  }
  return fromStep;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [runId, maxSteps, sliceRows] = process.argv.slice(2);
  const pool = createPool(benchDatabaseUrl, 1);
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  const written = await writeRun(pool, runId, rosenbrockSpec(Number(maxSteps)), Number(sliceRows), () => !stopping);
  await pool.end();
  process.stdout.write(`${written}\n`);
}
