/** Bad keys cost a database lookup each: an address that keeps sending them is refused with 429 until the window ends. */
import { describe, expect, it } from 'vitest';
import { createTenantKey, useTestApp } from '../support/services.ts';

describe('AUTH_FAILURES_MAX', () => {
  const context = useTestApp({ AUTH_FAILURES_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
  const list = (authorization: string, address: string) =>
    context.app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization }, remoteAddress: address });

  it('answers 429 with Retry-After to an address past its bad keys, other addresses unaffected', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'bad-keys');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await list(`Bearer dsk_bad_${i}`, '203.0.113.7')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await list(authorization, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited' });
    expect(refused.json().detail).toContain('unknown or revoked API key came from 203.0.113.7');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    expect((await list(authorization, '203.0.113.8')).statusCode).toBe(200);
    expect((await list('Bearer dsk_bad_other', '203.0.113.8')).statusCode).toBe(401);
  });
});
