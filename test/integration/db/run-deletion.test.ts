/**
 * Deleting a run longer than one statement's chunk of steps: its steps and rollups go in chunks,
 * each statement deleting at most a chunk's rows, with the run's and its tenant's counts of stored
 * rows right after every statement; a deletion stopped midway leaves the run hidden, its counts
 * matching what is left, and the same deletion again finishes it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsQuery } from '../../../src/db/metrics-query.ts';
import type { Pool } from '../../../src/db/pool.ts';
import { createResourceDeletion } from '../../../src/db/resource-deletion.ts';
import { createRunRepository } from '../../../src/db/runs.ts';
import { useTestTenantPool } from '../support/services.ts';

const stepsPerStatement = 1_000;

const tenant = useTestTenantPool('run-deletion');

beforeAll(async () => {
  // Each statement deleting steps or rollups logs how many rows it deleted.
  await tenant.pool.query(`
    CREATE TABLE IF NOT EXISTS test_deleted_rows (tbl text NOT NULL, run_id uuid NOT NULL, n bigint NOT NULL);
    CREATE OR REPLACE FUNCTION test_log_deleted_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO test_deleted_rows SELECT TG_TABLE_NAME, run_id, count(*) FROM gone GROUP BY run_id;
      RETURN NULL;
    END $$;
    CREATE OR REPLACE TRIGGER test_log_deleted_steps AFTER DELETE ON run_metrics
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION test_log_deleted_rows();
    CREATE OR REPLACE TRIGGER test_log_deleted_rollups AFTER DELETE ON metric_rollups
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION test_log_deleted_rows();`);
});
afterAll(async () => {
  await tenant.pool.query(`
    DROP TRIGGER IF EXISTS test_log_deleted_steps ON run_metrics;
    DROP TRIGGER IF EXISTS test_log_deleted_rollups ON metric_rollups;
    DROP FUNCTION IF EXISTS test_log_deleted_rows();
    DROP TABLE IF EXISTS test_deleted_rows;`);
});

/**
 * A completed run of `steps` recorded steps (every `every`-th step), with the rollups of every
 * level that ingest would have kept for them, and one checkpoint.
 */
async function storedRun(steps: number, every = 1): Promise<string> {
  const id = randomUUID();
  await tenant.pool.query(
    `INSERT INTO runs (id, tenant_id, status, spec, finished_at, metric_rows, idempotency_key)
     VALUES ($1, $2, 'completed', '{}', now(), $3, $4)`, [id, tenant.tenantId, steps, id]);
  await tenant.pool.query(`INSERT INTO run_metrics (run_id, step, loss) SELECT $1, s * $3::int, 1.0 / s FROM generate_series(1, $2::int) s`, [id, steps, every]);
  await tenant.pool.query(
    `INSERT INTO metric_rollups (run_id, level, bucket, count, step_first, step_last, loss_count, loss_sum, val_loss_count, val_loss_sum,
                                 grad_norm_count, grad_norm_sum, learning_rate_count, learning_rate_sum, update_norm_count, update_norm_sum)
     SELECT run_id, level, (step - 1) / (4::bigint ^ level)::bigint, count(*), min(step), max(step), count(*), sum(loss), 0, 0, 0, 0, 0, 0, 0, 0
       FROM run_metrics, generate_series(2, 10) AS level WHERE run_id = $1 GROUP BY 1, 2, 3`, [id]);
  await tenant.pool.query(`INSERT INTO checkpoints (run_id, step, state) VALUES ($1, $2, '{}')`, [id, steps * every]);
  return id;
}

async function stored(runId: string) {
  const { rows: [row] } = await tenant.pool.query<{ steps: number; rollups: number; checkpoints: number; run: boolean; counted: number | null }>(`
    SELECT (SELECT count(*)::int FROM run_metrics WHERE run_id = $1) AS steps,
           (SELECT count(*)::int FROM metric_rollups WHERE run_id = $1) AS rollups,
           (SELECT count(*)::int FROM checkpoints WHERE run_id = $1) AS checkpoints,
           EXISTS (SELECT FROM runs WHERE id = $1) AS run,
           (SELECT metric_rows FROM runs WHERE id = $1) AS counted`, [runId]);
  return row!;
}

/** The tenant's sum of its finished runs' stored rows (kept by triggers), and the rows they store indeed. */
async function tenantRows(): Promise<{ summed: number; counted: number; stored: number }> {
  const { rows: [row] } = await tenant.pool.query<{ summed: string; counted: string; stored: string }>(`
    SELECT (SELECT coalesce(sum(rows), 0) FROM tenant_metric_rows WHERE tenant_id = $1) AS summed,
           (SELECT coalesce(sum(metric_rows), 0) FROM runs WHERE tenant_id = $1) AS counted,
           (SELECT count(*) FROM run_metrics m JOIN runs r ON r.id = m.run_id WHERE r.tenant_id = $1) AS stored`, [tenant.tenantId]);
  return { summed: Number(row!.summed), counted: Number(row!.counted), stored: Number(row!.stored) };
}

async function deletedPerStatement(runId: string, table: string): Promise<number[]> {
  const { rows } = await tenant.pool.query<{ n: string }>('SELECT n FROM test_deleted_rows WHERE run_id = $1 AND tbl = $2', [runId, table]);
  return rows.map((row) => Number(row.n));
}

/** The tenant.pool, whose `failAt`-th statement fails as a connection lost mid-deletion would. */
function failingPool(failAt: number): Pool {
  let statements = 0;
  return new Proxy(tenant.pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (...args: unknown[]) => {
        if (++statements === failAt) return Promise.reject(new Error('Connection terminated unexpectedly'));
        return (target.query as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}

describe('deleting a run in chunks of steps', () => {
  it('deletes a run of more steps than a chunk, at most a chunk of rows per statement, its counts right throughout', async () => {
    const other = await storedRun(300);
    const id = await storedRun(4_500);
    const before = await tenantRows();
    expect(before.summed).toBe(before.stored);

    const deletion = createResourceDeletion(tenant.services.database, tenant.pool, { stepsPerStatement });
    expect(await deletion.deleteRun(tenant.tenantId, id)).toEqual({ outcome: 'deleted' });

    expect(await stored(id)).toEqual({ steps: 0, rollups: 0, checkpoints: 0, run: false, counted: null });
    const steps = await deletedPerStatement(id, 'run_metrics');
    expect(steps.reduce((a, b) => a + b, 0)).toBe(4_500);
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...steps)).toBeLessThanOrEqual(stepsPerStatement);
    expect(Math.max(...await deletedPerStatement(id, 'metric_rollups'))).toBeLessThanOrEqual(stepsPerStatement / 8);
    expect(await tenantRows()).toEqual({ summed: before.summed - 4_500, counted: before.summed - 4_500, stored: before.stored - 4_500 });
    expect((await stored(other)).steps).toBe(300);
  });

  it('covers steps recorded sparsely and rollups whose steps retention has deleted', async () => {
    const sparse = await storedRun(50, 997);
    // Retention keeps the last step and the rollups of a run.
    const pruned = await storedRun(3_000);
    await tenant.pool.query(`WITH gone AS (DELETE FROM run_metrics WHERE run_id = $1 AND step < 3000 RETURNING 1)
                      UPDATE runs SET metric_rows = 1 WHERE id = $1`, [pruned]);
    const before = await tenantRows();

    const deletion = createResourceDeletion(tenant.services.database, tenant.pool, { stepsPerStatement });
    for (const id of [sparse, pruned]) {
      expect(await deletion.deleteRun(tenant.tenantId, id)).toEqual({ outcome: 'deleted' });
      expect(await stored(id)).toEqual({ steps: 0, rollups: 0, checkpoints: 0, run: false, counted: null });
    }
    expect(await tenantRows()).toEqual({ summed: before.summed - 51, counted: before.summed - 51, stored: before.stored - 51 });
  });

  it('a deletion stopped midway leaves the run hidden with its counts right; the same deletion again finishes it', async () => {
    const id = await storedRun(4_500);
    const before = await tenantRows();
    const runs = createRunRepository(tenant.services.database, tenant.pool);
    const metrics = createMetricsQuery(tenant.pool);

    // Statements: the mark, the range, three chunks, then a failure.
    await expect(createResourceDeletion(tenant.services.database, failingPool(6), { stepsPerStatement }).deleteRun(tenant.tenantId, id))
      .rejects.toThrow('Connection terminated');

    const left = await stored(id);
    expect(left).toMatchObject({ steps: 1_500, run: true, counted: 1_500, checkpoints: 1 });
    expect(left.rollups).toBeGreaterThan(0);
    expect(await tenantRows()).toEqual({ summed: before.summed - 3_000, counted: before.summed - 3_000, stored: before.stored - 3_000 });
    // Shown nowhere: not read, not listed, no metrics; its idempotency key is free again.
    expect(await runs.findForTenant(tenant.tenantId, id)).toBeNull();
    expect((await runs.list(tenant.tenantId, { limit: 100 })).map((run) => run.id)).not.toContain(id);
    expect(await metrics.revision(tenant.tenantId, id)).toBeNull();
    const { rows: [marked] } = await tenant.pool.query('SELECT deleted_at IS NOT NULL AS deleting, idempotency_key FROM runs WHERE id = $1', [id]);
    expect(marked).toEqual({ deleting: true, idempotency_key: null });

    // Another tenant still cannot reach it.
    const deletion = createResourceDeletion(tenant.services.database, tenant.pool, { stepsPerStatement });
    expect(await deletion.deleteRun(randomUUID(), id)).toEqual({ outcome: 'not_found' });

    expect(await deletion.deleteRun(tenant.tenantId, id)).toEqual({ outcome: 'deleted' });
    expect(await stored(id)).toEqual({ steps: 0, rollups: 0, checkpoints: 0, run: false, counted: null });
    expect(await tenantRows()).toEqual({ summed: before.summed - 4_500, counted: before.summed - 4_500, stored: before.stored - 4_500 });
    expect(await deletion.deleteRun(tenant.tenantId, id)).toEqual({ outcome: 'not_found' });
  });

  it('a running run is refused and left as it was', async () => {
    const id = await storedRun(2_000);
    await tenant.pool.query(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = $1`, [id]);
    const deletion = createResourceDeletion(tenant.services.database, tenant.pool, { stepsPerStatement });
    expect(await deletion.deleteRun(tenant.tenantId, id)).toEqual({ outcome: 'blocked', status: 'running' });
    expect(await stored(id)).toMatchObject({ steps: 2_000, run: true, counted: 2_000 });
    const { rows: [row] } = await tenant.pool.query('SELECT deleted_at FROM runs WHERE id = $1', [id]);
    expect(row).toEqual({ deleted_at: null });
  });
});
