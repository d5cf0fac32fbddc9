/**
 * The setting of the fault-injection tests: a PostgreSQL and a Redis of the file's own
 * (../support/private-services.ts), the services and the API over them, a tenant's key, a pool
 * of the test's own straight to PostgreSQL, and the worker processes a test starts, killed after
 * the file's tests.
 */
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '../support/private-services.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';

export interface FaultServices {
  readonly postgres: PrivatePostgres;
  /** Keeps an append-only file: a restart finds its queues again, unless killed with `wipe`. */
  readonly redis: PrivateRedis;
  readonly services: TestServices;
  readonly app: FastifyInstance;
  /** The `authorization` header of the file's tenant. */
  readonly authorization: string;
  /** The test's own connections, straight to PostgreSQL. */
  readonly reader: Pool;
  /** A `descent worker` process over the private servers, with `env` added. */
  startWorker(env?: Record<string, string>): ChildProcess;
}

/**
 * Sets the servers and services up before the file's tests (the services' configuration with
 * `overrides`) and tears them down after; the fields are set once the file's beforeAll hooks have run.
 */
export function useFaultServices(overrides: Record<string, string> = {}): FaultServices {
  const context = {} as { -readonly [Field in keyof FaultServices]: FaultServices[Field] };
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    context.postgres = await startPrivatePostgres();
    context.redis = await startPrivateRedis({ persistent: true });
    context.services = await openTestServices({ DATABASE_URL: context.postgres.url, REDIS_URL: context.redis.url, ...overrides });
    context.app = await buildTestApp(context.services);
    ({ authorization: context.authorization } = await createTenantKey(context.services.database, 'faults'));
    context.reader = createPool(context.postgres.url, 3);
    context.startWorker = (env = {}) => {
      const child = spawnWorkerProcess(context.services, { DATABASE_URL: context.postgres.url, REDIS_URL: context.redis.url, ...env });
      workers.push(child);
      return child;
    };
  }, 120_000);
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await context.app?.close();
    await context.services?.close().catch(() => undefined);
    await context.reader?.end();
    await context.redis?.close();
    await context.postgres?.close();
  }, 60_000);
  return context;
}
