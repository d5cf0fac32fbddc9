/** The servers the service benchmarks use: a migrated bench database and Redis, with a fresh queue prefix. */
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { migrate } from '../../src/db/migrator.ts';
import { createPool } from '../../src/db/pool.ts';

export const benchDatabaseUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/descent_bench';

/** The tables runs write, cleaned of what earlier suites deleted so no vacuum runs while a suite measures. */
export const runTables = 'runs, run_metrics, metric_rollups, checkpoints';

/**
 * Settings for a bench suite: no rate limit or backlog quota to speak of (one tenant submits
 * thousands of runs at once), silent logs, its own queue prefix; the database migrated and
 * vacuumed first.
 */
export async function benchConfig(): Promise<Config> {
  await migrate({ databaseUrl: benchDatabaseUrl });
  const pool = createPool(benchDatabaseUrl, 1);
  await pool.query(`VACUUM (ANALYZE) ${runTables}`).finally(() => pool.end());
  return loadConfig({
    ...process.env,
    DATABASE_URL: benchDatabaseUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    TENANT_MAX_ACTIVE_RUNS: '10000000',
    HOST: '127.0.0.1',
    PORT: '0',
  });
}
