/**
 * The hot tables' statistics: a pass analyzes a table whose rows changed beyond autovacuum's
 * analyze threshold since its last analysis, and a pass right after finds it up to date; a
 * table's own threshold is kept; a table whose lock is held is skipped after the lock timeout;
 * one process analyzes at a time; the worker's loop outlives a failed pass.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createTableStatistics } from '../../../src/db/table-statistics.ts';
import { startTableStatisticsLoop } from '../../../src/worker/table-statistics-loop.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

let services: TestServices;
let pool: Pool;
let tenantId: string;

interface RunsStatistics {
  readonly modified: number;
  readonly reltuples: number;
  readonly lastAnalyze: Date | null;
}

async function runsStatistics(): Promise<RunsStatistics> {
  const { rows: [row] } = await pool.query<{ modified: string; reltuples: number; last_analyze: Date | null }>(
    `SELECT s.n_mod_since_analyze AS modified, c.reltuples, s.last_analyze
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = 'runs'`);
  return { modified: Number(row!.modified), reltuples: row!.reltuples, lastAnalyze: row!.last_analyze };
}

/** The server's statistics are flushed by each backend asynchronously: waits, bounded, until `ready` holds. */
async function statisticsUntil(ready: (statistics: RunsStatistics) => boolean): Promise<RunsStatistics> {
  for (let attempt = 0; ; attempt++) {
    const statistics = await runsStatistics();
    if (ready(statistics) || attempt === 200) return statistics;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Inserts `count` finished runs and waits until the server's statistics count them as changed since the last analysis. */
async function insertRuns(count: number): Promise<void> {
  const { modified } = await runsStatistics();
  const client = await pool.connect();
  try {
    await client.query(
      `INSERT INTO runs (id, tenant_id, status, spec, finished_at)
       SELECT gen_random_uuid(), $1, 'completed', '{}', now() FROM generate_series(1, $2::int)`, [tenantId, count]);
    await client.query('SELECT pg_stat_force_next_flush()');
    await client.query('SELECT 1');
  } finally {
    client.release();
  }
  const changed = await statisticsUntil((current) => current.modified >= modified + count);
  expect(changed.modified).toBeGreaterThanOrEqual(modified + count);
}

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 3);
  const { tenantName } = await createTenantKey(services.database, 'statistics');
  ({ rows: [{ id: tenantId }] } = await pool.query('SELECT id FROM tenants WHERE name = $1', [tenantName]));
  // Whatever the server's settings, autovacuum must not analyze the table in the test's stead.
  await pool.query('ALTER TABLE runs SET (autovacuum_enabled = false)');
});
afterAll(async () => {
  await pool.query('ALTER TABLE runs RESET (autovacuum_enabled)');
  await pool.end();
  await services.close();
});

describe('table statistics', () => {
  it('analyzes a table changed beyond autovacuum\'s threshold, and then finds it up to date', async () => {
    const statistics = createTableStatistics(pool, { tables: ['runs'] });
    // Up to date first, whatever the other tests did to the table.
    await pool.query('ANALYZE runs');
    const before = await runsStatistics();
    const { rows: [threshold] } = await pool.query<{ rows: number }>(
      `SELECT ceil(current_setting('autovacuum_analyze_threshold')::float8
                   + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest($1::float8, 0))::int AS rows`, [before.reltuples]);
    const inserted = 2 * threshold!.rows + 1_000;
    await insertRuns(inserted);

    const pass = await statistics.refresh();
    expect(pass).toEqual({ ran: true, analyzed: ['runs'], skipped: [] });
    const after = await runsStatistics();
    expect(after.lastAnalyze).not.toBeNull();
    expect(after.lastAnalyze!.getTime()).toBeGreaterThan(before.lastAnalyze?.getTime() ?? 0);
    expect(after.reltuples).toBeGreaterThanOrEqual(before.reltuples + inserted);
    expect(after.modified).toBeLessThan(threshold!.rows);

    expect(await statistics.refresh()).toEqual({ ran: true, analyzed: [], skipped: [] });
    expect((await runsStatistics()).lastAnalyze).toEqual(after.lastAnalyze);
  });

  it('keeps a table\'s own analyze threshold over the server\'s', async () => {
    const statistics = createTableStatistics(pool, { tables: ['runs'] });
    await pool.query('ANALYZE runs');
    await pool.query('ALTER TABLE runs SET (autovacuum_analyze_threshold = 100000000, autovacuum_analyze_scale_factor = 0)');
    try {
      await insertRuns(1_000);
      expect(await statistics.refresh()).toEqual({ ran: true, analyzed: [], skipped: [] });
      await pool.query('ALTER TABLE runs SET (autovacuum_analyze_threshold = 500)');
      expect(await statistics.refresh()).toEqual({ ran: true, analyzed: ['runs'], skipped: [] });
    } finally {
      await pool.query('ALTER TABLE runs RESET (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor)');
    }
  });

  it('skips a table whose lock is held past the lock timeout, and analyzes it at the next pass', async () => {
    const statistics = createTableStatistics(pool, { tables: ['runs'], lockTimeoutMs: 100 });
    await pool.query('ANALYZE runs');
    await insertRuns(20_000);
    const holder = await pool.connect();
    try {
      // What a VACUUM, another ANALYZE or a migration's ALTER TABLE would hold.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE runs IN SHARE UPDATE EXCLUSIVE MODE');
      expect(await statistics.refresh()).toEqual({ ran: true, analyzed: [], skipped: ['runs'] });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await statistics.refresh()).toEqual({ ran: true, analyzed: ['runs'], skipped: [] });
  });

  it('one process at a time: a pass finding the lock held does nothing', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707371)');
      expect(await createTableStatistics(pool, { tables: ['runs'] }).refresh()).toEqual({ ran: false, analyzed: [], skipped: [] });
    } finally {
      await holder.query('SELECT pg_advisory_unlock(72707371)');
      holder.release();
    }
  });

  it('the loop passes at once when it starts, logs a failed pass and passes again', async () => {
    let passes = 0;
    const statistics = {
      refresh: vi.fn(async () => {
        passes++;
        if (passes === 1) throw new Error('connection terminated unexpectedly');
        return { ran: true, analyzed: ['runs'], skipped: [] };
      }),
    };
    const logger = { info: vi.fn(), warn: vi.fn() };
    const stop = startTableStatisticsLoop({ statistics, intervalMs: 10, logger });
    await vi.waitFor(() => expect(logger.info).toHaveBeenCalledWith({ tables: ['runs'] }, expect.any(String)), { timeout: 5_000 });
    await stop();
    expect(logger.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.any(String));
    expect(passes).toBeGreaterThanOrEqual(2);
  });
});
