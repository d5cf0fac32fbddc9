/**
 * A whole range of a run's recorded steps as CSV or JSON lines, streamed by PostgreSQL itself:
 * `COPY (SELECT …) TO STDOUT` writes the text, and the API pipes it to the client as it comes,
 * so an export of millions of steps holds one chunk in memory at a time and costs about what
 * the COPY costs.
 *
 * The text matches the API's pages: a header `step,<field>…` with `params[0]`, `params[1]`, …
 * for the parameters (CSV), one object per line with `step` first (JSON lines); non-finite
 * values are empty cells and nulls. Numbers are PostgreSQL's shortest exact form of each
 * float8 (`1e-05` where JavaScript writes `0.00001`: the same double).
 *
 * COPY takes no bind parameters, so the statement is built from values checked here: the run
 * id must be a UUID and the steps integers, and every column name comes from our own table.
 */
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
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

export function createMetricsExport(pool: Pool) {
  return {
    /**
     * The rows of [from, to] of the run as a stream of text straight from PostgreSQL. The
     * connection goes back to the pool when the stream ends; one destroyed early (the client
     * left) or failed is closed instead, as it is mid-COPY.
     */
    async open(runId: string, query: ExportQuery): Promise<Readable> {
      if (!isUuid(runId)) throw new Error(`not a run id: ${runId}`);
      if (!Number.isInteger(query.from) || !Number.isInteger(query.to)) throw new Error('from and to must be integers');
      const client = await pool.connect();
      try {
        const range = `run_id = '${runId}'::uuid AND step BETWEEN ${query.from} AND ${query.to}`;
        let paramCount = 0;
        if (query.fields.includes('params')) {
          // A run records its parameters at every step or at none: its first and last rows tell the width.
          const { rows } = await client.query<{ n: number | null }>(
            `SELECT greatest((SELECT cardinality(params) FROM run_metrics WHERE ${range} ORDER BY run_id, step LIMIT 1),
                             (SELECT cardinality(params) FROM run_metrics WHERE ${range} ORDER BY run_id DESC, step DESC LIMIT 1)) AS n`);
          paramCount = rows[0]?.n ?? 0;
        }
        const sql = query.format === 'csv'
          ? `COPY (SELECT ${csvSelect(query.fields, paramCount)} FROM run_metrics WHERE ${range} ORDER BY run_id, step)
               TO STDOUT WITH (FORMAT csv, HEADER true)`
          : `COPY (SELECT ${jsonlSelect(query.fields, paramCount)} FROM run_metrics WHERE ${range} ORDER BY run_id, step) TO STDOUT`;
        const copy: Readable = client.query(copyTo(sql));
        let released = false;
        const release = (discard: boolean) => {
          if (released) return;
          released = true;
          client.release(discard || undefined);
        };
        copy.once('end', () => release(false));
        copy.once('error', () => release(true));
        copy.once('close', () => release(!copy.readableEnded));
        return copy;
      } catch (error) {
        client.release(true);
        throw error;
      }
    },
  };
}

export type MetricsExport = ReturnType<typeof createMetricsExport>;
