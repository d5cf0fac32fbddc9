import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunsQueue, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { createTenantKey, minimalSpec, openTestServices, testConfig, type TestServices } from '../support/services.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { eventually } from '../../support/eventually.ts';

describe('POST /v1/runs while Redis is down', () => {
  let services: TestServices;
  let redisProxy: TcpProxy;
  let redis: Redis;
  let runsQueue: RunsQueue;
  let app: FastifyInstance;

  beforeAll(async () => {
    services = await openTestServices();
    const redisUrl = new URL(services.config.redisUrl);
    redisProxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    redisUrl.hostname = '127.0.0.1';
    redisUrl.port = String(redisProxy.port);
    const config = testConfig({ REDIS_URL: redisUrl.toString(), QUEUE_PREFIX: services.config.queuePrefix });
    redis = createRedis(config.redisUrl, 'fail-fast');
    runsQueue = createRunsQueue(redis, config.queuePrefix);
    app = await buildApp({ config, database: services.database, redis, runsQueue }, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await runsQueue.close().catch(() => undefined);
    await closeRedis(redis);
    await redisProxy.close();
    await services.close();
  });

  it('answers 503 to every concurrent submission, keeping only the runs a retry with their key will queue', async () => {
    const tenant = await createTenantKey(services.database, 'redis-down');
    const keys = [randomUUID(), randomUUID()];
    const submit = (i: number) => app.inject({
      method: 'POST', url: '/v1/runs', payload: { ...minimalSpec, training: { maxSteps: i + 1 } },
      headers: { authorization: tenant.authorization, ...(i < keys.length ? { 'idempotency-key': keys[i]! } : {}) },
    });
    await redisProxy.stop();

    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));

    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 503));
    expect(responses[0]!.json()).toMatchObject({ code: 'queue_unavailable' });
    const stored = await services.database.run.findMany({ where: { tenant: { name: tenant.tenantName } } });
    expect(stored.map((run) => run.idempotencyKey).sort()).toEqual([...keys].sort());

    await redisProxy.start();
    for (let i = 0; i < keys.length; i++) {
      // The connection comes back by itself within a moment.
      const retried = await eventually(() => submit(i), (answer) => answer.statusCode !== 503, { timeoutMs: 5_000, intervalMs: 100 });
      expect(retried.statusCode).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect((await services.runsQueue.getJob(retried.json().id))?.data).toEqual({ runId: retried.json().id, tenantId: stored[0]!.tenantId });
    }
  });
});
