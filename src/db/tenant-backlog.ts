/**
 * A run's place in its tenant's backlog: 1 + the tenant's unfinished (queued or running) runs
 * submitted before it. It is the run's job priority (src/queue/runs-queue.ts): a tenant's k-th
 * waiting run goes after every other tenant's first k−1, so a tenant that submits 500 runs
 * takes turns with one that submits a single run instead of making it wait behind all 500.
 */
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';

const ranksStatement = {
  name: 'tenant-backlog-ranks',
  text: `
  SELECT r.id,
         (SELECT count(*) FROM runs o
           WHERE o.tenant_id = r.tenant_id AND o.status IN ${activeStatusesSql}
             AND (o.created_at, o.id) <= (r.created_at, r.id))::int AS rank
    FROM runs r WHERE r.id = ANY($1::uuid[])`,
};

const activeStatement = {
  name: 'tenant-backlog-active',
  text: `SELECT count(*)::int AS count FROM runs WHERE tenant_id = $1::uuid AND status IN ${activeStatusesSql}`,
};

export function createTenantBacklog(pool: Pool) {
  return {
    /** The tenant's unfinished (queued or running) runs, for its quota. */
    async activeRuns(tenantId: string): Promise<number> {
      const { rows } = await pool.query<{ count: number }>({ ...activeStatement, values: [tenantId] });
      return rows[0]!.count;
    },

    /** Each run's place in its tenant's backlog (1 for a tenant's oldest unfinished run); a run not found has none. */
    async ranks(runIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
      if (runIds.length === 0) return new Map();
      const { rows } = await pool.query<{ id: string; rank: number }>({ ...ranksStatement, values: [runIds] });
      return new Map(rows.map((row) => [row.id, Math.max(1, row.rank)]));
    },
  };
}

export type TenantBacklog = ReturnType<typeof createTenantBacklog>;
