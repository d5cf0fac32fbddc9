/** A tenant's metric rows against its quota, read for concurrent submissions in shared statements with the same answers as alone. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMetricRowsUse, metricRowsBound } from '../../../src/db/metric-rows-use.ts';
import { metricRowsUseSql } from '../../../src/db/runs.ts';
import { createPool } from '../../../src/db/pool.ts';
import { activeRunStatuses, runStatuses } from '../../../src/contracts/run-status.ts';
import { useTestDatabase } from './support.ts';
import { countStatements } from '../support/statement-count.ts';
import { tableRowsRead, type PlanNode } from './plan-rows.ts';

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

  it("stores each run's bound as metricRowsBound gives it from the spec (the column the sum reads)", async () => {
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
    expect(rows.map((row) => (row.bound === null ? null : Number(row.bound)))).toEqual(specs.map((spec) => metricRowsBound(spec)));
  });

  it("computes a run's bound as it is stored or its spec is written, never at the worker's updates of its progress and status", async () => {
    const tenantId = await database.tenant('rows-bound-updates');
    const id = await run(tenantId, 'queued', 0, 200, 10);
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      // Within this transaction only, computing any bound fails.
      await client.query(`CREATE OR REPLACE FUNCTION spec_count(value jsonb) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN RAISE EXCEPTION 'bound computed'; END $$`);
      await client.query(`UPDATE runs SET status = 'completed', progress = '{"step": 200}', metric_rows = metric_rows + 21, attempts = attempts + 1,
        started_at = now(), finished_at = now(), updated_at = now() WHERE id = $1`, [id]);
      const { rows: [kept] } = await client.query<{ bound: string }>('SELECT metric_rows_bound AS bound FROM runs WHERE id = $1', [id]);
      expect(Number(kept!.bound)).toBe(21);
      await expect(client.query(`UPDATE runs SET spec = '{"training": {"maxSteps": 50}}' WHERE id = $1`, [id])).rejects.toThrow('bound computed');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // A spec written (never by the service, which stores a run's spec once) or a bound set by hand: the bound is its spec's again.
    await database.pool.query(`UPDATE runs SET spec = '{"training": {"maxSteps": 50}, "record": {"every": 5}}' WHERE id = $1`, [id]);
    await database.pool.query('UPDATE runs SET metric_rows_bound = 1 WHERE id = $1', [id]);
    const { rows: [again] } = await database.pool.query<{ bound: string }>('SELECT metric_rows_bound AS bound FROM runs WHERE id = $1', [id]);
    expect(Number(again!.bound)).toBe(11);
  });
});

describe("a run's bound given as it is stored", () => {
  it('is kept when lower than its spec\'s, capped at its spec\'s when higher, and its spec\'s again once the spec or the bound is written', async () => {
    const tenantId = await database.tenant('rows-bound-given');
    const spec = JSON.stringify({ training: { epochs: 3 }, record: { every: 1 } });
    const stored = async (given: number | null) => {
      const { rows: [row] } = await database.pool.query<{ id: string; bound: string }>(
        `INSERT INTO runs (id, tenant_id, spec, metric_rows_bound) VALUES (gen_random_uuid(), $1, $2::jsonb, $3) RETURNING id, metric_rows_bound AS bound`, [tenantId, spec, given]);
      return { id: row!.id, bound: Number(row!.bound) };
    };
    expect((await stored(null)).bound).toBe(1e9);
    expect((await stored(15)).bound).toBe(15);
    expect((await stored(2e9)).bound).toBe(1e9);
    const { id } = await stored(15);
    await database.pool.query('UPDATE runs SET metric_rows_bound = 7 WHERE id = $1', [id]);
    const { rows: [again] } = await database.pool.query<{ bound: string }>('SELECT metric_rows_bound AS bound FROM runs WHERE id = $1', [id]);
    expect(Number(again!.bound)).toBe(1e9);
  });
});

describe("a tenant's finished runs in its metric rows use", () => {
  /** Rows the statement read from `runs` (returned or filtered out), by its plan as it ran. */
  async function runsRowsRead(tenantId: string): Promise<number> {
    const { rows: [explained] } = await database.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT ${metricRowsUseSql('$1::uuid')}`, [tenantId]);
    return tableRowsRead('runs', explained!['QUERY PLAN'][0].Plan);
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

    // A tenant with a thousand finished runs: the use reads unfinished runs only, none of those.
    await database.pool.query(`
      INSERT INTO runs (id, tenant_id, status, spec, metric_rows)
      SELECT gen_random_uuid(), $1, 'completed', '{}', 2 FROM generate_series(1, 1000)`, [tenantId]);
    await run(tenantId, 'running', 1, 10, 1);
    // As autovacuum would, so that the planner knows the tenant has many runs.
    await database.pool.query('ANALYZE runs');
    expect(await total()).toBe(4 + 2_000 + 10);
    // Its one unfinished run through the index on tenant and status; while the database holds few
    // unfinished runs (other tests' tenants'), the planner may read them all through the index of
    // unfinished runs instead, filtering on the tenant: either way not one finished run.
    const { rows: [unfinished] } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE status IN ('queued', 'running')`);
    const read = await runsRowsRead(tenantId);
    expect(read).toBeGreaterThanOrEqual(1);
    expect(read).toBeLessThanOrEqual(unfinished!.n);
  });
});

describe("a tenant's finished rows kept as workers end runs at once", () => {
  it("counts a run's rows in every status but the contract's unfinished ones, as runs are inserted, updated and deleted", async () => {
    const tenantId = await database.tenant('rows-statuses');
    const finished = runStatuses.filter((status) => !activeRunStatuses.includes(status)).length;
    const sums = async () => Number((await database.pool.query<{ rows: string | null }>(
      'SELECT sum(rows) AS rows FROM tenant_metric_rows WHERE tenant_id = $1', [tenantId])).rows[0]!.rows ?? 0);
    // One run in each status with 1 row, then 3, then moved to each other status, then deleted.
    await database.pool.query(`INSERT INTO runs (id, tenant_id, status, spec, metric_rows) SELECT gen_random_uuid(), $1, s, '{}', 1 FROM unnest($2::run_status[]) s`, [tenantId, runStatuses]);
    expect(await sums()).toBe(finished);
    await database.pool.query('UPDATE runs SET metric_rows = 3 WHERE tenant_id = $1', [tenantId]);
    expect(await sums()).toBe(3 * finished);
    for (const status of runStatuses) {
      await database.pool.query('UPDATE runs SET status = $2 WHERE tenant_id = $1', [tenantId, status]);
      expect(await sums()).toBe(activeRunStatuses.includes(status) ? 0 : 3 * runStatuses.length);
    }
    await database.pool.query('DELETE FROM runs WHERE tenant_id = $1', [tenantId]);
    expect(await sums()).toBe(0);
  });

  /**
   * A run id whose order among a statement's runs is `place` and whose shard (its last byte mod
   * 16, as the sums are kept) is `shard`; `statement` and a random part keep ids apart.
   */
  const runId = (place: number, statement: number, shard: number) =>
    `${hex(place, 8)}-${hex(statement, 4)}-4000-8000-${randomUUID().slice(-10)}${hex(shard, 2)}`;
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

  it('ends runs of clashing shard orders from concurrent statements without a deadlock, and keeps the sums exact', async () => {
    const tenantId = await database.tenant('rows-concurrent');
    const workers = 4;
    const rounds = 12;
    const perStatement = 32;
    // Worker w's statements end 32 runs in id order, their shards rising for even workers and
    // falling for odd ones, the shape of the metrics writer's batch statement (runs locked in id order).
    const statements = Array.from({ length: workers }, (_, w) => Array.from({ length: rounds }, (_, r) =>
      Array.from({ length: perStatement }, (_, j) => runId(j, w * rounds + r, w % 2 === 0 ? j % 16 : 15 - (j % 16)))));
    const ids = statements.flat(2);
    await database.pool.query(`INSERT INTO runs (id, tenant_id, status, spec, metric_rows) SELECT id, $2, 'running', '{}', 1 FROM unnest($1::uuid[]) id`, [ids, tenantId]);
    const pool = createPool(database.services.config.databaseUrl, workers);
    const errors: unknown[] = [];
    try {
      await Promise.all(statements.map(async (worker) => {
        for (const runs of worker) {
          await pool.query(`
            WITH input AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS i(run_id, metric_rows)),
                 run AS (SELECT id FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
            UPDATE runs SET status = 'completed', metric_rows = runs.metric_rows + input.metric_rows, finished_at = now(), updated_at = now()
              FROM input JOIN run ON run.id = input.run_id WHERE runs.id = input.run_id`,
          [runs, runs.map((_, j) => j + 1)]).catch((error: unknown) => errors.push(error));
        }
      }));
    } finally {
      await pool.end();
    }
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([]);
    const expected = workers * rounds * (perStatement + (perStatement * (perStatement + 1)) / 2);
    expect((await createMetricRowsUse(database.pool).of(tenantId)).total).toBe(expected);

    // Half of them deleted in one statement, then the tenant with the rest.
    await database.pool.query(`DELETE FROM runs WHERE tenant_id = $1 AND get_byte(uuid_send(id), 15) % 2 = 0`, [tenantId]);
    const { rows: [kept] } = await database.pool.query<{ runs: string; sums: string }>(`
      SELECT (SELECT sum(metric_rows) FROM runs WHERE tenant_id = $1) AS runs,
             (SELECT sum(rows) FROM tenant_metric_rows WHERE tenant_id = $1) AS sums`, [tenantId]);
    expect(Number(kept!.sums)).toBe(Number(kept!.runs));
    await database.pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
    const { rows: [gone] } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tenant_metric_rows WHERE tenant_id = $1', [tenantId]);
    expect(gone!.n).toBe(0);
  });
});
