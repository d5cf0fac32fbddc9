/**
 * The API while PostgreSQL is down: every route that needs the database answers 503
 * `database_unavailable` with `Retry-After`, never a 500, and recovers by itself. The app
 * reaches the database through a relay the test cuts; the shared server is never touched.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createTenantKey, minimalSpec, openTestServices, testConfig, type TestServices } from '../support/services.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';

describe('the API while PostgreSQL is down', () => {
  let services: TestServices;
  let proxy: TcpProxy;
  let database: Database;
  let app: FastifyInstance;
  let authorization: string;
  let runId: string;

  beforeAll(async () => {
    services = await openTestServices();
    const relay = await relayTo(services.config.databaseUrl);
    proxy = relay.proxy;
    const config = testConfig({ DATABASE_URL: relay.url, QUEUE_PREFIX: services.config.queuePrefix });
    database = createDatabase(config.databaseUrl);
    app = await buildApp({ config, database, redis: services.redis, runsQueue: services.runsQueue }, { logger: false });
    ({ authorization } = await createTenantKey(services.database, 'database-down'));
    const created = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    expect(created.statusCode).toBe(201);
    runId = created.json().id;
  });
  afterAll(async () => {
    await app.close();
    await database.$disconnect();
    await proxy.close();
    await services.close();
  });

  it('answers 503 database_unavailable with Retry-After on every route that needs it, then recovers', async () => {
    await proxy.stop();
    const requests = [
      { method: 'GET', url: '/v1/runs' },
      { method: 'GET', url: `/v1/runs/${runId}` },
      { method: 'GET', url: `/v1/runs/${runId}/metrics` },
      { method: 'POST', url: '/v1/runs', payload: minimalSpec },
      { method: 'POST', url: `/v1/runs/${runId}/cancel` },
      { method: 'GET', url: '/v1/objectives' },
      { method: 'GET', url: '/v1/datasets' },
      { method: 'GET', url: '/v1/sweeps' },
    ] as const;
    for (const request of requests) {
      const response = await app.inject({ ...request, headers: { authorization } });
      expect({ url: request.url, status: response.statusCode }).toEqual({ url: request.url, status: 503 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
    }
    await proxy.start();
    const listed = await app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization } });
    expect(listed.statusCode).toBe(200);
  }, 60_000);
});
