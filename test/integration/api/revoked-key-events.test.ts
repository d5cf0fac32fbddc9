/** A key revoked while its event streams are open: they end (with a reconnect hint the key then fails), within a recheck interval. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiKeyRepository } from '../../../src/db/api-keys.ts';
import { minimalSpec, useTestApp } from '../support/services.ts';

describe('event streams of a revoked key', () => {
  const context = useTestApp();

  it('end once the key is revoked, and the key cannot open another', async () => {
    const keys = createApiKeyRepository(context.services.database);
    const { key, apiKey } = await keys.create(`revoked-${randomUUID()}`);
    const authorization = `Bearer ${key}`;
    // Queued with no worker: its stream would stay open as long as the client stays.
    const runId = (await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec })).json().id;
    const stream = context.app.inject({ method: 'GET', url: `/v1/runs/${runId}/events`, headers: { authorization } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await keys.revoke(apiKey.id);

    const body = (await stream).body;
    expect(body).toContain('event: status');
    expect(body).toMatch(/event: reconnect\ndata: \{"reason":"API key revoked"/);
    const again = await context.app.inject({ method: 'GET', url: `/v1/runs/${runId}/events`, headers: { authorization } });
    expect(again.statusCode).toBe(401);
  });
});
