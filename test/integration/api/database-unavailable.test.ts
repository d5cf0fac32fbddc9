/**
 * The API while PostgreSQL is down: every route that needs the database answers 503
 * `database_unavailable` with `Retry-After`, never a 500, and recovers by itself. The app
 * reaches the database through a relay the test cuts; the shared server is never touched. A
 * statement PostgreSQL cancels at its own bound (here a lock the test holds) is the same 503.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createPool } from '../../../src/db/pool.ts';
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
    // Short, so that a statement waiting for the test's lock meets PostgreSQL's bound soon.
    const config = testConfig({ DATABASE_URL: relay.url, QUEUE_PREFIX: services.config.queuePrefix, DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
    database = createDatabase(config.databaseUrl, config.databaseStatementTimeoutMs);
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

  it('answers 503 database_unavailable with Retry-After for a statement PostgreSQL cancels at its own bound, in a cancel of a run no worker drives too', async () => {
    const pool = createPool(services.config.databaseUrl, 1);
    const holder = await pool.connect();
    try {
      await holder.query("UPDATE runs SET status = 'running' WHERE id = $1", [runId]);
      await holder.query('BEGIN');
      // The run's row, locked: ending the run waits for it. Reading it does not.
      await holder.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [runId]);
      const cancel = await app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: { authorization } });
      expect(cancel.statusCode).toBe(503);
      expect(cancel.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(cancel.headers['retry-after']).toBe('5');
      expect(cancel.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
      // The whole table, locked: reading a run waits for it, in Prisma.
      await holder.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE');
      const read = await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization } });
      expect(read.statusCode).toBe(503);
      expect(read.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await pool.end();
    }
    const read = await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization } });
    expect(read.statusCode).toBe(200);
  }, 60_000);
});
