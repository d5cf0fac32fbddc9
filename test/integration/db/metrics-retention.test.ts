/**
 * Retention of finished runs' raw steps: old finished runs keep their last step and their
 * rollups; recent or unfinished runs keep everything; a second pass finds nothing to do.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetricsRetention } from '../../../src/db/metrics-retention.ts';
import { useTestTenantPool } from '../support/services.ts';

const tenant = useTestTenantPool('retention');

/** A run with `steps` recorded steps (every 10th) and one rollup row, finished `daysAgo` days ago (null: still running). */
async function storedRun(steps: number, daysAgo: number | null): Promise<string> {
  const id = randomUUID();
  await tenant.pool.query(
    `INSERT INTO runs (id, tenant_id, status, spec, finished_at, metric_rows)
     VALUES ($1, $2, $3::run_status, '{}', CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(days => $4::int) END, $5)`,
    [id, tenant.tenantId, daysAgo === null ? 'running' : 'completed', daysAgo, steps]);
  await tenant.pool.query(
    `INSERT INTO run_metrics (run_id, step, loss) SELECT $1, s * 10, 1.0 / s FROM generate_series(1, $2::int) s`, [id, steps]);
  await tenant.pool.query(
    `INSERT INTO metric_rollups (run_id, level, bucket, count, step_first, step_last, loss_count, loss_sum, val_loss_count, val_loss_sum,
                                 grad_norm_count, grad_norm_sum, learning_rate_count, learning_rate_sum, update_norm_count, update_norm_sum)
     VALUES ($1, 2, 0, 1, 10, 10, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0)`, [id]);
  return id;
}

async function steps(runId: string): Promise<number[]> {
  const { rows } = await tenant.pool.query<{ step: number }>('SELECT step FROM run_metrics WHERE run_id = $1 ORDER BY step', [runId]);
  return rows.map((row) => row.step);
}

async function rollups(runId: string): Promise<number> {
  const { rows: [row] } = await tenant.pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_rollups WHERE run_id = $1', [runId]);
  return Number(row!.n);
}

describe('metrics retention', () => {
  it('deletes the raw steps but the last of runs finished before the period; keeps rollups, recent and running runs', async () => {
    const old = await storedRun(150_000, 10);
    const recent = await storedRun(500, 2);
    const running = await storedRun(500, null);
    const retention = createMetricsRetention(tenant.pool);

    const pass = await retention.prune(7);
    expect(pass.ran).toBe(true);
    expect(pass.runs).toBeGreaterThanOrEqual(1);
    expect(pass.rows).toBeGreaterThanOrEqual(149_999);
    expect(await steps(old)).toEqual([1_500_000]);
    // The run row's count of stored rows follows (the tenant's metric-rows quota reads it).
    const { rows: [counted] } = await tenant.pool.query<{ metric_rows: number }>('SELECT metric_rows FROM runs WHERE id = $1', [old]);
    expect(counted!.metric_rows).toBe(1);
    expect(await rollups(old)).toBe(1);
    expect(await steps(recent)).toHaveLength(500);
    expect(await steps(running)).toHaveLength(500);

    expect(await retention.prune(7)).toMatchObject({ ran: true, rows: 0 });
    expect(await retention.prune(1)).toMatchObject({ ran: true, rows: expect.any(Number) });
    expect(await steps(recent)).toEqual([5_000]);
    expect(await steps(running)).toHaveLength(500);
  });

  it('one pruner at a time: a pass finding the lock held does nothing', async () => {
    const holder = await tenant.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707370)');
      expect(await createMetricsRetention(tenant.pool).prune(1)).toEqual({ runs: 0, rows: 0, ran: false });
    } finally {
      await holder.query('SELECT pg_advisory_unlock(72707370)');
      holder.release();
    }
  });
});
