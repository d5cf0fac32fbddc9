/** A separate `descent worker` process on a test's queues, with short locks so a dead one is noticed fast. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testDatabaseUrl } from '../../support/test-database.ts';
import type { TestServices } from './services.ts';

const binary = fileURLToPath(new URL('../../../bin/descent.js', import.meta.url));

function workerEnvironment(services: TestServices): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: testDatabaseUrl,
    REDIS_URL: services.config.redisUrl,
    QUEUE_PREFIX: services.config.queuePrefix,
    WORKER_CONCURRENCY: '1',
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    LOG_LEVEL: 'error',
  };
}

export function spawnWorkerProcess(services: TestServices, env: Record<string, string> = {}, stderr: 'inherit' | 'pipe' = 'inherit', stdout: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return spawn(process.execPath, [binary, 'worker'], {
    env: { ...workerEnvironment(services), ...env },
    stdio: ['ignore', stdout, stderr],
  });
}

/**
 * A worker process, resolved once it has started every one of its workers (its `worker started`
 * line, logged after the replica and sweep workers run). Counting the queue's registered workers
 * is not enough: a process registers before it has finished starting, and on a busy machine the
 * rest of its start can take longer than a short run.
 */
export async function spawnStartedWorkerProcess(services: TestServices, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [binary, 'worker'], {
    env: { ...workerEnvironment(services), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (!seen.includes('"msg":"worker started"')) return;
      child.stdout!.off('data', onData);
      // Keep draining what it logs, so a full pipe never blocks it.
      child.stdout!.resume();
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it started`)));
  });
  return child;
}
