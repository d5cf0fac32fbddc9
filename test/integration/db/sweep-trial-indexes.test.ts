/**
 * The runs' indexes on sweep_id hold sweep trials only: the statements reading a sweep's trials
 * are still planned through them as the pool plans them (generic plans), a trial number is still
 * claimed once per sweep, and a run of its own takes no entry in either.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bestTrialsSql, createSweepRepository } from '../../../src/db/sweeps.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

interface PlanNode {
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** An index a plan reads, with the condition it reads it by (undefined: the whole index, as a join's inner side may). */
interface IndexRead {
  readonly index: string;
  readonly condition?: string;
}

const indexesOf = (node: PlanNode): IndexRead[] => [
  ...(node['Index Name'] ? [{ index: node['Index Name'], condition: node['Index Cond'] }] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

/** Whether the plan reads an index on sweep_id by a condition on sweep_id, and never reads one whole. */
const readsTrialsBySweep = (reads: readonly IndexRead[]) => {
  const bySweep = reads.filter(({ index }) => index.startsWith('runs_sweep_id_'));
  return bySweep.length > 0 && bySweep.every(({ condition }) => condition?.includes('sweep_id') === true);
};

/** The indexes the generic plan of `text` reads, as the pool's connections plan it. */
async function indexesRead(text: string, values: readonly string[]): Promise<IndexRead[]> {
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
  it("serve every read of a sweep's trials, by one sweep or several", async () => {
    const sweep = randomUUID();
    const cases: [string, string[]][] = [
      ['SELECT status, count(*) FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY 1', [`{${sweep}}`]],
      [`SELECT id FROM runs WHERE sweep_id = $1::uuid AND status = 'queued'`, [sweep]],
      [`SELECT count(*) FROM runs WHERE sweep_id = $1::uuid AND status IN ('queued', 'running') AND trial_number < $2::int`, [sweep, '5']],
      ['SELECT id FROM runs WHERE sweep_id = $1::uuid AND trial_number >= $2::int ORDER BY trial_number', [sweep, '0']],
    ];
    for (const [text, values] of cases) {
      expect(readsTrialsBySweep(await indexesRead(text, values)), text).toBe(true);
    }
  });

  it("serve the best trials of a page of sweeps among many sweeps' trials and many runs of their own", async () => {
    // Where a generic plan of the join alone could hash-join every trial (10,000 here), every tenant's, to return two sweeps' best.
    const tenantId = await database.tenant('sweep-indexes-best');
    const { rows: sweeps } = await database.pool.query<{ id: string }>(`
      INSERT INTO sweeps (id, tenant_id, spec) SELECT gen_random_uuid(), $1, '{"version": 1}' FROM generate_series(1, 200) RETURNING id`, [tenantId]);
    await database.pool.query(`
      INSERT INTO runs (id, tenant_id, spec, sweep_id, trial_number, status, trial_value)
      SELECT gen_random_uuid(), $1, '{}', s.id, n, 'completed', random() FROM unnest($2::uuid[]) AS s(id), generate_series(0, 49) AS n`,
    [tenantId, sweeps.map(({ id }) => id)]);
    await database.pool.query(`INSERT INTO runs (id, tenant_id, spec) SELECT gen_random_uuid(), $1, '{}' FROM generate_series(1, 20000)`, [tenantId]);
    await database.pool.query('ANALYZE runs');
    const page = `{${sweeps.slice(0, 2).map(({ id }) => id).join(',')}}`;
    // Bounded to the page's sweeps by a condition on runs alone, whichever join the plan picks.
    const reads = await indexesRead(bestTrialsSql, [page, '{1,1}']);
    expect(readsTrialsBySweep(reads)).toBe(true);
    expect(reads.filter(({ index }) => index.startsWith('runs_sweep_id_')).every(({ condition }) => condition!.includes('sweep_id = ANY ($1)'))).toBe(true);
    const best = await createSweepRepository(database.pool).bestTrials(sweeps.slice(0, 2).map(({ id }) => ({ id, sign: 1 })));
    expect([...best.keys()].sort()).toEqual(sweeps.slice(0, 2).map(({ id }) => id).sort());
    await database.pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
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
