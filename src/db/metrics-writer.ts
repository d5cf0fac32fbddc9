/**
 * The worker's write path: one slice of a run (its recorded steps, their rollups, its checkpoint
 * or its final status, optionally its progress) goes to PostgreSQL atomically, so the stored
 * metrics never run ahead of or behind the checkpoint a resumed run starts from.
 *
 * Everything but the metric rows is one statement (`sliceStatement`), made of the parts its
 * slices need (rows, rollups, checkpoints: up to eight variants, each prepared once per pooled
 * connection as it is first used). A slice of up to `statementRows` rows passes its rows to that
 * statement too, as arrays to unnest: one round trip, no explicit transaction (a statement is
 * atomic), which is what many small runs need. A larger slice runs the statement and then COPYs its rows, in one
 * transaction: COPY is the faster way for thousands of rows (bench/service/metrics-writer.ts).
 *
 * The write is fenced: the statement locks the run row and writes only when the run is still
 * `running` and its newest checkpoint is the one this writer last saw. A second worker that
 * picked up the same run (a stalled job re-delivered while the first still lives) thus fails
 * its write instead of interleaving its rows with the first one's. As rows and checkpoints are
 * committed together, no rows ever lie past the newest checkpoint: a resumed attempt writes
 * after it, and (run_id, step) stays unique.
 *
 * Rows are only ever inserted for a run the statement has locked and found running, so run_metrics
 * needs no foreign key, whose check would look the run up again for every row; a trigger deletes
 * them with their run (migration 20261206010000_run_metrics_deleted_with_runs).
 *
 * A slice that ends the run stores its final status and result (and a sweep trial's value) and
 * drops the run's checkpoint, which nothing resumes from any more.
 *
 * A checkpoint with large arrays (see checkpoint-encoding.ts) takes the transaction too: its
 * bytes go in a statement of their own, as a binary parameter, never as text.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { ClientBase } from 'pg';
import { Coalescer, type CoalescerOptions } from '../concurrency/coalescer.ts';
import { nestedArrayLiteral, numberText } from './array-literal.ts';
import { float8Array, int4Array, repeatedUuidArray } from './binary-array.ts';
import { metricFieldRegistry, scalarMetricFields } from '../contracts/metric-fields.ts';
import { RollupRows, rollupUpsertSql, type MetricColumns } from './metric-rollups.ts';
import type { Pool } from './pool.ts';
import type { RunStatus } from './runs.ts';
import { isRowError } from './statement-batches.ts';
import { encodeCheckpoint } from './checkpoint-encoding.ts';
import type { RunResultView } from '../contracts/run-result.ts';
import type { EarlyStoppingStateView, RunProgressView } from '../contracts/run-progress.ts';

/**
 * A slice's recorded steps as columns (see MetricColumns), with `params`: one vector per row,
 * or null when the run does not record parameters.
 */
export interface MetricBatch extends MetricColumns {
  readonly params: readonly (readonly number[])[] | null;
}

export interface SliceWrite {
  readonly runId: string;
  /** The checkpoint step this writer resumed from or last wrote (0 before the first). */
  readonly fromStep: number;
  readonly metrics: MetricBatch;
  /** Whether the run keeps rollups (see keepsRollups). */
  readonly rollups: boolean;
  /**
   * Given on an attempt's first slice: the run (queued, or running when an earlier attempt was
   * interrupted) becomes running, started at this time, and the attempt is counted.
   */
  readonly starting?: { readonly startedAt: Date };
  /** Written to the run row when given (the caller throttles it). */
  readonly progress?: { readonly progress: RunProgressView; readonly earlyStopping: EarlyStoppingStateView | null };
  /** The checkpoint to resume from after this slice; or `finish`, which ends the run. */
  readonly checkpoint?: { readonly step: number; readonly state: unknown };
  /** Ends the run: its final status and result replace its checkpoint. */
  readonly finish?: { readonly status: RunStatus; readonly result: RunResultView };
  /**
   * With `finish`, a sweep's trial's value of its sweep's metric (see trialValueOf), stored with
   * its end, so that its sweep's next round need not update the trial again.
   */
  readonly trialValue?: number | null;
}

/**
 * The run moved on without this writer: another worker wrote it, or it was finished or cancelled.
 * `fromStep` is the checkpoint step the refused slice resumed from.
 */
export class StaleRunWriteError extends Error {
  override readonly name = 'StaleRunWriteError';

  constructor(message: string, readonly fromStep: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The scalar metrics as the metric-field table has them, in table order. */
const scalars = scalarMetricFields.map((field) => ({ field, ...metricFieldRegistry[field] }));

/** The metric columns the slice statement unnests, in the order of COPY's fields and of the statement's array parameters. */
const metricColumns = [['step', 'int'], ...scalars.map(({ column, sqlType }) => [column, sqlType] as const), ['params', 'text']] as const;

const metricColumnNames = metricColumns.map(([column]) => column).join(', ');

export const copyStatement = `COPY run_metrics (run_id, ${metricColumnNames}) FROM STDIN`;

/** `\N` (null) or `NaN` for a NaN, per field: whether NaN means "not measured" or is what was measured. */
const copyNaN = scalars.map(({ nanAs }) => (nanAs === 'null' ? '\\N' : 'NaN'));

/**
 * The batch as COPY text (tab-separated, `\N` for null). A float8 is JS's shortest round-trip
 * digits, which parse back to the same double.
 */
export function copyText(runId: string, metrics: MetricBatch): string {
  const lines: string[] = new Array(metrics.step.length);
  const params = metrics.params;
  const columns = scalars.map(({ field }) => metrics[field]);
  for (let i = 0; i < metrics.step.length; i++) {
    let line = `${runId}\t${metrics.step[i]}`;
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c][i];
      line += value === value ? `\t${numberText(value)}` : `\t${copyNaN[c]}`;
    }
    const vector = params ? `{${params[i].map((value) => (Number.isNaN(value) ? 'NaN' : numberText(value))).join(',')}}` : '\\N';
    lines[i] = `${line}\t${vector}\n`;
  }
  return lines.join('');
}

/** COPYs the rows into run_metrics on `client` (inside the caller's transaction, if any). */
async function copyMetrics(client: ClientBase, runId: string, metrics: MetricBatch): Promise<void> {
  if (metrics.step.length === 0) return;
  await pipeline(Readable.from([copyText(runId, metrics)]), client.query(copyFrom(copyStatement)));
}

/** Slices of at most this many rows pass their rows to the slice statement; larger ones COPY them. */
export const statementRows = 1_000;

/**
 * Slices written by one statement, at most, and statements in flight at once (see Coalescer):
 * one at a time makes the batches larger, and a slice waits at most for the one before. The
 * slices of one turn of the event loop go together: a worker's runs started by the same replies
 * end their slices in the same turn, and the first of them sent alone held the others back for
 * its round trip (16 concurrent small runs, 6,000 slices: 1,036 statements, most of 1 or of 15
 * slices; gathered, 526, most of 16). A statement that one slice's rows make fail
 * is tried again slice by slice.
 *
 * A statement holds one slice of a run at most; another waits for the next statement. Its fence
 * (`fenced`) and what follows it go by run: with two slices of one run (two attempts at it, one
 * a stale one), the rows of a slice its fence refused were stored with the other's.
 */
const batching: CoalescerOptions<SliceWrite> = { maxBatch: 32, concurrency: 1, isolate: isRowError, gatherTurn: true, distinct: (slice) => slice.runId };

const sliceColumns = [
  ['run_id', 'uuid'], ['from_step', 'int'], ['started_at', 'timestamptz'], ['checkpoint_step', 'int'], ['checkpoint_state', 'jsonb'],
  ['progress', 'jsonb'], ['early_stopping', 'jsonb'], ['status', 'run_status'], ['result', 'jsonb'], ['metric_rows', 'int'],
  ['trial_value', 'float8'],
] as const;

/**
 * What a statement carries besides its slices' fences and run rows: rows to insert (none when
 * every slice COPYs its rows or has none), rollups to merge (none when no slice's run keeps
 * them), checkpoints to save (none when every slice ends its run or saves none). A part nothing
 * needs is left out of the statement, whose every part PostgreSQL sets up at each execution
 * even when its arrays are empty: a small run's one slice (its first and final at once, no
 * rollups, no checkpoint) needs neither rollups nor a checkpoint.
 */
interface SliceParts {
  readonly rows: boolean;
  readonly rollups: boolean;
  readonly checkpoints: boolean;
}

/**
 * Slices of several runs, as one statement: lock the runs' rows (in id order, so concurrent
 * statements cannot deadlock on them) and check each run's fence (`run`, `fenced`); then, for the runs
 * whose fence holds, insert the rows passed as arrays (none for a COPY slice), merge the
 * rollups, save each checkpoint and drop older ones (or all, for a run that ends), and update
 * the run rows (with their count of stored rows, whether the rows came in the statement or come by COPY). Returns what each fence saw; a run that no longer exists returns no row.
 *
 * Ending runs also changes their tenants' finished metric rows (tenant_metric_rows): a trigger
 * does it once per statement, after the runs, locking those rows in (tenant, shard) order, the
 * same in every statement (migration 20261206043000). Should PostgreSQL still cancel a statement
 * for a deadlock or a serialization failure, or its rows collide with another attempt's commit,
 * it is tried once more (see onceMoreOnConflict).
 *
 * Each combination of `parts` is its own prepared statement, named after the parts it has.
 */
function sliceStatementText(parts: SliceParts): string {
  const firstMetricParameter = sliceColumns.length + 1;
  const firstRollupParameter = firstMetricParameter + (parts.rows ? 1 + metricColumns.length : 0);
  const metrics = `, metrics AS (
    INSERT INTO run_metrics (run_id, ${metricColumnNames})
    SELECT run_id, ${metricColumnNames.replace(/params$/, 'params::float8[]')}
      FROM unnest($${firstMetricParameter}::uuid[], ${metricColumns.map(([, type], i) => `$${firstMetricParameter + 1 + i}::${type}[]`).join(', ')})
        AS m(run_id, ${metricColumnNames})
     WHERE run_id IN (SELECT run_id FROM fenced)
  )`;
  const rollups = `, rollups AS (${rollupUpsertSql(firstRollupParameter, 'run_id IN (SELECT run_id FROM fenced)')}
  )`;
  const saved = `, saved AS (
    INSERT INTO checkpoints (run_id, step, state)
    SELECT run_id, checkpoint_step, checkpoint_state FROM fenced WHERE checkpoint_step IS NOT NULL
    ON CONFLICT (run_id, step) DO UPDATE SET state = EXCLUDED.state, data = NULL, created_at = now()
  )`;
  return `
  WITH input AS (
    SELECT * FROM unnest(${sliceColumns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
      AS i(${sliceColumns.map(([column]) => column).join(', ')})
  ), run AS (
    SELECT id, status, (SELECT max(step) FROM checkpoints WHERE run_id = runs.id) AS checkpoint_step
      FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
  ), fenced AS (
    SELECT input.* FROM input JOIN run ON run.id = input.run_id
     WHERE (run.status = 'running' OR (run.status = 'queued' AND input.started_at IS NOT NULL))
       AND coalesce(run.checkpoint_step, 0) = input.from_step
  )${parts.rows ? metrics : ''}${parts.rollups ? rollups : ''}${parts.checkpoints ? saved : ''}, pruned AS (
    DELETE FROM checkpoints USING fenced
     WHERE checkpoints.run_id = fenced.run_id AND (fenced.checkpoint_step IS NULL OR checkpoints.step < fenced.checkpoint_step)
  ), updated AS (
    UPDATE runs SET
      progress = coalesce(fenced.progress, runs.progress),
      early_stopping = coalesce(fenced.early_stopping, runs.early_stopping),
      status = coalesce(fenced.status, 'running'),
      started_at = coalesce(fenced.started_at, runs.started_at),
      attempts = runs.attempts + (fenced.started_at IS NOT NULL)::int,
      metric_rows = runs.metric_rows + fenced.metric_rows,
      result = coalesce(fenced.result, runs.result),
      trial_value = coalesce(fenced.trial_value, runs.trial_value),
      finished_at = CASE WHEN fenced.status IS NULL THEN runs.finished_at ELSE now() END,
      updated_at = now()
    FROM fenced WHERE runs.id = fenced.run_id
  )
  SELECT id AS run_id, status, coalesce(checkpoint_step, 0) AS checkpoint_step FROM run`;
}

/** The prepared statement of each combination of parts, made when first needed. */
const sliceStatements = new Map<string, { readonly name: string; readonly text: string }>();

/** Named `metrics-writer-slices` and the parts it has, as in `metrics-writer-slices+rows+checkpoints`. */
function sliceStatement(parts: SliceParts): { readonly name: string; readonly text: string } {
  const name = `metrics-writer-slices${parts.rows ? '+rows' : ''}${parts.rollups ? '+rollups' : ''}${parts.checkpoints ? '+checkpoints' : ''}`;
  let statement = sliceStatements.get(name);
  if (!statement) {
    statement = { name, text: sliceStatementText(parts) };
    sliceStatements.set(name, statement);
  }
  return statement;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Where a slice's rows go: into the slice statement as arrays, or by a COPY after it. */
type RowsGo = 'in the statement' | 'by COPY';

/** The statement for `slices`, with its parameters and their rows (or none, for a COPY slice). */
function sliceQuery(slices: readonly SliceWrite[], rowsGo: RowsGo): { readonly name: string; readonly text: string; readonly values: unknown[] } {
  const perSlice = slices.map((slice) => {
    const ending = slice.finish !== undefined;
    return [
      slice.runId,
      slice.fromStep,
      slice.starting?.startedAt.toISOString() ?? null,
      ending ? null : (slice.checkpoint?.step ?? null),
      ending ? null : json(slice.checkpoint?.state),
      json(slice.progress?.progress),
      json(slice.progress?.earlyStopping),
      slice.finish?.status ?? null,
      json(slice.finish?.result),
      slice.metrics.step.length,
      ending ? (slice.trialValue ?? null) : null,
    ];
  });
  const withRows = slices.filter((slice) => slice.metrics.step.length > 0);
  const parts: SliceParts = {
    rows: rowsGo === 'in the statement' && withRows.length > 0,
    rollups: withRows.some((slice) => slice.rollups),
    checkpoints: slices.some((slice) => slice.finish === undefined && slice.checkpoint !== undefined),
  };
  const values: unknown[] = sliceColumns.map((_, c) => perSlice.map((sliceValues) => sliceValues[c]));
  if (parts.rows) {
    const rows = new MetricRows();
    for (const slice of withRows) rows.add(slice.runId, slice.metrics);
    values.push(...rows.parameters());
  }
  if (parts.rollups) {
    const rollups = new RollupRows();
    for (const slice of withRows) if (slice.rollups) rollups.add(slice.runId, slice.metrics);
    values.push(...rollups.parameters());
  }
  return { ...sliceStatement(parts), values };
}

/**
 * Recorded rows of one or more slices as the statement's array parameters: run ids, then one
 * array per column, the numbers in binary (binary-array.ts), the parameter vectors as text.
 */
class MetricRows {
  private readonly runIds: string[] = [];
  private readonly counts: number[] = [];
  private readonly batches: MetricBatch[] = [];

  add(runId: string, metrics: MetricBatch): void {
    this.runIds.push(runId);
    this.counts.push(metrics.step.length);
    this.batches.push(metrics);
  }

  /** A NaN is NULL or NaN as the metric-field table says (NaN for a loss: what a diverged step measured). */
  parameters(): unknown[] {
    const params: (readonly number[] | null)[] = [];
    for (const metrics of this.batches) {
      for (let i = 0; i < metrics.step.length; i++) params.push(metrics.params?.[i] ?? null);
    }
    return [
      repeatedUuidArray(this.runIds, this.counts),
      int4Array(this.batches.map((m) => m.step)),
      ...scalars.map(({ field, sqlType, nanAs }) => {
        const columns = this.batches.map((m) => m[field]);
        return sqlType === 'int' ? int4Array(columns) : float8Array(columns, nanAs);
      }),
      nestedArrayLiteral(params),
    ];
  }
}

interface FenceRow {
  readonly run_id: string;
  readonly status: RunStatus;
  readonly checkpoint_step: number;
}

/** Null when the fence held for `slice`, else why it did not. */
function refusal(slice: SliceWrite, run: FenceRow | undefined): StaleRunWriteError | null {
  const { runId, fromStep } = slice;
  if (!run) return new StaleRunWriteError(`run ${runId} no longer exists`, fromStep);
  if (run.status !== 'running' && !(run.status === 'queued' && slice.starting)) {
    return new StaleRunWriteError(`run ${runId} is ${run.status}, no longer running`, fromStep);
  }
  if (run.checkpoint_step !== fromStep) {
    return new StaleRunWriteError(`run ${runId} has a checkpoint at step ${run.checkpoint_step}; this writer resumed from step ${fromStep}`, fromStep);
  }
  return null;
}

/**
 * Whether a slice's rows collided with stored ones at run_metrics' primary key. A statement that
 * waited for its run's lock while another attempt's slice committed checks the fence against the
 * checkpoints of its snapshot, taken before that commit (only the locked run row is read again):
 * the fence holds, and the rows the slice inserts collide with the other attempt's, which rolls
 * the slice back whole. Written again in a new statement, whose snapshot has that commit, the
 * slice is refused by the fence itself (see onceMoreOnConflict). (A slice without rows to collide is stored
 * after the checkpoint it resumed from, as the other attempt's was: the same trajectory, which
 * resumes bit for bit, and the run's newest checkpoint has every row before it.)
 */
function isRowsCollision(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'run_metrics_pkey';
}

/** Stores a checkpoint's bytes, inside the transaction that stored the rest of its slice. */
const checkpointDataStatement = 'UPDATE checkpoints SET data = $3 WHERE run_id = $1::uuid AND step = $2';

/**
 * SQLSTATEs of a statement PostgreSQL cancelled and rolled back because of concurrent ones, not
 * because of anything it wrote: a deadlock, a serialization failure.
 */
const conflictStates: ReadonlySet<unknown> = new Set(['40P01', '40001']);

/**
 * `write`, and once more if PostgreSQL cancelled it for a conflict with concurrent statements, or
 * its rows collided with another attempt's commit (isRowsCollision): it was rolled back whole, so
 * it runs again as if for the first time, with a snapshot that has the other statements' commits.
 * A second such failure is the write's failure: a collision that persists is not another attempt's
 * commit (rows stored past the newest checkpoint, a step written twice).
 */
async function onceMoreOnConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!conflictStates.has((error as { code?: unknown } | null)?.code) && !isRowsCollision(error)) throw error;
    return write();
  }
}

/** Runs the statement for `slices`; answers each with its fence's refusal, or null. */
async function writeSlices(client: ClientBase | Pool, slices: readonly SliceWrite[], rowsGo: RowsGo): Promise<(StaleRunWriteError | null)[]> {
  const { rows } = await client.query<FenceRow>(sliceQuery(slices, rowsGo));
  const byRun = new Map(rows.map((row) => [row.run_id, row]));
  return slices.map((slice) => refusal(slice, byRun.get(slice.runId)));
}

export function createMetricsWriter(pool: Pool) {
  // Concurrent small slices (of this process's runs) share one statement and one round trip.
  const statements = new Coalescer<SliceWrite, void>(async (slices) => {
    const refusals = await onceMoreOnConflict(() => writeSlices(pool, slices, 'in the statement'));
    return refusals.map((error) => (error ? { error } : { value: undefined }));
  }, batching);

  /** A large slice: the statement without rows, then COPY, then the checkpoint's bytes, in one transaction. */
  async function writeInTransaction(slice: SliceWrite, checkpointData: Buffer | null): Promise<void> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        const [error] = await writeSlices(client, [slice], 'by COPY');
        if (error) throw error;
        await copyMetrics(client, slice.runId, slice.metrics);
        if (checkpointData) await client.query(checkpointDataStatement, [slice.runId, slice.checkpoint!.step, checkpointData]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  return {
    /** Writes one slice atomically; throws StaleRunWriteError when the fence refuses it. */
    write(slice: SliceWrite): Promise<void> {
      const encoded = slice.checkpoint && !slice.finish ? encodeCheckpoint(slice.checkpoint.state) : null;
      const encodedSlice = encoded ? { ...slice, checkpoint: { step: slice.checkpoint!.step, state: encoded.state } } : slice;
      return slice.metrics.step.length <= statementRows && !encoded?.data
        ? statements.submit(encodedSlice)
        : onceMoreOnConflict(() => writeInTransaction(encodedSlice, encoded?.data ?? null));
    },
  };
}

export type MetricsWriter = ReturnType<typeof createMetricsWriter>;
