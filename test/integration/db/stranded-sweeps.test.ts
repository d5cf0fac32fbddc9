/**
 * The sweep reconciler's candidates: a deployment's unfinished sweeps not written since a time,
 * least recently written first, read through sweeps_unfinished_idx by both conditions under the
 * pool's generic plans, never by reading the other deployments' or the finished sweeps.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { candidatesStatement, createStrandedSweeps } from '../../../src/db/stranded-sweeps.ts';
import { useTestDatabase } from './support.ts';

const database = useTestDatabase();

interface PlanNode {
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Node Type': string;
  readonly Plans?: readonly PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe("the sweep reconciler's candidates", () => {
  it("are a deployment's unfinished sweeps written before a time, oldest first, read by the partial index", async () => {
    const tenantId = await database.tenant('stranded-sweeps');
    const prefix = `stranded-${randomUUID()}`;
    // Others' sweeps and finished ones, many; the deployment's unfinished ones, three of them stale.
    await database.pool.query(
      `INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix, updated_at)
       SELECT gen_random_uuid(), $1, (ARRAY['running', 'completed', 'failed', 'queued']::sweep_status[])[1 + i % 4], '{}',
              CASE WHEN i % 4 IN (1, 2) THEN $2 ELSE 'another' END, now() - interval '1 day'
         FROM generate_series(1, 2000) AS i`,
      [tenantId, prefix],
    );
    const { rows: stale } = await database.pool.query<{ id: string }>(
      `INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix, updated_at)
       SELECT gen_random_uuid(), $1, (ARRAY['running', 'queued']::sweep_status[])[1 + i % 2], '{}', $2, now() - make_interval(hours => 10 - i)
         FROM generate_series(1, 3) AS i RETURNING id`,
      [tenantId, prefix],
    );
    await database.pool.query(`INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix) VALUES (gen_random_uuid(), $1, 'running', '{}', $2)`, [tenantId, prefix]);
    await database.pool.query('ANALYZE sweeps');

    const staleBefore = new Date(Date.now() - 3600_000);
    const candidates = await createStrandedSweeps(database.pool).candidates(prefix, staleBefore, 10);
    expect(candidates.map((sweep) => sweep.id)).toEqual(stale.map((sweep) => sweep.id));
    // After a position: the batch goes on from the candidate after it.
    const after = await createStrandedSweeps(database.pool).candidates(prefix, staleBefore, 10, candidates[0]);
    expect(after.map((sweep) => sweep.id)).toEqual(stale.slice(1).map((sweep) => sweep.id));
    expect(candidates.every((sweep) => sweep.failedRounds === 0 && sweep.roundError === null)).toBe(true);

    const client = await database.pool.connect();
    try {
      await client.query(`PREPARE candidates AS ${candidatesStatement.text}`);
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE candidates(${client.escapeLiteral(prefix)}, ${client.escapeLiteral(staleBefore.toISOString())}, 10, '1970-01-01Z', '00000000-0000-0000-0000-000000000000')`);
      await client.query('DEALLOCATE candidates');
      const nodes = nodesOf(row!['QUERY PLAN'][0].Plan);
      const reads = nodes.filter((node) => node['Index Name'] !== undefined);
      expect(reads.map((node) => node['Index Name'])).toEqual(['sweeps_unfinished_idx']);
      expect(reads[0]!['Index Cond']).toMatch(/queue_prefix.*updated_at/);
      // The rows after the pass's position are put in order of last write and id by a sort, bounded by the batch (see pass-order.ts).
      expect(nodes.some((node) => node['Node Type'] === 'Seq Scan')).toBe(false);
    } finally {
      client.release();
    }
  });
});
