/**
 * A run's place in its tenant's backlog: 1 + the tenant's unfinished (queued or running) runs
 * submitted before it. It is the run's job priority (src/queue/runs-queue.ts): a tenant's k-th
 * waiting run goes after every other tenant's first k−1, so a tenant that submits 500 runs
 * takes turns with one that submits a single run instead of making it wait behind all 500.
 *
 * One statement answers it for many runs: it reads each of their tenants' unfinished runs once
 * (an index range per tenant) and numbers them in order of submission, so its cost grows with
 * the backlog, not with the backlog times the runs asked about. With the rank it counts the
 * tenant's unfinished runs, for its quota. The API's submissions ask for their places together
 * (see Coalescer): one statement serves a burst of them.
 */
import { Coalescer } from '../concurrency/coalescer.ts';
import type { RunPlace } from '../queue/runs-queue.ts';
import type { Pool } from './pool.ts';
import { activeStatusesSql } from './runs.ts';
import { statementBatchLimits } from './statement-batches.ts';

/**
 * Per run asked about: how many of its tenant's unfinished runs were submitted up to it (itself
 * included when unfinished), and how many its tenant has in all. A run not found has no row.
 */
const placesStatement = {
  name: 'tenant-backlog-places',
  text: `
  WITH backlog AS (
    SELECT id, tenant_id,
           count(*) FILTER (WHERE status IN ${activeStatusesSql}) OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS rank,
           count(*) FILTER (WHERE status IN ${activeStatusesSql}) OVER (PARTITION BY tenant_id) AS active_runs
      FROM runs
     WHERE tenant_id IN (SELECT tenant_id FROM runs WHERE id = ANY($1::uuid[]))
       AND (status IN ${activeStatusesSql} OR id = ANY($1::uuid[])))
  SELECT id, tenant_id AS "tenantId", rank::int, active_runs::int AS "activeRuns" FROM backlog WHERE id = ANY($1::uuid[])`,
};

export interface BacklogPlace {
  readonly tenantId: string;
  /** The run's job priority: its place in its tenant's backlog, at least 1. */
  readonly rank: number;
  /** The tenant's unfinished (queued or running) runs, for its quota. */
  readonly activeRuns: number;
}

export function createTenantBacklog(pool: Pool) {
  async function places(runIds: readonly string[]): Promise<ReadonlyMap<string, BacklogPlace>> {
    if (runIds.length === 0) return new Map();
    const { rows } = await pool.query<{ id: string } & BacklogPlace>({ ...placesStatement, values: [runIds] });
    return new Map(rows.map((row) => [row.id, { tenantId: row.tenantId, rank: Math.max(1, row.rank), activeRuns: row.activeRuns }]));
  }

  const submissions = new Coalescer<string, BacklogPlace | null>(async (runIds) => {
    const found = await places(runIds);
    return runIds.map((id) => ({ value: found.get(id) ?? null }));
  }, statementBatchLimits);

  return {
    /**
     * A stored run's place and its tenant's unfinished runs, counted after it was stored (the
     * API's quota check, then its job's priority); null when the run is gone.
     */
    place: (runId: string): Promise<BacklogPlace | null> => submissions.submit(runId),

    /**
     * Each run's job priority, its place in its tenant's backlog (1 for a tenant's oldest
     * unfinished run), with its tenant; a run not found has none.
     */
    async ranks(runIds: readonly string[]): Promise<ReadonlyMap<string, RunPlace>> {
      const found = await places(runIds);
      return new Map([...found].map(([id, place]) => [id, { priority: place.rank, tenantId: place.tenantId }]));
    },
  };
}

export type TenantBacklog = ReturnType<typeof createTenantBacklog>;
