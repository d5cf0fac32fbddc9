/** A separate `descent worker` process on a test's queues, with short locks so a dead one is noticed fast. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testDatabaseUrl } from '../../support/test-database.ts';
import type { TestServices } from './services.ts';

const binary = fileURLToPath(new URL('../../../bin/descent.js', import.meta.url));

export function spawnWorkerProcess(services: TestServices, env: Record<string, string> = {}, stderr: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return spawn(process.execPath, [binary, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: services.config.redisUrl,
      QUEUE_PREFIX: services.config.queuePrefix,
      WORKER_CONCURRENCY: '1',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'inherit', stderr],
  });
}
