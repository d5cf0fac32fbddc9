/**
 * Deleting a tenant's runs, stored objectives and datasets, each in one statement.
 *
 * - A run goes with everything recorded for it (steps, rollups, checkpoints: the foreign keys
 *   cascade), but only once it has finished: a queued or running run has a worker or a job
 *   that would write to it, so it must be cancelled first. Its statement goes through a pool
 *   whose statements are not bounded (`longStatements`): a run may record 10⁹ steps, and the
 *   deletion of 10⁸ of them outlasts the statement bound (DATABASE_STATEMENT_TIMEOUT_MS), so it
 *   would fail at every attempt. One statement keeps the deletion whole: no read ever shows
 *   what is left of a run as the run. A trial is kept while its sweep has not ended: the
 *   sweep's coordinator numbers its next trials, counts its budget and feeds its sampler from
 *   the trials it has.
 * - An objective or a dataset that a queued or running run of the tenant still needs is kept:
 *   the worker reads it when the run starts or resumes. "Needs" is read from the stored text:
 *   the run's spec names the id (the objective, or a dataset in its data), or names a stored
 *   objective whose definition names the dataset. Finished runs keep their spec as submitted,
 *   so deleting what they referenced never changes them.
 */
import type { Database } from './client.ts';
import type { Pool } from './pool.ts';
import { isUuid } from './uuid.ts';

/** What a delete did: `deleted`, `not_found` (also another tenant's), or `blocked` naming why. */
export type Deletion =
  | { readonly outcome: 'deleted' }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'blocked'; readonly status?: string; readonly runId?: string; readonly sweepId?: string };

const activeStatuses = `('queued', 'running')`;

export function createResourceDeletion(database: Database, longStatements: Pool) {
  return {
    async deleteRun(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const { rows: [row] } = await longStatements.query<{ status: string; activeSweep: string | null; deleted: boolean }>(
        `WITH target AS (SELECT r.id, r.status::text AS status, s.id AS active_sweep
                           FROM runs r LEFT JOIN sweeps s ON s.id = r.sweep_id AND s.status IN ${activeStatuses}
                          WHERE r.id = $1::uuid AND r.tenant_id = $2::uuid),
              deleted AS (DELETE FROM runs r USING target t
                           WHERE r.id = t.id AND t.status NOT IN ${activeStatuses} AND t.active_sweep IS NULL RETURNING r.id)
         SELECT t.status, t.active_sweep AS "activeSweep", EXISTS (SELECT FROM deleted) AS deleted FROM target t`,
        [id, tenantId]);
      if (!row) return { outcome: 'not_found' };
      if (row.deleted) return { outcome: 'deleted' };
      return { outcome: 'blocked', status: row.status, ...(row.activeSweep === null ? {} : { sweepId: row.activeSweep }) };
    },

    async deleteObjective(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const [row] = await database.$queryRawUnsafe<{ found: boolean; blocker: string | null; deleted: boolean }[]>(
        `WITH target AS (SELECT id FROM objectives WHERE id = $1::uuid AND tenant_id = $2::uuid),
              blocker AS (SELECT r.id FROM runs r WHERE r.tenant_id = $2::uuid AND r.status IN ${activeStatuses}
                             AND strpos(lower(r.spec::text), lower($1::text)) > 0 LIMIT 1),
              deleted AS (DELETE FROM objectives o USING target t WHERE o.id = t.id AND NOT EXISTS (SELECT FROM blocker) RETURNING o.id)
         SELECT EXISTS (SELECT FROM target) AS found, (SELECT id::text FROM blocker) AS blocker, EXISTS (SELECT FROM deleted) AS deleted`,
        id, tenantId);
      return outcomeOf(row);
    },

    async deleteDataset(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const [row] = await database.$queryRawUnsafe<{ found: boolean; blocker: string | null; deleted: boolean }[]>(
        `WITH target AS (SELECT id FROM datasets WHERE id = $1::uuid AND tenant_id = $2::uuid),
              objective AS (SELECT o.id::text AS id FROM objectives o WHERE o.tenant_id = $2::uuid AND strpos(lower(o.definition::text), lower($1::text)) > 0),
              blocker AS (SELECT r.id FROM runs r WHERE r.tenant_id = $2::uuid AND r.status IN ${activeStatuses}
                             AND (strpos(lower(r.spec::text), lower($1::text)) > 0 OR EXISTS (SELECT FROM objective WHERE strpos(lower(r.spec::text), objective.id) > 0))
                           LIMIT 1),
              deleted AS (DELETE FROM datasets d USING target t WHERE d.id = t.id AND NOT EXISTS (SELECT FROM blocker) RETURNING d.id)
         SELECT EXISTS (SELECT FROM target) AS found, (SELECT id::text FROM blocker) AS blocker, EXISTS (SELECT FROM deleted) AS deleted`,
        id, tenantId);
      return outcomeOf(row);
    },
  };
}

function outcomeOf(row: { found: boolean; blocker: string | null; deleted: boolean } | undefined): Deletion {
  if (!row?.found) return { outcome: 'not_found' };
  if (row.deleted) return { outcome: 'deleted' };
  return { outcome: 'blocked', runId: row.blocker ?? undefined };
}

export type ResourceDeletion = ReturnType<typeof createResourceDeletion>;
