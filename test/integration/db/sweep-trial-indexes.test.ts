/**
 * The runs' indexes on sweep_id hold sweep trials only: the statements reading a sweep's trials
 * are still planned through them as the pool plans them (generic plans), a trial number is still
 * claimed once per sweep, and a run of its own takes no entry in either.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

interface PlanNode {
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

const indexesOf = (node: PlanNode): string[] => [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesOf)];

/** The indexes the generic plan of `text` reads, as the pool's connections plan it. */
async function indexesRead(text: string, values: readonly string[]): Promise<string[]> {
  const client = await database.pool.connect();
  try {
    await client.query(`PREPARE reading AS ${text}`);
    try {
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE reading(${values.map((value) => client.escapeLiteral(value)).join(', ')})`);
      return indexesOf(row!['QUERY PLAN'][0].Plan);
    } finally {
      await client.query('DEALLOCATE reading');
    }
  } finally {
    client.release();
  }
}

describe("runs' indexes on sweep_id", () => {
  it("serve every read of a sweep's trials, by one sweep, several, or joined", async () => {
    const sweep = randomUUID();
    const cases: [string, string[]][] = [
      ['SELECT status, count(*) FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY 1', [`{${sweep}}`]],
      [`SELECT id FROM runs WHERE sweep_id = $1::uuid AND status = 'queued'`, [sweep]],
      [`SELECT count(*) FROM runs WHERE sweep_id = $1::uuid AND status IN ('queued', 'running') AND trial_number < $2::int`, [sweep, '5']],
      ['SELECT id FROM runs WHERE sweep_id = $1::uuid AND trial_number >= $2::int ORDER BY trial_number', [sweep, '0']],
      ['SELECT r.id FROM unnest($1::uuid[]) AS s(id) JOIN runs r ON r.sweep_id = s.id', [`{${sweep}}`]],
    ];
    for (const [text, values] of cases) {
      expect((await indexesRead(text, values)).some((name) => name.startsWith('runs_sweep_id_')), text).toBe(true);
    }
  });

  it('claim a trial number once per sweep, and hold no run of its own', async () => {
    const tenantId = await database.tenant('sweep-indexes');
    const sweep = randomUUID();
    await database.pool.query(`INSERT INTO sweeps (id, tenant_id, spec) VALUES ($1, $2, '{"version": 1}')`, [sweep, tenantId]);
    const insert = (sweepId: string | null, trialNumber: number | null) => database.pool.query(
      `INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number) VALUES ($1, $2, '{}', $3, $4)`, [randomUUID(), tenantId, sweepId, trialNumber]);
    await insert(sweep, 0);
    await expect(insert(sweep, 0)).rejects.toMatchObject({ code: '23505' });
    await insert(null, null);
    await insert(null, null);
    const { rows } = await database.pool.query<{ name: string; predicate: string | null }>(`
      SELECT c.relname AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'runs'::regclass AND c.relname LIKE 'runs_sweep_id%' ORDER BY 1`);
    expect(rows).toEqual([
      { name: 'runs_sweep_id_status_idx', predicate: '(sweep_id IS NOT NULL)' },
      { name: 'runs_sweep_id_trial_number_key', predicate: '(sweep_id IS NOT NULL)' },
    ]);
  });
});
