/**
 * The runs' unique index on (tenant_id, idempotency_key) holds keyed runs only: a read of a
 * tenant's key is still planned through it as the pool plans it (a generic plan), a key is still
 * claimed once per tenant, and a run submitted without a key takes no entry in it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRunRepository } from '../../../src/db/runs.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

const index = 'runs_tenant_id_idempotency_key_key';

interface PlanNode {
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

const indexConditions = (node: PlanNode): [string, string | undefined][] => [
  ...(node['Index Name'] ? [[node['Index Name'], node['Index Cond']] as [string, string | undefined]] : []),
  ...(node.Plans ?? []).flatMap(indexConditions),
];

describe("runs' index on idempotency keys", () => {
  it("serves the read of a tenant's key in a generic plan, among many runs without one", async () => {
    const tenantId = await database.tenant('idempotency-index-read');
    await database.pool.query(`INSERT INTO runs (id, tenant_id, spec) SELECT gen_random_uuid(), $1, '{}' FROM generate_series(1, 2000)`, [tenantId]);
    await database.pool.query(`INSERT INTO runs (id, tenant_id, spec, idempotency_key) VALUES (gen_random_uuid(), $1, '{}', 'a key')`, [tenantId]);
    await database.pool.query('ANALYZE runs');
    const client = await database.pool.connect();
    try {
      // As the earlier run of a reused key is read (src/db/runs.ts), planned for any key.
      await client.query('PREPARE reading AS SELECT id FROM runs WHERE tenant_id = $1::uuid AND idempotency_key = $2');
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE reading(${client.escapeLiteral(tenantId)}, 'a key')`);
      await client.query('DEALLOCATE reading');
      const reads = indexConditions(row!['QUERY PLAN'][0].Plan);
      expect(reads.map(([name]) => name)).toContain(index);
      expect(reads.find(([name]) => name === index)![1]).toMatch(/idempotency_key\)?(::text)? = \$2/);
    } finally {
      client.release();
    }
    await database.pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
  });

  it('claims a key once per tenant, and holds no run without one', async () => {
    const tenantId = await database.tenant('idempotency-index');
    const runs = createRunRepository(database.services.database, database.pool);
    const key = randomUUID();
    const first = await runs.create({ tenantId, spec: { n: 1 }, idempotencyKey: key });
    const again = await runs.create({ tenantId, spec: { n: 2 }, idempotencyKey: key });
    expect([first.created, again.created, again.run.id]).toEqual([true, false, first.run.id]);
    await expect(database.pool.query(`INSERT INTO runs (id, tenant_id, spec, idempotency_key) VALUES ($1, $2, '{}', $3)`, [randomUUID(), tenantId, key]))
      .rejects.toMatchObject({ code: '23505' });
    await runs.create({ tenantId, spec: { n: 3 } });
    await runs.create({ tenantId, spec: { n: 4 } });
    const { rows } = await database.pool.query<{ predicate: string | null }>(`
      SELECT pg_get_expr(i.indpred, i.indrelid) AS predicate
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`, [index]);
    expect(rows).toEqual([{ predicate: '(idempotency_key IS NOT NULL)' }]);
    await database.pool.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
  });
});
