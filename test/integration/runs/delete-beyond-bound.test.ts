/**
 * A run's deletion is one statement over all its rows, which for a run of 10⁸ steps and more
 * takes longer than any statement's bound (DATABASE_STATEMENT_TIMEOUT_MS): it goes through a
 * pool whose statements are not bounded, so such a run can still be deleted, whole. The long
 * deletion is made here by a trigger that holds the deletion of this file's run only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const boundMs = 2_000;
const context = useTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: String(boundMs) });
const slowDeletion = 'descent_test_slow_run_deletion';

afterAll(async () => {
  await context.services.database.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${slowDeletion} ON runs`);
  await context.services.database.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${slowDeletion}()`);
});

describe('DELETE /v1/runs/{id} of a run whose deletion outlasts the statement bound', () => {
  it('deletes the run (204), where a bounded statement was cancelled at every attempt', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'long-deletion');
    const submitted = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: { ...minimalSpec, training: { maxSteps: 1e9 } } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = submitted.json().id as string;
    expect((await context.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization } })).statusCode).toBe(200);

    const database = context.services.database;
    await database.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION ${slowDeletion}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.id = '${id}'::uuid THEN PERFORM pg_sleep(${(1.5 * boundMs) / 1000}); END IF;
        RETURN OLD;
      END $$`);
    // Left behind by a test process killed midway, it is made anew.
    await database.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${slowDeletion} ON runs`);
    await database.$executeRawUnsafe(`CREATE TRIGGER ${slowDeletion} BEFORE DELETE ON runs FOR EACH ROW EXECUTE FUNCTION ${slowDeletion}()`);

    const deleted = await context.app.inject({ method: 'DELETE', url: `/v1/runs/${id}`, headers: { authorization } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await context.app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization } })).statusCode).toBe(404);
  });
});
