/**
 * A run's place in its tenant's backlog: 1 + the tenant's unfinished (queued or running) runs
 * submitted before it. It is the run's job priority (src/queue/runs-queue.ts): a tenant's k-th
 * waiting run goes after every other tenant's first k−1, so a tenant that submits 500 runs
 * takes turns with one that submits a single run instead of making it wait behind all 500.
 *
 * One statement answers it for many runs: it counts each of their tenants' unfinished runs once
 * (an index range per tenant), and for each run those submitted after it, so its cost grows with
 * the backlog, not with the backlog times the runs asked about. The API's submissions count their
 * places with their quotas, in the function that stores them (runs_submit, see src/db/runs.ts).
 */
import type { RunPlace } from '../queue/runs-queue.ts';
import type { Pool } from './pool.ts';
import { activeRunsAfterSql, activeRunsSql } from './runs.ts';

/**
 * Per run asked about: its place in its tenant's backlog, the tenant's unfinished runs less those
 * submitted after it (for a run just submitted, as a sweep's or a requeued one's, a few index
 * entries at the end of its tenant's backlog). A run not found has no row.
 */
const placesStatement = {
  name: 'tenant-backlog-places',
  text: `
  WITH asked AS (SELECT id, tenant_id, created_at FROM runs WHERE id = ANY($1::uuid[])),
  active AS MATERIALIZED (SELECT t.tenant_id, ${activeRunsSql('t.tenant_id')} AS runs FROM (SELECT DISTINCT tenant_id FROM asked) t)
  SELECT a.id, a.tenant_id AS "tenantId", (active.runs - ${activeRunsAfterSql('a')})::int AS rank
    FROM asked a JOIN active ON active.tenant_id = a.tenant_id`,
};

export function createTenantBacklog(pool: Pool) {
  return {
    /**
     * Each run's job priority, its place in its tenant's backlog (1 for a tenant's oldest
     * unfinished run), with its tenant; a run not found has none.
     */
    async ranks(runIds: readonly string[]): Promise<ReadonlyMap<string, RunPlace>> {
      if (runIds.length === 0) return new Map();
      const { rows } = await pool.query<{ id: string; tenantId: string; rank: number }>({ ...placesStatement, values: [runIds] });
      return new Map(rows.map((row) => [row.id, { priority: Math.max(1, row.rank), tenantId: row.tenantId }]));
    },
  };
}
