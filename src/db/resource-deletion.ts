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
 * - An objective or a dataset is kept while anything of the tenant still names it: a run,
 *   finished or not (a worker reads it when the run starts or resumes; a finished run's
 *   landscape and parameter names are built from it), a sweep that has not ended (its next
 *   trials), and for a dataset a stored objective (every run of it would fail). A run names
 *   them where its objective is resolved (src/db/objective-resolution.ts): `objective.id`,
 *   and `objective.data.id` or `objective.validation.id`; a dataset also through the stored
 *   objective its `objective.id` names. A sweep names them in the same fields of its base's
 *   objective and among the values of its parameters over them, a stored objective in those of
 *   its definition. Each row's `named_resources` holds the ids it names, set by the database as
 *   it is stored and indexed (migrations 20261212100000, 20261213110000), so a deletion reads the
 *   runs, sweeps and stored objectives that name its target, never all of the tenant's (an id
 *   anywhere else, a sweep's name, keeps nothing). The deletion takes its target's lock first,
 *   exclusively (resource-lock.ts), which a submission of runs and the creation of a sweep or
 *   stored objective hold, shared, as they check again that what they name exists and store it:
 *   it finds every run, sweep and objective stored before it, and those stored after it are
 *   refused, never stored naming what it removed. It waits for nothing else, and nothing else
 *   waits for it: not the tenant's other submissions, nor other tenants'.
 */
import { listedUsers, type UsedBy } from '../contracts/used-by.ts';
import type { Database } from './client.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { isUuid } from './uuid.ts';
import { resourceLockStatement } from './resource-lock.ts';

/**
 * What a delete did: `deleted`, `not_found` (also another tenant's), `blocked` (a run) naming why,
 * or `in_use` (an objective or dataset) with what keeps it.
 */
export type Deletion =
  | { readonly outcome: 'deleted' }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'blocked'; readonly status?: string; readonly sweepId?: string }
  | { readonly outcome: 'in_use'; readonly usedBy: UsedBy };

/**
 * Whether the row `alias` (a run, sweep or stored objective) names one of the stored objectives or
 * datasets whose ids are the SQL expression `ids` (a uuid[]): a value computed once (from
 * `(SELECT id FROM target)`), looked up in the index of the table's `named_resources`; a column of
 * a row joined would be compared with every row of the tenant.
 */
const namesSql = (alias: string, ids: string) => `${alias}.named_resources && ${ids}`;

/** The target's id as a one-id array, for namesSql. */
const targetIdsSql = 'ARRAY[(SELECT id::uuid FROM target)]';

/**
 * The answer of a deletion of `target` (a CTE of the one row to delete, `id` as lower-case text,
 * none when the tenant has no such row) that `run_users`, `sweep_users` and `objective_users`
 * (each `id`, `created_at`; runs also `status`) keep when any of them has a row.
 */
const usersAnswerSql = `
  SELECT EXISTS (SELECT FROM target) AS found, EXISTS (SELECT FROM deleted) AS deleted,
         (SELECT count(*) FROM run_users)::int AS runs,
         (SELECT count(*) FROM run_users WHERE status IN ${activeStatusesSql})::int AS "unfinishedRuns",
         (SELECT count(*) FROM sweep_users)::int AS sweeps,
         (SELECT count(*) FROM objective_users)::int AS objectives,
         ARRAY(SELECT id::text FROM run_users ORDER BY created_at DESC, id DESC LIMIT ${listedUsers}) AS "runIds",
         ARRAY(SELECT id::text FROM sweep_users ORDER BY created_at DESC, id DESC LIMIT ${listedUsers}) AS "sweepIds",
         ARRAY(SELECT id::text FROM objective_users ORDER BY created_at DESC, id DESC LIMIT ${listedUsers}) AS "objectiveIds"`;

/** Whether nothing names the target: none of the CTEs of its users has a row. */
const unusedSql = `NOT EXISTS (SELECT FROM run_users) AND NOT EXISTS (SELECT FROM sweep_users) AND NOT EXISTS (SELECT FROM objective_users)`;

/** The deletion of the stored objective `$1` of the tenant `$2`, unless something names it (usersAnswerSql). */
export const objectiveDeletionStatement = `
  WITH target AS (SELECT id::text AS id FROM objectives WHERE id = $1::uuid AND tenant_id = $2::uuid),
    run_users AS (SELECT r.id, r.status, r.created_at FROM runs r WHERE r.tenant_id = $2::uuid AND ${namesSql('r', targetIdsSql)}),
    sweep_users AS (SELECT s.id, s.created_at FROM sweeps s
                     WHERE s.tenant_id = $2::uuid AND s.status IN ${activeStatusesSql} AND ${namesSql('s', targetIdsSql)}),
    objective_users AS (SELECT NULL::uuid AS id, NULL::timestamptz AS created_at WHERE false),
    deleted AS (DELETE FROM objectives o USING target t WHERE o.id = t.id::uuid AND ${unusedSql} RETURNING o.id)
  ${usersAnswerSql}`;

/** The dataset's id and those of the stored objectives over it, for namesSql: a run or sweep naming either kind uses it. */
const targetAndObjectivesSql = `(${targetIdsSql} || ARRAY(SELECT id FROM objective_users))`;

/** The deletion of the dataset `$1` of the tenant `$2`, unless something names it (usersAnswerSql). */
export const datasetDeletionStatement = `
  WITH target AS (SELECT id::text AS id FROM datasets WHERE id = $1::uuid AND tenant_id = $2::uuid),
    objective_users AS (SELECT o.id, o.created_at FROM objectives o WHERE o.tenant_id = $2::uuid AND ${namesSql('o', targetIdsSql)}),
    run_users AS (SELECT r.id, r.status, r.created_at FROM runs r WHERE r.tenant_id = $2::uuid AND ${namesSql('r', targetAndObjectivesSql)}),
    sweep_users AS (SELECT s.id, s.created_at FROM sweeps s
                     WHERE s.tenant_id = $2::uuid AND s.status IN ${activeStatusesSql} AND ${namesSql('s', targetAndObjectivesSql)}),
    deleted AS (DELETE FROM datasets d USING target t WHERE d.id = t.id::uuid AND ${unusedSql} RETURNING d.id)
  ${usersAnswerSql}`;

type UsersRow = UsedBy & { found: boolean; deleted: boolean };

function outcomeOf(row: UsersRow | undefined): Deletion {
  if (!row?.found) return { outcome: 'not_found' };
  if (row.deleted) return { outcome: 'deleted' };
  const { found: _found, deleted: _deleted, ...usedBy } = row;
  return { outcome: 'in_use', usedBy };
}

export function createResourceDeletion(database: Database, longStatements: Pool) {
  /** Runs `statement` (the deletion of the target `id`, answering usersAnswerSql) under the target's lock; its snapshot is taken once the lock is held. */
  async function deleteUnused(tenantId: string, statement: string, id: string): Promise<Deletion> {
    const [, [row]] = await database.$transaction([
      database.$executeRawUnsafe(resourceLockStatement, id),
      database.$queryRawUnsafe<UsersRow[]>(statement, id, tenantId),
    ], { isolationLevel: 'ReadCommitted' });
    return outcomeOf(row);
  }

  return {
    async deleteRun(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const { rows: [row] } = await longStatements.query<{ status: string; activeSweep: string | null; deleted: boolean }>(
        `WITH target AS (SELECT r.id, r.status::text AS status, s.id AS active_sweep
                           FROM runs r LEFT JOIN sweeps s ON s.id = r.sweep_id AND s.status IN ${activeStatusesSql}
                          WHERE r.id = $1::uuid AND r.tenant_id = $2::uuid),
              deleted AS (DELETE FROM runs r USING target t
                           WHERE r.id = t.id AND t.status NOT IN ${activeStatusesSql} AND t.active_sweep IS NULL RETURNING r.id)
         SELECT t.status, t.active_sweep AS "activeSweep", EXISTS (SELECT FROM deleted) AS deleted FROM target t`,
        [id, tenantId]);
      if (!row) return { outcome: 'not_found' };
      if (row.deleted) return { outcome: 'deleted' };
      return { outcome: 'blocked', status: row.status, ...(row.activeSweep === null ? {} : { sweepId: row.activeSweep }) };
    },

    async deleteObjective(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      return deleteUnused(tenantId, objectiveDeletionStatement, id);
    },

    async deleteDataset(tenantId: string, id: string): Promise<Deletion> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      return deleteUnused(tenantId, datasetDeletionStatement, id);
    },
  };
}

export type ResourceDeletion = ReturnType<typeof createResourceDeletion>;
