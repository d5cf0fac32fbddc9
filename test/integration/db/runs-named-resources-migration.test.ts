/**
 * Migration 20261212100000 on a database with runs: it fills `named_resources` of the runs stored
 * before it, which their objective's and datasets' deletions look up; and while a transaction on
 * runs is open (a long run deletion) it gives up after its own lock timeout, changing nothing,
 * and applies once that transaction has ended.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrator.ts';
import { connected, useDatabaseBefore } from './migration-database.ts';

const migration = '20261212100000_runs_named_resources_indexed';
const objectiveId = '018f0000-0000-7000-8000-000000000b1e';
const datasetId = '018f0000-0000-7000-8000-00000000da7a';

const { url, migrateBefore } = useDatabaseBefore(migration);

describe(`migration ${migration}`, () => {
  it('waits for an open transaction on runs at most its lock timeout, then fills the stored runs\' named ids', async () => {
    await migrateBefore();
    const client = await connected(url);
    try {
      const { rows: [tenant] } = await client.query<{ id: string }>(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'named-resources') RETURNING id`);
      await client.query(
        `INSERT INTO runs (id, tenant_id, spec) VALUES
           (gen_random_uuid(), $1, jsonb_build_object('objective', jsonb_build_object('id', upper($2::text)))),
           (gen_random_uuid(), $1, jsonb_build_object('objective', jsonb_build_object('type', 'model', 'data', jsonb_build_object('id', $3::text)))),
           (gen_random_uuid(), $1, '{"objective": {"id": "rosenbrock"}}'),
           (gen_random_uuid(), $1, '{"objective": {"type": "benchmark", "name": "rosenbrock"}}')`,
        [tenant!.id, objectiveId, datasetId]);

      // A run deletion of many steps, still in progress.
      const deletion = await connected(url);
      try {
        await deletion.query('BEGIN');
        await deletion.query(`DELETE FROM runs WHERE spec #>> '{objective,name}' = 'rosenbrock'`);
        await expect(migrate({ databaseUrl: url })).rejects.toThrow(new RegExp(`${migration} failed and was rolled back: canceling statement due to lock timeout`));
      } finally {
        await deletion.query('ROLLBACK');
        await deletion.end();
      }
      const { rows: columns } = await client.query(`SELECT FROM information_schema.columns WHERE table_name = 'runs' AND column_name = 'named_resources'`);
      expect(columns).toHaveLength(0);

      expect((await migrate({ databaseUrl: url })).applied[0]).toBe(migration);
      const { rows } = await client.query<{ named: string[] | null }>(`SELECT named_resources::text[] AS named FROM runs ORDER BY named_resources::text[] NULLS LAST`);
      expect(rows.map((row) => row.named)).toEqual([[objectiveId], [datasetId], null, null]);
    } finally {
      await client.end();
    }
  });
});
