/**
 * Writes a run the way a worker does: the real core in slices, each slice's recorded steps,
 * rollups and checkpoint committed together by the worker's metrics writer.
 *
 * Imported by benchmarks, or run as its own process (`tsx bench/service/run-writer.ts RUN_ID
 * MAX_STEPS SLICE_ROWS [SKIP_STEPS [PACE_MS]]`) to load the database from outside the process
 * being measured, until the run ends or the process is stopped: SKIP_STEPS continues a run
 * written that far already, PACE_MS pauses between slices as a live run would.
 */
import { runSpecSchema, type RunSpec } from '../../src/contracts/run-spec.ts';
import { iterateRun } from '../../src/core/training/index.ts';
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

export interface WriteRunOptions {
  /** Steps already written by an earlier writer: computed again, not written. */
  readonly skipSteps?: number;
  /** Milliseconds between slices, as a worker slicing a long run writes them (default: no pause). */
  readonly paceMs?: number;
  /** Called after each slice is committed, with its first and last step. */
  readonly onSlice?: (fromStep: number, toStep: number) => void | Promise<void>;
}

/** Runs the core and writes its records slice by slice; resolves to the last step written. */
export async function writeRun(
  pool: Pool,
  runId: string,
  spec: RunSpec,
  sliceRows: number,
  keepGoing: () => boolean = () => true,
  { skipSteps = 0, paceMs = 0, onSlice }: WriteRunOptions = {},
): Promise<number> {
  const writer = createMetricsWriter(pool);
  const run = iterateRun(spec);
  while (run.progress.step < skipSteps && !run.done) run.advance({ maxSteps: Math.min(100_000, skipSteps - run.progress.step) });
  let fromStep = run.progress.step;
  while (!run.done && keepGoing()) {
    if (paceMs > 0 && fromStep > skipSteps) await new Promise((resolve) => setTimeout(resolve, paceMs));
    const records = run.advance({ maxSteps: sliceRows });
    const toStep = run.progress.step;
    const metrics = toMetricBatch(records, { fromStep, toStep, fromSeconds: 0, toSeconds: 0 }, true);
    await writer.write({ runId, fromStep, metrics, rollups: keepsRollups(run.progress.totalSteps), checkpoint: { step: toStep, state: run.checkpoint() } });
    await onSlice?.(fromStep + 1, toStep);
    fromStep = toStep;
  }
  return fromStep;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [runId, maxSteps, sliceRows, skipSteps = '0', paceMs = '0'] = process.argv.slice(2);
  const pool = createPool(benchDatabaseUrl, 1);
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  const written = await writeRun(pool, runId, rosenbrockSpec(Number(maxSteps)), Number(sliceRows), () => !stopping,
    { skipSteps: Number(skipSteps), paceMs: Number(paceMs) });
  await pool.end();
  process.stdout.write(`${written}\n`);
}
