/** A tenant's metric rows against its quota, read for concurrent submissions in shared statements with the same answers as alone. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetricRowsUse, metricRowsBound } from '../../../src/db/metric-rows-use.ts';
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
