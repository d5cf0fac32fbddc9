import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

describe('per-key rate limit in Redis', () => {
  const max = 3;
  let services: TestServices;
  let app: FastifyInstance;
  let secondApp: FastifyInstance;

  beforeAll(async () => {
    services = await openTestServices({ RATE_LIMIT_MAX: String(max), RATE_LIMIT_WINDOW_SECONDS: '60' });
    app = await buildTestApp(services);
    // A second API process sharing the same Redis: the budget is per key, not per process.
    secondApp = await buildTestApp(services);
  });
  afterAll(async () => {
    await app.close();
    await secondApp.close();
    await services.close();
  });

  it('answers 429 problem+json with Retry-After once a key spends its budget, across processes', async () => {
    const { authorization } = await createTenantKey(services.database);
    const request = (target: FastifyInstance) => target.inject({ method: 'GET', url: '/v1/runs', headers: { authorization } });
    const statuses = [];
    for (let index = 0; index < max; index += 1) statuses.push((await request(index % 2 === 0 ? app : secondApp)).statusCode);
    expect(statuses).toEqual([200, 200, 200]);

    const limited = await request(secondApp);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });

    // Another key has its own budget.
    const other = await createTenantKey(services.database);
    expect((await app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: other.authorization } })).statusCode).toBe(200);
  });

  it('does not limit the probes', async () => {
    for (let index = 0; index < max + 2; index += 1) {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    }
  });
});
