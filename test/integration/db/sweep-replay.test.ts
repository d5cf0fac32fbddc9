/** A keyed sweep stored again when the sweep its key named is deleted between the store that found it and the read of it. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Pool } from '../../../src/db/pool.ts';
import { createSweepRepository } from '../../../src/db/sweeps.ts';
import { eventually } from '../../support/eventually.ts';
import { useTestDatabase } from './support.ts';

describe('a keyed sweep whose earlier sweep is deleted while it is submitted', () => {
  const database = useTestDatabase();

  it('is stored anew under the freed key, not answered with an error', async () => {
    const tenantId = await database.tenant('sweep-replay');
    const idempotencyKey = randomUUID();
    const submitted = { tenantId, name: null, spec: { name: 'replayed' }, idempotencyKey, baseObjective: { trainingRows: null } };
    // The real pool, with a real DELETE of the key's sweep sent just before the submission reads it.
    let deletions = 0;
    let heldId = '';
    const interleaved = new Proxy(database.pool, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Pool['query']>) => {
          if (typeof args[0] === 'string' && args[0].includes('idempotency_key = $2') && deletions === 0) {
            deletions++;
            await target.query('DELETE FROM sweeps WHERE id = $1', [heldId]);
          }
          return (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
        };
      },
    });
    // A sweep of the key that commits while the submission's insert waits on it: the insert does
    // nothing, and the statement's snapshot, taken before that commit, does not see it either,
    // so the submission reads the key's sweep afterwards.
    const holder = await database.pool.connect();
    try {
      await holder.query('BEGIN');
      heldId = (await holder.query<{ id: string }>(
        `INSERT INTO sweeps (id, tenant_id, name, spec, idempotency_key, base_objective, created_at, updated_at)
         VALUES ($1, $2, NULL, '{}', $3, '{}', now(), now()) RETURNING id`, [randomUUID(), tenantId, idempotencyKey],
      )).rows[0]!.id;
      const pending = createSweepRepository(interleaved).create(submitted);
      const waiting = async () => (await database.pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO sweeps%'`,
      )).rows[0]!.waiting;
      expect(await eventually(waiting, (count) => count > 0, { intervalMs: 10 })).toBeGreaterThan(0);
      await holder.query('COMMIT');

      const replay = await pending;

      expect(deletions).toBe(1);
      expect(replay.created).toBe(true);
      expect(replay.sweep.id).not.toBe(heldId);
      const { rows } = await database.pool.query<{ id: string }>('SELECT id FROM sweeps WHERE tenant_id = $1', [tenantId]);
      expect(rows.map(({ id }) => id)).toEqual([replay.sweep.id]);
    } finally {
      holder.release();
    }
  });
});
