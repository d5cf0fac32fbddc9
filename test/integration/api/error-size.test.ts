/** An answer to bad input stays small however much of it there is: the first bad fields, and how many there were. */
import { beforeAll, describe, expect, it } from 'vitest';
import { maxListedIssues } from '../../../src/api/errors/validation-problem.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('problem size', () => {
  const context = useTestApp();
  let authorization: string;

  beforeAll(async () => {
    ({ authorization } = await createTenantKey(context.services.database));
  });

  it('answers a body of 90,000 unknown keys with the first ones listed and their count, in a few kilobytes', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, 0]));
    const payload = JSON.stringify({ ...minimalSpec, ...unknown });
    const response = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toHaveLength(maxListedIssues);
    expect(problem.errors[0]).toEqual({ path: 'k0', message: 'Unknown field.', code: 'unrecognized_keys' });
    expect(problem.detail).toContain('k0, k1, k2');
    expect(problem.detail).toContain('90000 fields');
    expect(problem.detail).toContain(`the first ${maxListedIssues} of 90000 issues are listed`);
    expect(response.rawPayload.length).toBeLessThan(16_384);
  });
});
