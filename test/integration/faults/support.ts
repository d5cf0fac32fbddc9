/**
 * The setting of the fault-injection tests: a PostgreSQL and a Redis of the file's own
 * (../support/private-services.ts), the services and the API over them, a tenant's key, a pool
 * of the test's own straight to PostgreSQL, and the worker processes a test starts, killed after
 * the file's tests.
 */
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import type { SliceSettings } from '../../../src/worker/processors/run-slices.ts';
import { startWorker, type RunningWorker } from '../../../src/worker/worker.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';
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
  /** A `descent worker` process over the private servers, with `env` added, killed when the test ends; `log`, when given, collects its log lines. */
  startWorker(env?: Record<string, string>, log?: string[]): ChildProcess;
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
    context.startWorker = (env = {}, log) => {
      const child = spawnWorkerProcess(context.services, { DATABASE_URL: context.postgres.url, REDIS_URL: context.redis.url, ...env }, 'inherit', log ? 'pipe' : 'inherit');
      workers.push(child);
      // Ended with the test that started it, passed or failed: a worker left running would take the next test's runs.
      onTestFinished(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      if (log) {
        let partial = '';
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop()!;
          log.push(...lines);
        });
      }
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

export interface InProcessWorkers {
  /** The relay through which these workers reach PostgreSQL, which a test cuts. */
  readonly proxy: TcpProxy;
  /**
   * Starts a worker in the test's process, closed once the test ends; `log` collects its log
   * lines, `failed` the errors of its jobs' failed attempts.
   */
  start(log?: string[]): Promise<{ readonly worker: RunningWorker['worker']; readonly failed: readonly string[] }>;
}

/** Run workers in the test's own process over the file's servers, with `slices`, set up before the file's tests. */
export function useInProcessWorkers(faults: FaultServices, slices: SliceSettings): InProcessWorkers {
  let proxy: TcpProxy;
  let database: Database;
  let pool: Pool;
  beforeAll(async () => {
    const relay = await relayTo(faults.postgres.url);
    proxy = relay.proxy;
    database = createDatabase(relay.url);
    pool = createPool(relay.url, 4);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.$disconnect();
    await proxy?.close();
  });
  return {
    get proxy() {
      return proxy;
    },
    async start(log = []) {
      const connection = createRedis(faults.redis.url, 'wait-for-redis');
      const running = await startWorker({
        config: { ...faults.services.config, workerConcurrency: 2 },
        connection,
        processors: { run: createRunProcessor({ database, pool, redis: connection, queuePrefix: faults.services.config.queuePrefix, slices }) },
        logger: createLogger('info', (line) => log.push(line)),
        outageDelays: { firstMs: 50, maxMs: 500 },
      });
      const failed: string[] = [];
      running.worker.on('failed', (_job, error) => failed.push(error.message));
      onTestFinished(async () => {
        await running.close();
        await closeRedis(connection);
      });
      return { worker: running.worker, failed };
    },
  };
}

/** Backends of the file's PostgreSQL waiting for a lock that the backend `pid` holds (or waits for ahead of them). */
export async function waitingFor(faults: FaultServices, pid: number): Promise<number[]> {
  const { rows } = await faults.reader.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
  return rows.map((row) => row.pid);
}

export interface HeldSlices {
  /** The backends whose slice statements wait. */
  waiting(): Promise<number[]>;
  /** Later statements go through; those waiting go on waiting. */
  stop(): Promise<void>;
  /** Those waiting go on. */
  release(): Promise<void>;
}

/**
 * Makes the slice statements of the running run `id` wait, once they have locked its row and
 * written its rows, at an advisory lock the test holds (a trigger on the update of the run row),
 * until `release` or the test's end; a run's first slice, which finds it queued, goes through.
 */
export async function holdRunningSlices(faults: FaultServices, id: string): Promise<HeldSlices> {
  const holder = await faults.reader.connect();
  onTestFinished(async () => {
    await faults.reader.query('DROP TRIGGER IF EXISTS hold_slice ON runs; DROP FUNCTION IF EXISTS hold_slice()');
    holder.release(true);
  });
  await holder.query('SELECT pg_advisory_lock(7)');
  await faults.reader.query(`
    CREATE FUNCTION hold_slice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.id = '${id}' AND OLD.status = 'running' THEN PERFORM pg_advisory_xact_lock(7); END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER hold_slice BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION hold_slice();`);
  const { rows: [{ pid }] } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return {
    waiting: () => waitingFor(faults, pid),
    // Replaced, not dropped: dropping the trigger would wait for the statements it holds.
    stop: async () => void await faults.reader.query('CREATE OR REPLACE FUNCTION hold_slice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$'),
    release: async () => void await holder.query('SELECT pg_advisory_unlock(7)'),
  };
}
