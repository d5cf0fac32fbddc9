/**
 * What a worker's attempt at a run starts from: the spec, the tenant and the newest checkpoint,
 * if an earlier attempt left one, for a run that is queued or was interrupted while running. A
 * run already final (cancelled while queued, a duplicate delivery) yields null.
 *
 * Reading it changes nothing: the attempt's first slice marks the run running (and counts the
 * attempt) in the same statement that stores that slice (src/db/metrics-writer.ts), which
 * spares every run an update of its row. Concurrent reads of a worker's jobs share one statement
 * (see Coalescer): with many short runs, a round trip per start would cost more than the runs.
 */
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';

export interface RunAttempt {
  readonly id: string;
  readonly tenantId: string;
  readonly spec: unknown;
  /** The sweep of a trial; null for a run of its own. */
  readonly sweepId: string | null;
  /** That sweep's spec (its pruner decides in the worker), read with the run: null for a run of its own. */
  readonly sweepSpec: unknown;
  /** The trial's number in its sweep; null for a run of its own. */
  readonly trialNumber: number | null;
  /** The newest checkpoint (only the newest is kept), as the worker serialised it. */
  readonly checkpoint: { readonly step: number; readonly state: unknown } | null;
}

const readStatement = {
  name: 'run-attempts-read',
  text: `
  SELECT id, tenant_id AS "tenantId", spec, sweep_id AS "sweepId", trial_number AS "trialNumber",
         (SELECT sweeps.spec FROM sweeps WHERE sweeps.id = runs.sweep_id) AS "sweepSpec",
         (SELECT json_build_object('step', step, 'state', state) FROM checkpoints
           WHERE run_id = runs.id ORDER BY step DESC LIMIT 1) AS checkpoint
    FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')`,
};

/**
 * Fails the run for good, from an attempt started at `startedAt`: the attempt is counted here
 * unless its first slice was stored (which counted it and set `started_at` to that time).
 */
const failStatement = {
  name: 'run-attempts-fail',
  text: `
  UPDATE runs SET status = 'failed', result = $2::jsonb, finished_at = now(), updated_at = now(),
         attempts = attempts + (started_at IS DISTINCT FROM $3::timestamptz)::int,
         started_at = coalesce(started_at, $3::timestamptz)
   WHERE id = $1::uuid AND status IN ('queued', 'running')`,
};

export function createRunAttempts(pool: Pool) {
  const coalescer = new Coalescer<string, RunAttempt | null>(async (runIds) => {
    const { rows } = await pool.query<RunAttempt>({ ...readStatement, values: [runIds] });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runIds.map((id) => ({ value: byId.get(id) ?? null }));
  }, statementBatchLimits);

  return {
    /** What an attempt at the run starts from; null when the run is unknown or already final. */
    read: (runId: string): Promise<RunAttempt | null> => coalescer.submit(runId),

    /** Ends the run as failed with `result`; false when it had already ended. */
    async fail(runId: string, result: unknown, startedAt: Date): Promise<boolean> {
      const { rowCount } = await pool.query({ ...failStatement, values: [runId, JSON.stringify(result), startedAt.toISOString()] });
      return rowCount === 1;
    },
  };
}

export type RunAttempts = ReturnType<typeof createRunAttempts>;
