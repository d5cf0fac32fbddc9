/**
 * Integration tests run against the real PostgreSQL and Redis (the database of TEST_DATABASE_URL,
 * see test/support/test-database.ts, and REDIS_URL). Each test file gets its own queue prefix
 * and its own tenants, so files never see each other's data.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { loadConfig, type Config } from '../../../src/config/config.ts';
import { createApiKeyRepository } from '../../../src/db/api-keys.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { migrate } from '../../../src/db/migrator.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { deploymentKey } from '../../../src/queue/deployment-claim.ts';
import { createRunsQueue, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';


export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    DATABASE_URL: testDatabaseUrl,
    QUEUE_PREFIX: `test-${randomUUID()}`,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestServices {
  readonly config: Config;
  readonly database: Database;
  readonly redis: Redis;
  readonly runsQueue: RunsQueue;
  close(): Promise<void>;
}

let migrated: Promise<unknown> | undefined;

/** Migrates the test database (once per file) and opens connections with a queue prefix of their own. */
export async function openTestServices(overrides: Record<string, string> = {}): Promise<TestServices> {
  const config = testConfig(overrides);
  migrated ??= migrate({ databaseUrl: config.databaseUrl });
  await migrated;
  const database = createDatabase(config.databaseUrl, config.databaseStatementTimeoutMs);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  return {
    config,
    database,
    redis,
    runsQueue,
    async close() {
      await runsQueue.obliterate({ force: true });
      await redis.del(deploymentKey(config.queuePrefix));
      await runsQueue.close();
      await closeRedis(redis);
      await database.$disconnect();
    },
  };
}

export function buildTestApp(services: TestServices): Promise<FastifyInstance> {
  return buildApp(services, { logger: false });
}

/** A fresh tenant with one key; returns the `authorization` header for it. */
export async function createTenantKey(database: Database, label = 'tenant'): Promise<{ tenantName: string; key: string; authorization: string }> {
  const tenantName = `${label}-${randomUUID()}`;
  const { key } = await createApiKeyRepository(database).create(tenantName);
  return { tenantName, key, authorization: `Bearer ${key}` };
}

/** The minimal spec of PRODUCT.md. */
export const minimalSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 500 },
} satisfies RunSpecInput;

export interface TestApp {
  readonly services: TestServices;
  readonly app: FastifyInstance;
}

/** Opens services and builds an app before the file's tests, and closes both after them. */
export function useTestApp(overrides: Record<string, string> = {}): TestApp {
  const context: { services?: TestServices; app?: FastifyInstance } = {};
  beforeAll(async () => {
    context.services = await openTestServices(overrides);
    context.app = await buildTestApp(context.services);
  });
  afterAll(async () => {
    await context.app?.close();
    await context.services?.close();
  });
  return {
    get services() {
      return context.services!;
    },
    get app() {
      return context.app!;
    },
  };
}

export interface TestTenantPool {
  readonly services: TestServices;
  /** A node-postgres pool of two connections. */
  readonly pool: Pool;
  /** A fresh tenant, for tests that store its rows themselves. */
  readonly tenantId: string;
}

/** Opens services, a pool and a fresh tenant before the file's tests, and closes them after (after the file's own afterAll). */
export function useTestTenantPool(label: string): TestTenantPool {
  const context: { services?: TestServices; pool?: Pool; tenantId?: string } = {};
  beforeAll(async () => {
    context.services = await openTestServices();
    context.pool = createPool(context.services.config.databaseUrl, 2);
    const { tenantName } = await createTenantKey(context.services.database, label);
    context.tenantId = (await context.services.database.tenant.findUniqueOrThrow({ where: { name: tenantName }, select: { id: true } })).id;
  });
  afterAll(async () => {
    await context.pool?.end();
    await context.services?.close();
  });
  return {
    get services() {
      return context.services!;
    },
    get pool() {
      return context.pool!;
    },
    get tenantId() {
      return context.tenantId!;
    },
  };
}
