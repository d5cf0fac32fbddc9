/**
 * The start of a worker's attempt at a run, in one round trip: queued (or interrupted running)
 * → running with the attempt counted, returning what the worker needs to continue (the spec,
 * the tenant and the newest checkpoint, if an earlier attempt left one). A run already final
 * (cancelled while queued, a duplicate delivery) is not touched and yields null.
 */
import type { Pool } from './pool.ts';

export interface RunAttempt {
  readonly id: string;
  readonly tenantId: string;
  readonly spec: unknown;
  /** This attempt's number, from 1. */
  readonly attempts: number;
  /** The newest checkpoint (only the newest is kept), as the worker serialised it. */
  readonly checkpoint: { readonly step: number; readonly state: unknown } | null;
}

/** Prepared once per connection (named), as every job of a worker runs it. */
const startStatement = {
  name: 'run-attempts-start',
  text: `
  UPDATE runs SET status = 'running', started_at = now(), updated_at = now(), attempts = attempts + 1
   WHERE id = $1 AND status IN ('queued', 'running')
  RETURNING id, tenant_id AS "tenantId", spec, attempts,
            (SELECT json_build_object('step', step, 'state', state) FROM checkpoints
              WHERE run_id = $1 ORDER BY step DESC LIMIT 1) AS checkpoint`,
};

export async function startRunAttempt(pool: Pool, runId: string): Promise<RunAttempt | null> {
  const { rows } = await pool.query<RunAttempt>({ ...startStatement, values: [runId] });
  return rows[0] ?? null;
}
