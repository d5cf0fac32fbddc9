/** A tenant's metric rows against its quota, read for concurrent submissions in shared statements with the same answers as alone. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetricRowsUse, metricRowsBound } from '../../../src/db/metric-rows-use.ts';
import { metricRowsUseSql } from '../../../src/db/runs.ts';
import { useTestDatabase } from './support.ts';
import { countStatements } from '../support/statement-count.ts';

const database = useTestDatabase();

/** A run of `tenantId` with `stored` metric rows, recording every `every`-th of `maxSteps` steps. */
async function run(tenantId: string, status: string, stored: number, maxSteps: number, every: number): Promise<string> {
  const id = randomUUID();
  const spec = { training: { maxSteps }, record: { every } };
  await database.pool.query(`INSERT INTO runs (id, tenant_id, status, spec, metric_rows) VALUES ($1, $2, $3::run_status, $4::jsonb, $5)`, [id, tenantId, status, JSON.stringify(spec), stored]);
  await database.pool.query(`INSERT INTO run_metrics (run_id, step, loss) SELECT $1, s, 1 FROM generate_series(1, $2::int) s`, [id, stored]);
  return id;
}

describe('metric rows use', () => {
  it('counts stored rows of finished runs and the larger of stored and bound of unfinished ones, for concurrent calls in shared statements', async () => {
    const first = await database.tenant('rows-a');
    const second = await database.tenant('rows-b');
    const empty = await database.tenant('rows-c');
    await run(first, 'completed', 7, 100, 10);
    const queued = await run(first, 'queued', 0, 100, 10);
    const running = await run(first, 'running', 5, 40, 20);
    await run(second, 'cancelled', 3, 1_000, 1);
    const over = await run(second, 'running', 12, 50, 10);

    const use = createMetricRowsUse(database.pool);
    const statements = countStatements(database.pool);
    const asked = [[first, queued], [first, running], [second, over], [empty, undefined], [first, undefined], [second, undefined]] as const;
    const answers = await Promise.all(asked.map(([tenantId, runId]) => use.of(tenantId, runId)));
    expect(statements.count).toBeLessThan(asked.length);
    // 7 stored + 11 reserved (100 steps, every 10th and the last) + 5 stored of 3 reserved (40 steps, every 20th).
    expect(answers).toEqual([
      { total: 23, run: { stored: 0, reserved: 11 } },
      { total: 23, run: { stored: 5, reserved: 5 } },
      { total: 15, run: { stored: 12, reserved: 12 } },
      { total: 0, run: null },
      { total: 23, run: null },
      { total: 15, run: null },
    ]);
    // Alone, the same.
    expect(await use.of(first, running)).toEqual(answers[1]);
  });

  it("stores each run's bound as metricRowsBound gives it from the spec (the generated column the sum reads)", async () => {
    const tenantId = await database.tenant('rows-bound');
    const specs = [
      {},
      { training: { maxSteps: 200 }, record: { every: 10 } },
      { training: { maxSteps: 5 }, record: { every: 100 } },
      { training: { maxSteps: 50_000 } },
      { training: { maxSteps: 500 } },
      { training: { epochs: 3 } },
      { training: { epochs: 3, maxSteps: 70 }, record: { every: 7 } },
      { training: { epochs: 3 }, record: { every: 7 } },
      { training: { maxSteps: 1e9 }, record: { every: 1 } },
      { record: { every: 1 } },
      { record: { every: 0 } },
      { training: { maxSteps: 'many' } },
      { record: { every: '10' } },
      // Beyond what a spec may hold (a sweep's failed trial keeps its sampler's spec): no bound, and the insert goes through.
      { training: { maxSteps: 1e20 }, record: { every: 1 } },
      { training: { maxSteps: 2e9 } },
      { training: { maxSteps: 1.5 } },
      { training: { epochs: null } },
      { training: { maxSteps: 100 }, record: { every: 1e20 } },
    ];
    const { rows } = await database.pool.query<{ bound: string | null }>(`
      INSERT INTO runs (id, tenant_id, spec) SELECT gen_random_uuid(), $1, spec FROM unnest($2::jsonb[]) WITH ORDINALITY AS s(spec, i)
      RETURNING metric_rows_bound AS bound`, [tenantId, specs.map((spec) => JSON.stringify(spec))]);
    expect(rows.map((row) => (row.bound === null ? null : Number(row.bound)))).toEqual(specs.map(metricRowsBound));
  });
});

describe("a tenant's finished runs in its metric rows use", () => {
  /** Rows the statement read from `runs` (returned or filtered out), by its plan as it ran. */
  async function runsRowsRead(tenantId: string): Promise<number> {
    const { rows: [explained] } = await database.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT ${metricRowsUseSql('$1::uuid')}`, [tenantId]);
    const read = (node: PlanNode): number => (node['Relation Name'] === 'runs'
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
      : 0) + (node.Plans ?? []).reduce((sum, child) => sum + read(child), 0);
    return read(explained!['QUERY PLAN'][0].Plan);
  }

  it('counts them as runs end, lose rows to retention and are deleted, without reading them', async () => {
    const tenantId = await database.tenant('rows-finished');
    const use = createMetricRowsUse(database.pool);
    const total = async () => (await use.of(tenantId)).total;
    // Unfinished, 5 stored of 3 reserved (40 steps, every 20th).
    const ending = await run(tenantId, 'running', 5, 40, 20);
    expect(await total()).toBe(5);
    // It ends with 2 more rows, as the worker's last slice stores them.
    await database.pool.query(`UPDATE runs SET status = 'completed', metric_rows = metric_rows + 2 WHERE id = $1`, [ending]);
    expect(await total()).toBe(7);
    // Retention deletes 3 of them; other updates of a finished run count nothing.
    await database.pool.query('UPDATE runs SET metric_rows = metric_rows - 3 WHERE id = $1', [ending]);
    await database.pool.query('UPDATE runs SET trial_value = 1, updated_at = now() WHERE id = $1', [ending]);
    expect(await total()).toBe(4);
    // A finished run deleted takes its rows with it; a failed one counts what it stored.
    const deleted = await run(tenantId, 'completed', 6, 100, 1);
    const failing = await run(tenantId, 'queued', 0, 100, 1);
    expect(await total()).toBe(4 + 6 + 100);
    await database.pool.query('DELETE FROM runs WHERE id = $1', [deleted]);
    await database.pool.query(`UPDATE runs SET status = 'failed' WHERE id = $1`, [failing]);
    expect(await total()).toBe(4);

    // A tenant with a thousand finished runs: the use reads its one unfinished run, none of the others.
    await database.pool.query(`
      INSERT INTO runs (id, tenant_id, status, spec, metric_rows)
      SELECT gen_random_uuid(), $1, 'completed', '{}', 2 FROM generate_series(1, 1000)`, [tenantId]);
    await run(tenantId, 'running', 1, 10, 1);
    // As autovacuum would, so that the planner knows the tenant has many runs.
    await database.pool.query('ANALYZE runs');
    expect(await total()).toBe(4 + 2_000 + 10);
    expect(await runsRowsRead(tenantId)).toBe(1);
  });
});

interface PlanNode {
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}
