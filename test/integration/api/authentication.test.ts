import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiKeyRepository } from '../../../src/db/api-keys.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('authentication and tenants', () => {
  const context = useTestApp();

  const v1Routes = [
    { method: 'GET', url: '/v1/runs' },
    { method: 'POST', url: '/v1/runs' },
    { method: 'GET', url: '/v1/runs/2b1f0d5e-8a39-4b8e-9f53-4c1f7a0e9d11' },
  ] as const;

  it.each(v1Routes)('answers 401 problem+json to $method $url without a key', async (route) => {
    const response = await context.app.inject({ ...route, payload: route.method === 'POST' ? minimalSpec : undefined });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.json()).toMatchObject({ status: 401, code: 'unauthorized', instance: route.url.split('?')[0] });
  });

  it('answers 401 to an unknown key and to a malformed header', async () => {
    for (const authorization of ['Bearer dsc_nope_nope', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await context.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
    }
  });

  it('refuses a key once it is revoked', async () => {
    const apiKeys = createApiKeyRepository(context.services.database);
    const { key, apiKey } = await apiKeys.create(`revoked-${randomUUID()}`);
    const headers = { authorization: `Bearer ${key}` };
    expect((await context.app.inject({ method: 'GET', url: '/v1/runs', headers })).statusCode).toBe(200);
    await apiKeys.revoke(apiKey.prefix);
    expect((await context.app.inject({ method: 'GET', url: '/v1/runs', headers })).statusCode).toBe(401);
  });

  it("gives 404, not 403, for another tenant's run, and lists only the tenant's own runs", async () => {
    const tenantA = await createTenantKey(context.services.database, 'a');
    const tenantB = await createTenantKey(context.services.database, 'b');
    const created = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: tenantB.authorization }, payload: minimalSpec });
    expect(created.statusCode).toBe(201);
    const runId = created.json().id as string;

    const asB = await context.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization: tenantB.authorization } });
    expect(asB.statusCode).toBe(200);
    const asA = await context.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization: tenantA.authorization } });
    expect(asA.statusCode).toBe(404);
    expect(asA.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(asA.json()).toMatchObject({ code: 'not_found', status: 404 });

    const listA = await context.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: tenantA.authorization } });
    expect(listA.json().runs).toEqual([]);
    const listB = await context.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: tenantB.authorization } });
    expect(listB.json().runs.map((run: { id: string }) => run.id)).toEqual([runId]);
  });

  it('leaves the probes open', async () => {
    expect((await context.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await context.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});

