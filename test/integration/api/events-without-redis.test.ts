/**
 * Live events while Redis is away: a stream whose subscription is lost ends with a `reconnect`
 * hint instead of falling silent, and a stream opened while Redis is unreachable is told to come
 * back within seconds instead of hanging. The app's live events reach Redis through a relay the
 * test cuts; the shared server is never touched.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { createTenantKey, minimalSpec, openTestServices, testConfig, type TestServices } from '../support/services.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';

describe('run events while Redis is away', () => {
  let services: TestServices;
  let proxy: TcpProxy;
  let app: FastifyInstance;
  let authorization: string;
  let runId: string;

  beforeAll(async () => {
    services = await openTestServices();
    const relay = await relayTo(services.config.redisUrl);
    proxy = relay.proxy;
    const config = testConfig({ REDIS_URL: relay.url, QUEUE_PREFIX: services.config.queuePrefix });
    app = await buildApp({ config, database: services.database, redis: services.redis, runsQueue: services.runsQueue }, { logger: false });
    ({ authorization } = await createTenantKey(services.database, 'events-redis'));
    runId = (await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec })).json().id;
  });
  afterAll(async () => {
    await app.close();
    await proxy.close();
    await services.close();
  });

  const follow = () => app.inject({ method: 'GET', url: `/v1/runs/${runId}/events`, headers: { authorization } });

  it('ends a stream with a reconnect hint when the subscription is lost', async () => {
    const response = follow();
    // The stream is open (subscribed, its opening status sent) before Redis goes away.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await proxy.stop();
    const body = (await response).body;
    expect(body).toContain('event: status');
    expect(body).toMatch(/retry: \d+\nevent: reconnect\ndata: \{"reason":"live events interrupted"/);
    await proxy.start();
  });

  it('tells a client to come back, instead of hanging, when Redis is unreachable', async () => {
    await proxy.stop();
    const body = (await follow()).body;
    expect(body).toMatch(/event: reconnect\ndata: \{"reason":"live events unavailable"/);
    await proxy.start();
  });
});
