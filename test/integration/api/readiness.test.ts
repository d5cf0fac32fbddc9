import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunsQueue, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { openTestServices, testConfig, type TestServices } from '../support/services.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** Polls /readyz until it gives `status` (reconnection takes a moment), or returns the last answer. */
async function readinessUntil(app: FastifyInstance, status: number) {
  let response = await app.inject({ method: 'GET', url: '/readyz' });
  for (let attempt = 0; attempt < 100 && response.statusCode !== status; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    response = await app.inject({ method: 'GET', url: '/readyz' });
  }
  return response;
}

describe('/readyz', () => {
  let services: TestServices;
  let postgresProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let database: Database;
  let redis: Redis;
  let runsQueue: RunsQueue;
  let app: FastifyInstance;

  beforeAll(async () => {
    services = await openTestServices();
    const databaseUrl = new URL(services.config.databaseUrl);
    const redisUrl = new URL(services.config.redisUrl);
    postgresProxy = await startTcpProxy(databaseUrl.hostname, Number(databaseUrl.port || 5432));
    redisProxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    databaseUrl.hostname = '127.0.0.1';
    databaseUrl.port = String(postgresProxy.port);
    redisUrl.hostname = '127.0.0.1';
    redisUrl.port = String(redisProxy.port);
    const config = testConfig({ DATABASE_URL: databaseUrl.toString(), REDIS_URL: redisUrl.toString(), READINESS_TIMEOUT_MS: '1000' });
    database = createDatabase(config.databaseUrl);
    redis = createRedis(config.redisUrl, 'fail-fast');
    runsQueue = createRunsQueue(redis, config.queuePrefix);
    app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await runsQueue.close().catch(() => undefined);
    await closeRedis(redis);
    await database.$disconnect();
    await postgresProxy.close();
    await redisProxy.close();
    await services.close();
  });

  it('is ready when both services answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', services: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it('names Redis when Redis is down, and recovers by itself when it returns', async () => {
    await redisProxy.stop();
    const down = await readinessUntil(app, 503);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not_ready', services: { postgres: { ok: true }, redis: { ok: false } } });
    expect(down.json().detail).toMatch(/^Redis is unreachable at 127\.0\.0\.1:\d+/);
    expect(down.json().detail).not.toMatch(/PostgreSQL/);
    // Liveness does not depend on the services.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await redisProxy.start();
    expect((await readinessUntil(app, 200)).statusCode).toBe(200);
  });

  it('names PostgreSQL when PostgreSQL is down, and recovers by itself when it returns', async () => {
    await postgresProxy.stop();
    const down = await readinessUntil(app, 503);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not_ready', services: { postgres: { ok: false }, redis: { ok: true } } });
    expect(down.json().detail).toMatch(/^PostgreSQL is unreachable at 127\.0\.0\.1:\d+\/descent/);

    await postgresProxy.start();
    expect((await readinessUntil(app, 200)).statusCode).toBe(200);
  });
});
