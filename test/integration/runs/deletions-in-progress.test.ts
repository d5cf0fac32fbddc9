/**
 * A tenant has at most TENANT_MAX_CONCURRENT_DELETIONS deletions in progress at once: a run's
 * deletion removes every step it recorded in one statement, so a tenant deleting its large runs
 * back to back would otherwise have them all loading PostgreSQL, and hold every connection
 * deletions share. The deletion in progress here waits for a lock this file holds on its run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { problemSchema } from '../../../src/api/errors/problem.ts';
import { postgresConnectionOptions } from '../../../src/db/connection-options.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const context = useTestApp({ TENANT_MAX_CONCURRENT_DELETIONS: '1' });
let holder: pg.Client | undefined;

afterAll(async () => {
  await holder?.end();
});

/** A finished (cancelled) run of the tenant. */
async function finishedRun(authorization: string): Promise<string> {
  const submitted = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
  expect(submitted.statusCode, submitted.body).toBe(201);
  const id = submitted.json().id as string;
  expect((await context.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization } })).statusCode).toBe(200);
  return id;
}

const remove = (path: string, authorization: string) => context.app.inject({ method: 'DELETE', url: path, headers: { authorization } });

/**
 * Whether a statement of another connection waits for a lock the holder has (asked on the holder's
 * own connection): a lock another test file's connections wait for in the same database is not it.
 * pg_locks, not pg_stat_activity, which the holder's transaction reads as it was at its first look.
 */
async function deletionWaits(): Promise<boolean> {
  const { rows: [row] } = await holder!.query<{ waiting: boolean }>(
    'SELECT EXISTS (SELECT FROM pg_locks l WHERE NOT l.granted AND pg_backend_pid() = ANY(pg_blocking_pids(l.pid))) AS waiting');
  return row!.waiting;
}

describe('DELETE of a tenant with TENANT_MAX_CONCURRENT_DELETIONS deletions in progress', () => {
  it('is 429 too_many_concurrent with Retry-After, for runs, objectives and datasets alike, while other tenants delete', async () => {
    const tenant = await createTenantKey(context.services.database, 'deleting');
    const other = await createTenantKey(context.services.database, 'deleting-other');
    const [held, next, othersRun] = [await finishedRun(tenant.authorization), await finishedRun(tenant.authorization), await finishedRun(other.authorization)];

    holder = new pg.Client(postgresConnectionOptions(context.services.config.databaseUrl));
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT FROM runs WHERE id = $1::uuid FOR UPDATE', [held]);
    const inProgress = remove(`/v1/runs/${held}`, tenant.authorization);
    await expect.poll(deletionWaits).toBe(true);

    for (const path of [`/v1/runs/${next}`, `/v1/datasets/${held}`, `/v1/objectives/${held}`]) {
      const refused = await remove(path, tenant.authorization);
      expect(refused.statusCode, refused.body).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      const problem = refused.json();
      expect(problemSchema.parse(problem)).toEqual(problem);
      expect(problem).toMatchObject({ code: 'too_many_concurrent', quota: { name: 'TENANT_MAX_CONCURRENT_DELETIONS', limit: 1, used: 1, requested: 1 } });
    }
    expect((await remove(`/v1/runs/${othersRun}`, other.authorization)).statusCode).toBe(204);

    await holder.query('COMMIT');
    expect((await inProgress).statusCode).toBe(204);
    // Its slot is given back once it has ended.
    expect((await remove(`/v1/runs/${next}`, tenant.authorization)).statusCode).toBe(204);
  });
});
