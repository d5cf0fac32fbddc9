/**
 * The sweep reconciler's candidates: a deployment's unfinished sweeps not written since a time,
 * least recently written first, read through sweeps_unfinished_idx by both conditions under the
 * pool's generic plans, never by reading the other deployments' or the finished sweeps; the
 * sweeps that ended lately, read through sweeps_ended_idx; the running trials of ended sweeps.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { candidatesStatement, createStrandedSweeps, endedStatement, unstoppedTrialsStatement } from '../../../src/db/stranded-sweeps.ts';
import { tableRowsRead, type PlanNode as ReadNode } from './plan-rows.ts';
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

describe('the running trials of ended sweeps, still to be stopped', () => {
  it("are read from the deployment's running trials alone, never its queued backlog", async () => {
    const tenantId = await database.tenant('unstopped-trials');
    const prefix = `unstopped-${randomUUID()}`;
    const sweep = async (status: string, reason: string) => (await database.pool.query<{ id: string }>(
      `INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix, result) VALUES (gen_random_uuid(), $1, $2::sweep_status, '{}', $3, jsonb_build_object('reason', $4::text)) RETURNING id`,
      [tenantId, status, prefix, reason])).rows[0]!.id;
    const cancelled = await sweep('cancelled', 'cancelled');
    const failed = await sweep('failed', 'coordination_failed');
    const running = await sweep('running', 'none');
    const trials = async (sweepId: string, status: string, count: number, age = '1 hour') => (await database.pool.query<{ id: string }>(
      `INSERT INTO runs (id, tenant_id, spec, status, sweep_id, trial_number, queue_prefix, updated_at)
       SELECT gen_random_uuid(), $1, '{}', $2::run_status, $3, i + (SELECT count(*) FROM runs WHERE sweep_id = $3), $4, now() - $5::interval
         FROM generate_series(1, $6::int) AS i RETURNING id`,
      [tenantId, status, sweepId, prefix, age, count])).rows.map((row) => row.id);
    // Many sweeps that ended so long ago (their trials all ended), a large queued backlog (trials of
    // the running sweep, and runs of their own), and trials still running as they should.
    await database.pool.query(
      `INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix, result)
       SELECT gen_random_uuid(), $1, 'cancelled', '{}', $2, '{"reason": "cancelled"}' FROM generate_series(1, 3000)`, [tenantId, prefix]);
    await trials(running, 'queued', 3000);
    await database.pool.query(
      `INSERT INTO runs (id, tenant_id, spec, status, queue_prefix) SELECT gen_random_uuid(), $1, '{}', 'queued', $2 FROM generate_series(1, 3000)`, [tenantId, prefix]);
    await trials(running, 'running', 5, '1 minute');
    const unstopped = [...await trials(failed, 'running', 1, '3 hours'), ...await trials(cancelled, 'running', 2, '2 hours')];
    await database.pool.query('ANALYZE runs, sweeps');

    const found = await createStrandedSweeps(database.pool).unstoppedTrials(prefix, 10);
    expect(found.map((trial) => trial.id)).toEqual(unstopped);
    expect(found.map((trial) => trial.status)).toEqual(['failed', 'cancelled', 'cancelled']);

    const client = await database.pool.connect();
    try {
      await client.query(`PREPARE unstopped AS ${unstoppedTrialsStatement.text}`);
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: ReadNode & PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE unstopped(${client.escapeLiteral(prefix)}, 10)`);
      await client.query('DEALLOCATE unstopped');
      // Through the index of the running trials alone: one of every unfinished run, or of every trial, reads them all.
      const runsIndexes = nodesOf(row!['QUERY PLAN'][0].Plan).filter((node) => node['Index Name']?.startsWith('runs_')).map((node) => node['Index Name']);
      expect(runsIndexes).toEqual(['runs_running_trials_idx']);
      // The running trials (8) and their sweeps, not the 6,000 queued runs nor the 3,000 sweeps that ended long ago.
      expect(tableRowsRead('runs', row!['QUERY PLAN'][0].Plan)).toBeLessThanOrEqual(8);
      expect(tableRowsRead('sweeps', row!['QUERY PLAN'][0].Plan)).toBeLessThanOrEqual(8);
    } finally {
      client.release();
    }
  });
});

describe('the sweeps that ended lately, whose ends the reconciler tells unless told', () => {
  it("are a deployment's sweeps that ended within a window, by end, read by the partial index alone", async () => {
    const tenantId = await database.tenant('ended-sweeps');
    const prefix = `ended-${randomUUID()}`;
    const insert = (status: string, queuePrefix: string, ended: string, count: number) => database.pool.query<{ id: string }>(
      `INSERT INTO sweeps (id, tenant_id, status, spec, queue_prefix, result, finished_at)
       SELECT gen_random_uuid(), $1, $2::sweep_status, '{}', $3, jsonb_build_object('reason', 'budget_exhausted'),
              CASE WHEN $2 IN ('queued', 'running') THEN NULL ELSE now() - $4::interval - make_interval(mins => i) END
         FROM generate_series(1, $5::int) AS i RETURNING id`,
      [tenantId, status, queuePrefix, ended, count]);
    // Many sweeps: the deployment's that ended days ago and its unfinished ones, another deployment's that ended lately.
    await insert('completed', prefix, '3 days', 3000);
    await insert('running', prefix, '0', 1000);
    await insert('failed', 'another', '1 hour', 2000);
    // The window's: ended 2 hours ago and earlier, by a minute each; one that ended just now, after the window.
    const lately = [
      ...(await insert('completed', prefix, '2 hours', 2)).rows,
      ...(await insert('cancelled', prefix, '4 hours', 1)).rows,
      ...(await insert('failed', prefix, '6 hours', 1)).rows,
    ].map((row) => row.id);
    await insert('completed', prefix, '-1 minute', 1);
    await database.pool.query('ANALYZE sweeps');

    const ended = createStrandedSweeps(database.pool);
    const window = { atLeastMs: 60_000, atMostMs: 23 * 3600_000 };
    // By end: the earliest first.
    const expected = [lately[3], lately[2], lately[1], lately[0]];
    const found = await ended.ended(prefix, window, 10);
    expect(found.map((sweep) => sweep.id)).toEqual(expected);
    expect(found.map((sweep) => sweep.status)).toEqual(['failed', 'cancelled', 'completed', 'completed']);
    expect(found[0]!.result).toEqual({ reason: 'budget_exhausted' });
    // A batch of two, and the one after it.
    const first = await ended.ended(prefix, window, 2);
    expect(first.map((sweep) => sweep.id)).toEqual(expected.slice(0, 2));
    expect((await ended.ended(prefix, window, 2, first[1])).map((sweep) => sweep.id)).toEqual(expected.slice(2));

    const client = await database.pool.connect();
    try {
      await client.query(`PREPARE ended AS ${endedStatement.text}`);
      const { rows: [row] } = await client.query<{ 'QUERY PLAN': [{ Plan: ReadNode & PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ended(${client.escapeLiteral(prefix)}, ${window.atLeastMs}, ${window.atMostMs}, 10, '1970-01-01Z', '00000000-0000-0000-0000-000000000000')`);
      await client.query('DEALLOCATE ended');
      const plan = row!['QUERY PLAN'][0].Plan;
      const reads = nodesOf(plan).filter((node) => node['Index Name'] !== undefined);
      expect(reads.map((node) => node['Index Name'])).toEqual(['sweeps_ended_idx']);
      expect(reads[0]!['Index Cond']).toMatch(/queue_prefix.*finished_at/);
      // The four in the window, not the 6,000 others.
      expect(tableRowsRead('sweeps', plan)).toBeLessThanOrEqual(4);
    } finally {
      client.release();
    }
  });
});
