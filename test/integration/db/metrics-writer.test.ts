/**
 * The worker's metrics writer against the real PostgreSQL: concurrent slices of many runs share
 * statements yet each is fenced on its own; a run's final slice replaces its checkpoint with
 * its status; large slices go through COPY; every value comes back bit for bit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsWriter, StaleRunWriteError, statementRows, type MetricBatch, type MetricsWriter } from '../../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { countStatements } from '../support/statement-count.ts';
import type { RunResultView } from '../../../src/contracts/run-result.ts';

let services: TestServices;
let pool: Pool;
let writer: MetricsWriter;
let tenantId: string;
/** Statements sent through the pool. */
let statements: { readonly count: number };

/** Rows for steps from+1 … to, with values that exercise NULL, NaN and ±Infinity. */
function batch(from: number, to: number, withParams = true): MetricBatch {
  const n = to - from;
  const step = Int32Array.from({ length: n }, (_, i) => from + i + 1);
  const values = (f: (s: number) => number) => Float64Array.from(step, f);
  return {
    step,
    loss: values((s) => (s % 97 === 0 ? NaN : s % 83 === 0 ? -0 : 1 / s + Math.sin(s) * 1e-17)),
    valLoss: values((s) => (s % 10 === 0 ? Math.PI / s : NaN)),
    valAccuracy: values((s) => (s % 10 === 0 ? 0.5 : NaN)),
    gradNorm: values((s) => (s % 89 === 0 ? Infinity : Math.cos(s))),
    learningRate: values(() => 0.1),
    updateNorm: values((s) => 2 ** -s),
    epoch: Int32Array.from(step, (s) => Math.floor(s / 100)),
    elapsedSeconds: values((s) => s / 3),
    params: withParams ? Array.from(step, (s) => [s, -Infinity, s % 2 ? NaN : 5e-324, -0]) : null,
  };
}

async function newRun(status = 'running'): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO runs (id, tenant_id, status, spec) VALUES ($1, $2, $3::run_status, '{}')`, [id, tenantId, status]);
  return id;
}

async function stored(runId: string) {
  const { rows } = await pool.query(
    `SELECT step, loss, val_loss, val_accuracy, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params
       FROM run_metrics WHERE run_id = $1 ORDER BY step`, [runId]);
  return rows;
}

/** What the writer must have stored for `metrics`: NaN kept for loss, missing values NULL elsewhere. */
function expected(metrics: MetricBatch) {
  const orNull = (value: number) => (Number.isNaN(value) ? null : value);
  return Array.from(metrics.step, (step, i) => ({
    step,
    loss: metrics.loss[i],
    val_loss: orNull(metrics.valLoss[i]),
    val_accuracy: orNull(metrics.valAccuracy[i]),
    grad_norm: orNull(metrics.gradNorm[i]),
    learning_rate: metrics.learningRate[i],
    update_norm: metrics.updateNorm[i],
    epoch: metrics.epoch[i],
    elapsed_seconds: metrics.elapsedSeconds[i],
    params: metrics.params ? [...metrics.params[i]] : null,
  }));
}

/** The run row's count of its stored metric rows. */
async function metricRowsOf(runId: string): Promise<number> {
  const { rows: [row] } = await pool.query<{ metric_rows: number }>('SELECT metric_rows FROM runs WHERE id = $1', [runId]);
  return row!.metric_rows;
}

const checkpointOf = async (runId: string) =>
  (await pool.query('SELECT step, state FROM checkpoints WHERE run_id = $1 ORDER BY step', [runId])).rows;

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 4);
  statements = countStatements(pool);
  writer = createMetricsWriter(pool);
  const { tenantName } = await createTenantKey(services.database, 'writer');
  tenantId = (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
});

afterAll(async () => {
  await pool?.end();
  await services?.close();
});

describe('metrics writer', () => {
  it('stores every value bit for bit: NaN loss, NULL for missing values, ±Infinity, −0 and subnormals', async () => {
    const runId = await newRun();
    const metrics = batch(0, 300);
    await writer.write({ runId, fromStep: 0, metrics, rollups: false, checkpoint: { step: 300, state: { at: 300 } } });
    expect(await stored(runId)).toEqual(expected(metrics));
    expect(await checkpointOf(runId)).toEqual([{ step: 300, state: { at: 300 } }]);
  });

  it('writes concurrent slices of many runs in fewer statements, each with its own rows, checkpoint and rollups', async () => {
    const runIds = await Promise.all(Array.from({ length: 24 }, () => newRun()));
    const before = statements.count;
    // Three slices per run, each run's slices in order, all runs at once.
    await Promise.all(runIds.map(async (runId, r) => {
      for (const [from, to] of [[0, 40], [40, 90], [90, 100 + r]]) {
        await writer.write({ runId, fromStep: from, metrics: batch(from, to, r % 2 === 0), rollups: r % 3 === 0, checkpoint: { step: to, state: { r, to } } });
      }
    }));
    expect(statements.count - before).toBeLessThan(3 * runIds.length);
    for (const [r, runId] of runIds.entries()) {
      const rows = await stored(runId);
      expect(rows).toEqual([...expected(batch(0, 40, r % 2 === 0)), ...expected(batch(40, 90, r % 2 === 0)), ...expected(batch(90, 100 + r, r % 2 === 0))]);
      expect(await checkpointOf(runId)).toEqual([{ step: 100 + r, state: { r, to: 100 + r } }]);
      const { rows: [rollups] } = await pool.query('SELECT coalesce(sum(count), 0)::int AS n FROM metric_rollups WHERE run_id = $1 AND level = 2', [runId]);
      expect(rollups.n).toBe(r % 3 === 0 ? 100 + r : 0);
      // The run row counts its stored rows (the tenant's metric-rows quota reads it).
      expect(await metricRowsOf(runId)).toBe(rows.length);
    }
  });

  it("stores no scaled part of a rollup's sums where none of the bucket's values reached 2^959, and keeps one merged with none", async () => {
    const runId = await newRun();
    const huge = 1e300;
    // A huge update norm at step 35 in the first slice, a huge gradient norm at step 45 in the
    // second: level 2's bucket 2 (steps 33-48) has both, merged from the two slices.
    const first = batch(0, 40);
    first.updateNorm![34] = huge;
    const second = batch(40, 60);
    second.gradNorm![4] = huge;
    await writer.write({ runId, fromStep: 0, metrics: first, rollups: true, checkpoint: { step: 40, state: {} } });
    await writer.write({ runId, fromStep: 40, metrics: second, rollups: true, checkpoint: { step: 60, state: {} } });
    const { rows } = await pool.query<{ bucket: string; loss: number | null; val_loss: number | null; val_accuracy: number | null; grad_norm: number | null; learning_rate: number | null; update_norm: number | null }>(
      `SELECT bucket, loss_sum_scaled AS loss, val_loss_sum_scaled AS val_loss, val_accuracy_sum_scaled AS val_accuracy,
              grad_norm_sum_scaled AS grad_norm, learning_rate_sum_scaled AS learning_rate, update_norm_sum_scaled AS update_norm
         FROM metric_rollups WHERE run_id = $1 AND level = 2 ORDER BY bucket`, [runId]);
    const none = { loss: null, val_loss: null, val_accuracy: null, grad_norm: null, learning_rate: null, update_norm: null };
    expect(rows).toEqual([
      { bucket: '0', ...none },
      { bucket: '1', ...none },
      { bucket: '2', ...none, grad_norm: huge / 2 ** 64, update_norm: huge / 2 ** 64 },
      { bucket: '3', ...none },
    ]);
  });

  it('refuses a stale slice without touching the others of its statement', async () => {
    const [good, stale, cancelled, ending] = await Promise.all([newRun(), newRun(), newRun(), newRun()]);
    const missing = randomUUID();
    for (const runId of [good, stale, cancelled, ending]) {
      await writer.write({ runId, fromStep: 0, metrics: batch(0, 10), rollups: true, checkpoint: { step: 10, state: {} } });
    }
    await pool.query(`UPDATE runs SET status = 'cancelled' WHERE id = $1`, [cancelled]);
    const result: RunResultView = { stopReason: 'max_steps', message: 'done', steps: 15, params: [0], finalLoss: 1, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 1, step: 15, atEnd: false }, restoredBest: false };
    const outcomes = await Promise.allSettled([
      writer.write({ runId: good, fromStep: 10, metrics: batch(10, 20), rollups: true, checkpoint: { step: 20, state: {} } }),
      // Resumed from a checkpoint that is no longer the newest: another attempt moved on.
      writer.write({ runId: stale, fromStep: 0, metrics: batch(0, 5), rollups: true, checkpoint: { step: 5, state: {} } }),
      writer.write({ runId: cancelled, fromStep: 10, metrics: batch(10, 20), rollups: true, checkpoint: { step: 20, state: {} } }),
      writer.write({ runId: missing, fromStep: 0, metrics: batch(0, 20), rollups: true, checkpoint: { step: 20, state: {} } }),
      writer.write({ runId: ending, fromStep: 10, metrics: batch(10, 15), rollups: true, progress: { progress: { step: 15, totalSteps: 15, epoch: null, fraction: 1, stepsPerSecond: null, etaSeconds: null }, earlyStopping: null }, finish: { status: 'completed', result } }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(reasons.every((reason) => reason instanceof StaleRunWriteError)).toBe(true);
    expect(reasons.map((reason) => reason.message)).toEqual([
      `run ${stale} has a checkpoint at step 10; this writer resumed from step 0`,
      `run ${cancelled} is cancelled, no longer running`,
      `run ${missing} no longer exists`,
    ]);
    expect((await stored(good)).map((row) => row.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await stored(stale)).map((row) => row.step)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect((await stored(cancelled)).length).toBe(10);
    // The run that ended: its rows, its status and result, and no checkpoint left to resume from.
    expect((await stored(ending)).length).toBe(15);
    expect(await checkpointOf(ending)).toEqual([]);
    const { rows: [run] } = await pool.query('SELECT status, result, progress, finished_at FROM runs WHERE id = $1', [ending]);
    expect(run).toMatchObject({ status: 'completed', result, progress: { step: 15 } });
    expect(run.finished_at).toBeInstanceOf(Date);
    await expect(writer.write({ runId: ending, fromStep: 15, metrics: batch(15, 16), rollups: true, checkpoint: { step: 16, state: {} } }))
      .rejects.toThrow(`run ${ending} is completed, no longer running`);
  });

  it("marks a queued run running with an attempt's first slice, counting the attempt, and refuses any other slice of a queued run", async () => {
    const runId = await newRun('queued');
    await expect(writer.write({ runId, fromStep: 0, metrics: batch(0, 5), rollups: false, checkpoint: { step: 5, state: {} } }))
      .rejects.toThrow(`run ${runId} is queued, no longer running`);
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    await writer.write({ runId, fromStep: 0, metrics: batch(0, 5), rollups: false, starting: { startedAt }, checkpoint: { step: 5, state: {} } });
    await writer.write({ runId, fromStep: 5, metrics: batch(5, 9), rollups: false, checkpoint: { step: 9, state: {} } });
    // A resumed attempt (the run is running, from its checkpoint) is counted too.
    const resumedAt = new Date('2026-01-02T03:05:00.000Z');
    await writer.write({ runId, fromStep: 9, metrics: batch(9, 12), rollups: false, starting: { startedAt: resumedAt }, checkpoint: { step: 12, state: {} } });
    const { rows: [run] } = await pool.query('SELECT status, attempts, started_at FROM runs WHERE id = $1', [runId]);
    expect(run).toEqual({ status: 'running', attempts: 2, started_at: resumedAt });
    expect((await stored(runId)).length).toBe(12);
  });

  it('fails only the slice whose rows the shared statement refuses', async () => {
    const [busy, clash, ...others] = await Promise.all(Array.from({ length: 7 }, () => newRun()));
    await writer.write({ runId: clash, fromStep: 0, metrics: batch(0, 5), rollups: false, checkpoint: { step: 5, state: {} } });
    // Its checkpoint gone, the fence holds for a slice whose steps are stored already: (run_id, step)
    // refuses them, and again when the slice is written once more, as no other attempt's commit explains them.
    await pool.query('DELETE FROM checkpoints WHERE run_id = $1', [clash]);
    const slice = (runId: string) => writer.write({ runId, fromStep: 0, metrics: batch(0, 5), rollups: false, checkpoint: { step: 5, state: {} } });
    // While the first statement is in flight, the others gather into one.
    const first = slice(busy);
    const outcomes = await Promise.allSettled([clash, ...others].map(slice));
    await first;
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: '23505', constraint: 'run_metrics_pkey' } });
    expect(outcomes.slice(1).map((outcome) => outcome.status)).toEqual(others.map(() => 'fulfilled'));
    for (const runId of others) expect((await stored(runId)).length).toBe(5);
  });

  it('stores nothing of a stale slice written in the same turn as a slice of the same run that its fence lets through', async () => {
    const runId = await newRun();
    await pool.query(`INSERT INTO checkpoints (run_id, step, state) VALUES ($1, 1500, '{}')`, [runId]);
    // The live attempt resumed from the newest checkpoint; a stale one from an older checkpoint, with a row past it.
    const live = writer.write({ runId, fromStep: 1500, metrics: batch(1500, 1500), rollups: false, checkpoint: { step: 1900, state: {} } });
    const stale = writer.write({ runId, fromStep: 1100, metrics: batch(1999, 2000), rollups: false, checkpoint: { step: 2300, state: {} } });
    const [liveOutcome, staleOutcome] = await Promise.allSettled([live, stale]);
    expect(liveOutcome.status).toBe('fulfilled');
    expect(staleOutcome).toMatchObject({ status: 'rejected', reason: expect.any(StaleRunWriteError) });
    expect(await stored(runId)).toEqual([]);
    expect(await metricRowsOf(runId)).toBe(0);
    expect(await checkpointOf(runId)).toEqual([{ step: 1900, state: {} }]);
    // The live attempt's next slice stores the step the stale one had.
    await writer.write({ runId, fromStep: 1900, metrics: batch(1999, 2000), rollups: false, checkpoint: { step: 2100, state: {} } });
    expect((await stored(runId)).map((row) => row.step)).toEqual([2000]);
  });

  it('COPYs a slice larger than a statement carries, fenced and atomic all the same', async () => {
    const runId = await newRun();
    const large = batch(0, statementRows + 500);
    await writer.write({ runId, fromStep: 0, metrics: large, rollups: true, checkpoint: { step: statementRows + 500, state: { copy: true } } });
    expect(await stored(runId)).toEqual(expected(large));
    expect(await checkpointOf(runId)).toEqual([{ step: statementRows + 500, state: { copy: true } }]);
    // A stale large slice writes nothing, not even its rows.
    await expect(writer.write({ runId, fromStep: 0, metrics: batch(0, statementRows + 1), rollups: true, checkpoint: { step: 1, state: {} } }))
      .rejects.toBeInstanceOf(StaleRunWriteError);
    expect((await stored(runId)).length).toBe(statementRows + 500);
    expect(await metricRowsOf(runId)).toBe(statementRows + 500);
    expect(await checkpointOf(runId)).toEqual([{ step: statementRows + 500, state: { copy: true } }]);
  });

  it('plans its slice statement once per connection, not at every slice (its array parameters would have PostgreSQL plan it anew each time)', async () => {
    const single = createPool(services.config.databaseUrl, 1);
    try {
      const own = createMetricsWriter(single);
      for (let i = 0; i < 8; i++) {
        const runId = await newRun();
        await own.write({ runId, fromStep: 0, metrics: batch(0, 1 + i), rollups: false, finish: { status: 'completed', result: {} as RunResultView } });
      }
      const { rows: [plans] } = await single.query<{ generic: string; custom: string }>(
        `SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE name = 'metrics-writer-slices+rows'`);
      expect([Number(plans!.custom), Number(plans!.generic)]).toEqual([0, 8]);
    } finally {
      await single.end();
    }
  });

  it("runs a small run's only slice (its first and its last, no rollups) as a statement without the rollups' and checkpoints' parts", async () => {
    const single = createPool(services.config.databaseUrl, 1);
    try {
      const own = createMetricsWriter(single);
      const runId = await newRun('queued');
      const metrics = batch(0, 20, false);
      const result = { stopReason: 'max_steps', steps: 20 } as RunResultView;
      await own.write({ runId, fromStep: 0, metrics, rollups: false, starting: { startedAt: new Date() }, finish: { status: 'completed', result } });
      expect(await stored(runId)).toEqual(expected(metrics));
      expect(await metricRowsOf(runId)).toBe(20);
      const { rows } = await single.query<{ name: string; statement: string }>(
        `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'metrics-writer-slices%'`);
      expect(rows.map((row) => row.name)).toEqual(['metrics-writer-slices+rows']);
      expect(rows[0]!.statement).not.toMatch(/metric_rollups|INSERT INTO checkpoints/);
    } finally {
      await single.end();
    }
  });

  it('tries a statement PostgreSQL cancelled for a deadlock or a serialization failure once more, and fails on a second', async () => {
    // The pool's first `conflicts` slice statements fail in PostgreSQL with `code`, as a real conflict would.
    const conflicting = (code: string, conflicts: number) => {
      let left = conflicts;
      const failFirst = <Q extends { query: (...args: never[]) => unknown }>(target: Q): Q => new Proxy(target, {
        get(object, key, receiver) {
          if (key === 'connect') return async () => failFirst(await (object as unknown as Pool).connect());
          const value: unknown = Reflect.get(object, key, receiver);
          if (key !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(object) : value;
          return (config: unknown, ...rest: unknown[]) => {
            if ((config as { name?: string } | null)?.name?.startsWith('metrics-writer-slices') && left > 0) {
              left--;
              return object.query(`DO $$ BEGIN RAISE EXCEPTION 'concurrent statements' USING ERRCODE = '${code}'; END $$` as never);
            }
            return (value as (...args: unknown[]) => unknown).apply(object, [config, ...rest]);
          };
        },
      });
      return failFirst(pool);
    };
    for (const code of ['40P01', '40001']) {
      // A small slice (the shared statement) and a large one (its transaction with COPY), each cancelled once: both stored.
      const [small, large] = await Promise.all([newRun(), newRun()]);
      await createMetricsWriter(conflicting(code, 1)).write({ runId: small, fromStep: 0, metrics: batch(0, 10), rollups: true, finish: { status: 'completed', result: {} as RunResultView } });
      await createMetricsWriter(conflicting(code, 1)).write({ runId: large, fromStep: 0, metrics: batch(0, statementRows + 1), rollups: false, checkpoint: { step: statementRows + 1, state: {} } });
      expect([(await stored(small)).length, await metricRowsOf(small), (await stored(large)).length]).toEqual([10, 10, statementRows + 1]);
      // Cancelled twice, a slice fails with the second error and writes nothing.
      const twice = await newRun();
      await expect(createMetricsWriter(conflicting(code, 2)).write({ runId: twice, fromStep: 0, metrics: batch(0, 10), rollups: false, checkpoint: { step: 10, state: {} } }))
        .rejects.toMatchObject({ code });
      expect([(await stored(twice)).length, await metricRowsOf(twice)]).toEqual([0, 0]);
    }
    // The tenant's finished rows, kept as the statements end runs, count each ended run once.
    const { rows: [sums] } = await pool.query<{ kept: string; runs: string }>(`
      SELECT (SELECT sum(rows) FROM tenant_metric_rows WHERE tenant_id = $1) AS kept,
             (SELECT sum(metric_rows) FROM runs WHERE tenant_id = $1 AND status NOT IN ('queued', 'running')) AS runs`, [tenantId]);
    expect(Number(sums!.kept)).toBe(Number(sums!.runs));
    expect(Number(sums!.kept)).toBeGreaterThanOrEqual(2 * 10);
  });
});
