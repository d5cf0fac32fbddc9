/** The servers the service benchmarks use: a migrated bench database and Redis, with a fresh queue prefix. */
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { migrate } from '../../src/db/migrator.ts';

export const benchDatabaseUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/descent_bench';

/** Settings for a bench suite: no rate limit to speak of, silent logs, its own queue prefix. */
export async function benchConfig(): Promise<Config> {
  await migrate({ databaseUrl: benchDatabaseUrl });
  return loadConfig({
    ...process.env,
    DATABASE_URL: benchDatabaseUrl,
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    HOST: '127.0.0.1',
    PORT: '0',
  });
}
