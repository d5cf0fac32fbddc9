/**
 * What a worker's attempt at a run starts from: the spec, the tenant and the newest checkpoint,
 * if an earlier attempt left one, for a run that is queued or was interrupted while running. A
 * run already final (cancelled while queued, a duplicate delivery, a slice that ended it whose
 * answer was lost) yields null; how it ended is read apart (`ended`), which few attempts need.
 *
 * Reading it changes nothing: the attempt's first slice marks the run running (and counts the
 * attempt) in the same statement that stores that slice (src/db/metrics-writer.ts), which
 * spares every run an update of its row. Concurrent reads of a worker's jobs share one statement
 * (see Coalescer): with many short runs, a round trip per start would cost more than the runs.
 * A checkpoint's bytes (its large arrays, see checkpoint-encoding.ts) are read on their own, in
 * chunks: the driver reads a bytea as hex text, which for all of them at once would be a string
 * twice their size, longer than a JavaScript string may be.
 */
import { Coalescer } from '../concurrency/coalescer.ts';
import type { Pool } from './pool.ts';
import { statementBatchLimits } from './statement-batches.ts';
import { decodeCheckpoint } from './checkpoint-encoding.ts';
import type { FinalRunStatus } from '../contracts/run-status.ts';
import type { RunResultView } from '../contracts/run-result.ts';

export interface RunAttempt {
  readonly id: string;
  readonly tenantId: string;
  readonly spec: unknown;
  /** The sweep of a trial; null for a run of its own. */
  readonly sweepId: string | null;
  /** That sweep's spec (its pruner decides in the worker): null for a run of its own. */
  readonly sweepSpec: unknown;
  /** The trial's number in its sweep; null for a run of its own. */
  readonly trialNumber: number | null;
  /** The newest checkpoint (only the newest is kept), as the worker serialised it (its arrays decoded). */
  readonly checkpoint: { readonly step: number; readonly state: unknown } | null;
}

/** A run that has ended, as an attempt that finds it so tells its followers (see the run processor). */
export interface EndedRun {
  readonly id: string;
  readonly status: FinalRunStatus;
  readonly result: RunResultView | null;
  readonly sweepId: string | null;
  readonly trialNumber: number | null;
}

const readStatement = {
  name: 'run-attempts-read',
  text: `
  SELECT id, tenant_id AS "tenantId", spec, sweep_id AS "sweepId", trial_number AS "trialNumber",
         (SELECT json_build_object('step', step, 'state', state, 'dataBytes', octet_length(data)) FROM checkpoints
           WHERE run_id = runs.id ORDER BY step DESC LIMIT 1) AS checkpoint
    FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')`,
};

const endedStatement = {
  name: 'run-attempts-ended',
  text: `
  SELECT id, status, result, sweep_id AS "sweepId", trial_number AS "trialNumber"
    FROM runs WHERE id = $1::uuid AND status NOT IN ('queued', 'running')`,
};

/** Bytes of a checkpoint's data per row of `dataStatement`: 32 MiB of hex text each. */
const dataChunkBytes = 16 * 1024 * 1024;

/** A checkpoint's bytes as rows of chunks, in one statement (one snapshot); none when it is gone. */
const dataStatement = {
  name: 'run-attempts-checkpoint-data',
  text: `
  SELECT substring(data FROM start FOR $3) AS chunk
    FROM checkpoints, generate_series(1, octet_length(data), $3) AS start
   WHERE run_id = $1::uuid AND step = $2 ORDER BY start`,
};

/** A sweep's spec: it never changes, so a process reads it once (see `sweepSpec`), not with every trial. */
const sweepSpecStatement = { name: 'run-attempts-sweep-spec', text: 'SELECT spec FROM sweeps WHERE id = $1::uuid' };

/** Sweeps whose specs a process remembers, at most; then it forgets them all. */
const rememberedSweeps = 256;

type StoredAttempt = Omit<RunAttempt, 'checkpoint' | 'sweepSpec'> & {
  readonly checkpoint: { readonly step: number; readonly state: unknown; readonly dataBytes: number | null } | null;
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
  const coalescer = new Coalescer<string, StoredAttempt | null>(async (runIds) => {
    const { rows } = await pool.query<StoredAttempt>({ ...readStatement, values: [runIds] });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runIds.map((id) => ({ value: byId.get(id) ?? null }));
  }, statementBatchLimits);

  /** Sweep specs by sweep, as read (or being read: concurrent trials of a sweep share the read). */
  const sweepSpecs = new Map<string, Promise<unknown>>();

  /** The sweep's spec; null when the sweep is gone. */
  function sweepSpec(sweepId: string): Promise<unknown> {
    let spec = sweepSpecs.get(sweepId);
    if (!spec) {
      if (sweepSpecs.size >= rememberedSweeps) sweepSpecs.clear();
      spec = pool.query<{ spec: unknown }>({ ...sweepSpecStatement, values: [sweepId] }).then(({ rows }) => rows[0]?.spec ?? null);
      // A failed read (or a sweep not found) is not remembered.
      spec.then((found) => found === null && sweepSpecs.delete(sweepId), () => sweepSpecs.delete(sweepId));
      sweepSpecs.set(sweepId, spec);
    }
    return spec;
  }

  /** The checkpoint's bytes; null when another slice replaced it meanwhile. */
  async function checkpointData(runId: string, step: number, bytes: number): Promise<Uint8Array | null> {
    const { rows } = await pool.query<{ chunk: Buffer }>({ ...dataStatement, values: [runId, step, dataChunkBytes] });
    const data = new Uint8Array(bytes);
    let offset = 0;
    for (const { chunk } of rows) {
      if (offset + chunk.length > bytes) return null;
      data.set(chunk, offset);
      offset += chunk.length;
    }
    return offset === bytes ? data : null;
  }

  /** What an attempt at the run starts from, its checkpoint's arrays back in place; null when the run is unknown or already final. */
  async function read(runId: string): Promise<RunAttempt | null> {
    const stored = await coalescer.submit(runId);
    if (!stored) return null;
    const attempt = { ...stored, sweepSpec: stored.sweepId === null ? null : await sweepSpec(stored.sweepId) };
    if (!attempt.checkpoint) return { ...attempt, checkpoint: null };
    const { step, state, dataBytes } = attempt.checkpoint;
    if (dataBytes === null) return { ...attempt, checkpoint: { step, state } };
    const data = await checkpointData(runId, step, dataBytes);
    // A newer slice replaced the checkpoint between the two reads: read the run again.
    return data === null ? read(runId) : { ...attempt, checkpoint: { step, state: decodeCheckpoint(state, data) } };
  }

  return {
    read,

    /** How the run ended; null when it is unknown or not final. */
    async ended(runId: string): Promise<EndedRun | null> {
      const { rows } = await pool.query<EndedRun>({ ...endedStatement, values: [runId] });
      return rows[0] ?? null;
    },

    /** Ends the run as failed with `result`; false when it had already ended. */
    async fail(runId: string, result: unknown, startedAt: Date): Promise<boolean> {
      const { rowCount } = await pool.query({ ...failStatement, values: [runId, JSON.stringify(result), startedAt.toISOString()] });
      return rowCount === 1;
    },
  };
}

export type RunAttempts = ReturnType<typeof createRunAttempts>;
