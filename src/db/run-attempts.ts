/**
 * The start of a worker's attempt at a run: queued (or interrupted running) → running with the
 * attempt counted, returning what the worker needs to continue (the spec, the tenant and the
 * newest checkpoint, if an earlier attempt left one). A run already final (cancelled while
 * queued, a duplicate delivery) is not touched and yields null.
 *
 * Concurrent starts of a worker's jobs share one statement (see Coalescer): with many short
 * runs, a round trip per start would cost more than the runs themselves.
 */
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';

export interface RunAttempt {
  readonly id: string;
  readonly tenantId: string;
  readonly spec: unknown;
  /** This attempt's number, from 1. */
  readonly attempts: number;
  /** The newest checkpoint (only the newest is kept), as the worker serialised it. */
  readonly checkpoint: { readonly step: number; readonly state: unknown } | null;
}


/** Locks the runs in id order (so concurrent statements cannot deadlock), then starts them. */
const startStatement = {
  name: 'run-attempts-start',
  text: `
  WITH startable AS (
    SELECT id FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running') ORDER BY id FOR UPDATE
  )
  UPDATE runs SET status = 'running', started_at = now(), updated_at = now(), attempts = attempts + 1
    FROM startable WHERE runs.id = startable.id
  RETURNING runs.id, runs.tenant_id AS "tenantId", runs.spec, runs.attempts,
            (SELECT json_build_object('step', step, 'state', state) FROM checkpoints
              WHERE run_id = runs.id ORDER BY step DESC LIMIT 1) AS checkpoint`,
};

export function createRunAttempts(pool: Pool) {
  const coalescer = new Coalescer<string, RunAttempt | null>(async (runIds) => {
    const { rows } = await pool.query<RunAttempt>({ ...startStatement, values: [runIds] });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runIds.map((id) => ({ value: byId.get(id) ?? null }));
  }, statementBatchLimits);

  return {
    /** Starts an attempt at the run; null when the run is unknown or already final. */
    start: (runId: string): Promise<RunAttempt | null> => coalescer.submit(runId),
  };
}

export type RunAttempts = ReturnType<typeof createRunAttempts>;
