/**
 * A whole range of a run's recorded steps as CSV or JSON lines, written by PostgreSQL itself:
 * `COPY (SELECT …) TO STDOUT` writes the text of each page, and the API sends it to the client.
 *
 * The range is read page by page, keyset on the step (`step > last step sent … LIMIT n`, in
 * the primary key's order), each page on a connection taken for it alone and given back before
 * the page is written out: a client that reads slowly, or not at all, holds no connection while
 * the service waits for its socket, only pages in memory (about `pageBytes` each). Pages are read
 * one ahead: the next page is read as soon as the one before is handed to the response, and held
 * until the client has taken that one.
 *
 * Each page is its own snapshot, not the whole export: what the export gives is what the run's
 * rows are. Rows are only ever appended, in step order, up to a run's last step (a resumed run
 * never writes again below its checkpoint): the rows of a finished run do not change, and the
 * route bounds a running run's export at the last step it had recorded when the export began,
 * so while no rows are deleted either export is the same as one statement's. Two things delete
 * rows: the run's deletion, which takes all of them in one statement, and the retention pass
 * (METRICS_RETENTION_DAYS), which deletes a run's old rows in chunks from its lowest step up and
 * lowers the run's `metric_rows` in the same statement. A page-by-page export could meet a chunk
 * between two pages and leave a gap in the middle of the range (one statement could only miss a
 * leading block), so each later page reads `metric_rows` again: a run gone (before the first
 * page, `open` answers null) or with fewer rows than at the first page fails the stream instead
 * of ending it as if complete, and the client sees a cut-off response. And whatever deleted them
 * (another process sharing the database, which need not lower `metric_rows`), an export whose
 * pages did not add up to the range's rows as counted at the first page fails the same way: a
 * page short in the middle of the range would otherwise end the export as if it were complete.
 *
 * The text matches the API's pages: a header `step,<field>…` with `params[0]`, `params[1]`, …
 * for the parameters (CSV), one object per line with `step` first (JSON lines); non-finite
 * values are empty cells and nulls. Numbers are PostgreSQL's shortest exact form of each
 * float8 (`1e-05` where JavaScript writes `0.00001`: the same double).
 *
 * COPY takes no bind parameters, so the statement is built from values checked here: the run
 * id must be a UUID and the steps integers, and every column name comes from our own table.
 */
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { isPoolBusy } from './pool-busy.ts';
import { metricFieldRegistry, type MetricField, type ScalarMetricField } from '../contracts/metric-fields.ts';
import type { Pool } from './pool.ts';
import { isUuid } from './uuid.ts';

type ExportFormat = 'csv' | 'jsonl';

export interface ExportQuery {
  readonly fields: readonly MetricField[];
  readonly from: number;
  readonly to: number;
  readonly format: ExportFormat;
}

const columnOf = (field: ScalarMetricField): string => metricFieldRegistry[field].column;

/** NULL for NaN and ±Infinity, as the JSON pages give them (an integer column is always finite). */
const finiteFloat = (expression: string) => `CASE WHEN ${expression} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE ${expression} END`;
const finite = (field: ScalarMetricField) => (metricFieldRegistry[field].sqlType === 'int' ? columnOf(field) : finiteFloat(columnOf(field)));

function csvSelect(fields: readonly MetricField[], paramCount: number): string {
  const columns = ['step'];
  for (const field of fields) {
    if (field !== 'params') columns.push(`${finite(field)} AS "${field}"`);
    else for (let i = 0; i < paramCount; i++) columns.push(`${finiteFloat(`params[${i + 1}]`)} AS "params[${i}]"`);
  }
  return columns.join(', ');
}

function jsonlSelect(fields: readonly MetricField[], paramCount: number): string {
  const json = (finiteExpression: string) => `coalesce((${finiteExpression})::text, 'null')`;
  const parts = [`'{"step":' || step`];
  for (const field of fields) {
    // Element by element: printing a float8[] whole (array_out) costs more than the rest of the row.
    const elements = Array.from({ length: paramCount }, (_, i) => json(finiteFloat(`params[${i + 1}]`))).join(` || ',' || `);
    const value = field !== 'params' ? json(finite(field))
      : paramCount === 0 ? `'null'`
      : `CASE WHEN cardinality(params) > 0 THEN '[' || ${elements} || ']' ELSE 'null' END`;
    parts.push(`',"${field}":' || ${value}`);
  }
  parts.push(`'}'`);
  return parts.join(' || ');
}

/** About the text of one page held in memory; a page holds at least one row and at most `maxPageRows`. */
const pageBytes = 1_048_576;
const maxPageRows = 10_000;

/** Rows per page of an export of `fields`, `paramCount` parameters wide: about `pageBytes` of text, at up to 24 characters a value. */
function exportPageRows(fields: readonly MetricField[], paramCount: number): number {
  const values = 1 + fields.filter((field) => field !== 'params').length + paramCount;
  return Math.max(1, Math.min(maxPageRows, Math.floor(pageBytes / (24 * values))));
}

/** Tries at a later page's connection, each waiting up to the pool's bound, while the pool stays busy. */
const laterPageConnectTries = 6;

/** The export's run was deleted while its pages were being read: the rows sent are not the whole range. */
class ExportedRunDeletedError extends Error {
  override readonly name = 'ExportedRunDeletedError';
  constructor(runId: string) {
    super(`run ${runId} was deleted while it was being exported`);
  }
}

/** The retention pass deleted some of the export's run's rows while its pages were being read: the rows sent may leave a gap. */
class ExportedRowsPrunedError extends Error {
  override readonly name = 'ExportedRowsPrunedError';
  constructor(runId: string) {
    super(`rows of run ${runId} were deleted by the retention pass while it was being exported`);
  }
}

/** The export's pages held fewer (or more) rows than its range did when its first page was read. */
class ExportedRowsChangedError extends Error {
  override readonly name = 'ExportedRowsChangedError';
  constructor(runId: string, expected: number, sent: number) {
    super(`run ${runId} had ${expected} rows in the range exported, and ${sent} were read: its rows changed while it was being exported`);
  }
}

/** The export's stream was destroyed (its client left) before its next page was read. */
class ExportStoppedError extends Error {
  override readonly name = 'ExportStoppedError';
  constructor() {
    super('the export was stopped before its next page was read');
  }
}

/** The step of the last line of a page's text (a CSV row or a JSON line, `step` first). */
function lastStepOf(text: Buffer): number {
  const end = text.length - 1;
  const line = text.subarray(text.lastIndexOf(0x0a, end - 1) + 1, end).toString('latin1');
  const step = /^(?:\{"step":)?(\d+)/.exec(line)?.[1];
  if (step === undefined) throw new Error(`an export page ends with a line without a step: ${line.slice(0, 40)}`);
  return Number(step);
}

interface Page {
  readonly text: Buffer;
  /** The page's last step; the next page starts after it. */
  readonly lastStep: number;
  /** Whether the range has no rows after this page. */
  readonly last: boolean;
  /** The page's row count. */
  readonly rows: number;
}

export function createMetricsExport(pool: Pool) {
  /**
   * A connection of the pool; a later page waits through a busy pool a few times before failing,
   * unless the export was `stopped` (its stream destroyed: its client left) meanwhile.
   */
  async function connect(tries: number, stopped: () => boolean): Promise<PoolClient> {
    for (let attempt = 1; ; attempt++) {
      if (stopped()) throw new ExportStoppedError();
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        if (attempt >= tries || !isPoolBusy(error) || stopped()) throw error;
        continue;
      }
      if (!stopped()) return client;
      client.release();
      throw new ExportStoppedError();
    }
  }

  /** The text of `sql` (a COPY … TO STDOUT) and its row count. */
  async function copied(client: PoolClient, sql: string): Promise<{ text: Buffer; rows: number }> {
    const copy = client.query(copyTo(sql));
    const chunks: Buffer[] = [];
    for await (const chunk of copy as AsyncIterable<Buffer>) chunks.push(chunk);
    return { text: Buffer.concat(chunks), rows: copy.rowCount };
  }

  return {
    /**
     * The rows of [from, to] of the run as a stream of text from PostgreSQL, page by page; null
     * when the run is gone. The first page is read here (a busy pool or an outage is then the
     * request's error, before anything is sent); a later page that fails destroys the stream.
     */
    async open(runId: string, query: ExportQuery): Promise<Readable | null> {
      if (!isUuid(runId)) throw new Error(`not a run id: ${runId}`);
      if (!Number.isInteger(query.from) || !Number.isInteger(query.to)) throw new Error('from and to must be integers');
      const range = `run_id = '${runId}'::uuid AND step BETWEEN ${query.from} AND ${query.to}`;
      let paramCount = 0;
      let rowsPerPage = 0;
      let header = query.format === 'csv';
      /** The stream of the pages, once the first is read. */
      const sent: { stream?: Readable } = {};
      /** The run's count of stored rows before its first page: only the retention pass lowers it. */
      let storedRows = -1;
      /** The range's count of rows as its first page was read (-1: the first page was the last): the pages sent add up to it. */
      let rangeRows = -1;
      /** The run's count of stored rows now, null when the run is gone. */
      const storedRowsNow = async (client: PoolClient): Promise<number | null> =>
        (await client.query<{ n: number }>('SELECT metric_rows AS n FROM runs WHERE id = $1::uuid', [runId])).rows[0]?.n ?? null;

      /** The page after step `after`, read on a connection of its own, which goes back to the pool before the page is sent. */
      const page = async (after: number, tries: number): Promise<Page | null> => {
        const client = await connect(tries, () => sent.stream?.destroyed === true);
        let broken = true;
        const opening = rowsPerPage === 0;
        try {
          if (opening) {
            const stored = await storedRowsNow(client);
            if (stored === null) {
              broken = false;
              return null;
            }
            storedRows = stored;
            if (query.fields.includes('params')) {
              // A run records its parameters at every step or at none: its first and last rows tell the width.
              const { rows } = await client.query<{ n: number | null }>(
                `SELECT greatest((SELECT cardinality(params) FROM run_metrics WHERE ${range} ORDER BY run_id, step LIMIT 1),
                                 (SELECT cardinality(params) FROM run_metrics WHERE ${range} ORDER BY run_id DESC, step DESC LIMIT 1)) AS n`);
              paramCount = rows[0]?.n ?? 0;
            }
            rowsPerPage = exportPageRows(query.fields, paramCount);
          }
          const select = `FROM run_metrics WHERE ${range} AND step > ${after} ORDER BY run_id, step LIMIT ${rowsPerPage}`;
          const sql = query.format === 'csv'
            ? `COPY (SELECT ${csvSelect(query.fields, paramCount)} ${select}) TO STDOUT WITH (FORMAT csv, HEADER ${header})`
            : `COPY (SELECT ${jsonlSelect(query.fields, paramCount)} ${select}) TO STDOUT`;
          const { text, rows } = await copied(client, sql);
          const last = rows < rowsPerPage;
          // An export of one page is one read, which nothing can cut short; a longer one counts its range once.
          if (opening && !last) rangeRows = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM run_metrics WHERE ${range}`)).rows[0]!.n;
          // Deleted runs take all their rows at once, and the retention pass lowers the count of
          // those it deletes in the same statement: a run still there, with as many rows as when
          // the first page was read, lost none of the range before this page was read.
          const stored = opening ? storedRows : await storedRowsNow(client);
          broken = false;
          if (stored === null) return null;
          if (stored < storedRows) throw new ExportedRowsPrunedError(runId);
          header = false;
          return { text, lastStep: rows > 0 ? lastStepOf(text) : after, last, rows };
        } finally {
          client.release(broken || undefined);
        }
      };

      const first: Page | null = await page(query.from - 1, 1);
      if (!first) return null;
      const firstPage: Page = first;
      async function* pages(): AsyncGenerator<Buffer> {
        let current = firstPage;
        let sentRows = 0;
        for (;;) {
          sentRows += current.rows;
          if (current.last && rangeRows >= 0 && sentRows !== rangeRows) throw new ExportedRowsChangedError(runId, rangeRows, sentRows);
          if (current.text.length > 0) yield current.text;
          if (current.last) return;
          const next = await page(current.lastStep, laterPageConnectTries);
          if (!next) throw new ExportedRunDeletedError(runId);
          current = next;
        }
      }
      sent.stream = Readable.from(pages(), { objectMode: false, highWaterMark: 1 });
      return sent.stream;
    },
  };
}

export type MetricsExport = ReturnType<typeof createMetricsExport>;
