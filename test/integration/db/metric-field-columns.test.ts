/**
 * The metric-field table against the migrated database: every field has its column in
 * run_metrics with the table's SQL type, and every rolled-up field its four rollup columns, so
 * a field added to the table without its migration fails here rather than at the first write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricFieldRegistry, rolledUpMetricFields, scalarMetricFields } from '../../../src/contracts/metric-fields.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { openTestServices, type TestServices } from '../support/services.ts';

let services: TestServices;
let pool: Pool;

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 2);
});

afterAll(async () => {
  await pool.end();
  await services.close();
});

async function columnsOf(table: string): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ column_name: string; udt_name: string }>(
    'SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()', [table]);
  return new Map(rows.map((row) => [row.column_name, row.udt_name]));
}

const udtOf = { int: 'int4', float8: 'float8' } as const;

describe('the metric-field table', () => {
  it.each(scalarMetricFields)('%s has its run_metrics column with the SQL type of the table', async (field) => {
    const { column, sqlType } = metricFieldRegistry[field];
    expect((await columnsOf('run_metrics')).get(column)).toBe(udtOf[sqlType]);
  });

  it.each(rolledUpMetricFields)('%s has its count, the two parts of its sum, min and max in metric_rollups', async (field) => {
    const columns = await columnsOf('metric_rollups');
    const { column } = metricFieldRegistry[field];
    expect([`${column}_count`, `${column}_sum`, `${column}_sum_scaled`, `${column}_min`, `${column}_max`].map((name) => columns.get(name)))
      .toEqual(['int4', 'float8', 'float8', 'float8', 'float8']);
  });
});
