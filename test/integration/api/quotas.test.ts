/** A tenant's quota of queued and running runs: the submission beyond it gets 429 naming the quota, and nothing is stored. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('TENANT_MAX_ACTIVE_RUNS', () => {
  const context = useTestApp({ TENANT_MAX_ACTIVE_RUNS: '3' });
  const submit = (authorization: string, headers: Record<string, string> = {}) =>
    context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, ...headers }, payload: minimalSpec });

  it('refuses a tenant its fourth unfinished run with 429 quota_exceeded, replays still answered, other tenants unaffected', async () => {
    const tenant = await createTenantKey(context.services.database, 'quota');
    const key = randomUUID();
    const accepted = [await submit(tenant.authorization, { 'idempotency-key': key }), await submit(tenant.authorization), await submit(tenant.authorization)];
    expect(accepted.map((response) => response.statusCode)).toEqual([201, 201, 201]);

    const refused = await submit(tenant.authorization);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'quota_exceeded', errors: [{ code: 'TENANT_MAX_ACTIVE_RUNS' }] });
    expect(refused.json().detail).toContain('TENANT_MAX_ACTIVE_RUNS');
    const stored = await context.services.database.run.count({ where: { tenant: { name: tenant.tenantName } } });
    expect(stored).toBe(3);

    // A retry of an accepted submission is its run, not a new one.
    const replay = await submit(tenant.authorization, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(accepted[0]!.json().id);

    const other = await createTenantKey(context.services.database, 'quota-other');
    expect((await submit(other.authorization)).statusCode).toBe(201);

    // A finished run frees its place.
    const cancelled = await context.app.inject({ method: 'POST', url: `/v1/runs/${accepted[1]!.json().id}/cancel`, headers: { authorization: tenant.authorization } });
    expect(cancelled.statusCode).toBe(200);
    expect((await submit(tenant.authorization)).statusCode).toBe(201);
  });
});
