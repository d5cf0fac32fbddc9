/**
 * Migration 20261213110000 on a database with stored objectives and sweeps: it fills
 * `named_resources` of those stored before it, which the deletions of what they name look up (a
 * dataset named by a stored objective or by a sweep that has not ended is kept); and while a
 * transaction on either table is open (a deletion reading them) it gives up after its own lock
 * timeout, changing nothing, and applies once that transaction has ended.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrator.ts';
import { datasetDeletionStatement, objectiveDeletionStatement } from '../../../src/db/resource-deletion.ts';
import { connected, useDatabaseBefore } from './migration-database.ts';

const migration = '20261213110000_objectives_sweeps_named_resources';
const objectiveId = '018f0000-0000-7000-8000-000000000b1e';
const datasetId = '018f0000-0000-7000-8000-00000000da7a';
const validationId = '018f0000-0000-7000-8000-00000000da7b';
const unnamedId = '018f0000-0000-7000-8000-00000000da7c';

const { url, migrateBefore } = useDatabaseBefore(migration);

const base = (objective: object) => ({ objective, optimizer: { name: 'sgd', learningRate: 0.1 } });
const rate = { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } };

describe(`migration ${migration}`, () => {
  it('waits for an open transaction on stored objectives at most its lock timeout, then fills the named ids of the stored objectives and sweeps', async () => {
    await migrateBefore();
    const client = await connected(url);
    try {
      const { rows: [tenant] } = await client.query<{ id: string }>(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'named-resources') RETURNING id`);
      const tenantId = tenant!.id;
      for (const id of [datasetId, validationId, unnamedId]) {
        await client.query(`INSERT INTO datasets (id, tenant_id, format, row_count, feature_count) VALUES ($1, $2, 'dense', 4, 1)`, [id, tenantId]);
      }
      // Stored objectives over both datasets (one named in upper case), over inline data, and of an expression.
      const objectives: [string, string, object][] = [
        [objectiveId, 'expression', { type: 'expression', expression: 'x^2', variables: ['x'] }],
        [randomUUID(), 'datasets', { type: 'model', model: 'logistic', data: { id: datasetId.toUpperCase() }, validation: { id: validationId } }],
        [randomUUID(), 'inline', { type: 'model', model: 'logistic', data: { rows: [[0, 1], [1, 0]] } }],
      ];
      for (const [id, name, definition] of objectives) {
        await client.query(`INSERT INTO objectives (id, tenant_id, name, definition) VALUES ($1, $2, $3, $4::jsonb)`, [id, tenantId, name, JSON.stringify(definition)]);
      }
      // Sweeps naming the stored objective in their base, the dataset as their base's data or among
      // a parameter's values (one whose key is spelled with escapes), one that has ended, and ones
      // only mentioning an id, in their name.
      const sweeps: [string, string, string][] = [
        ['objective in base', 'queued', JSON.stringify({ base: base({ id: objectiveId }), parameters: rate })],
        ['data in base', 'running', JSON.stringify({ base: base({ type: 'model', model: 'logistic', data: { id: datasetId } }), parameters: rate })],
        ['data among values', 'queued', JSON.stringify({
          base: base({ type: 'model', model: 'logistic', data: { rows: [[0, 1]] } }),
          parameters: { 'objective.data.id': { type: 'categorical', values: ['not-an-id', validationId] } },
        }).replace('"objective.data.id"', '"objective.data.\\u0069d"')],
        ['ended', 'completed', JSON.stringify({ base: base({ type: 'model', model: 'logistic', data: { id: unnamedId } }), parameters: rate })],
        ['named only', 'queued', JSON.stringify({ name: `on ${unnamedId}`, base: base({ type: 'benchmark', name: 'sphere' }), parameters: rate })],
      ];
      for (const [name, status, spec] of sweeps) {
        await client.query(`INSERT INTO sweeps (id, tenant_id, name, status, spec) VALUES (gen_random_uuid(), $1, $2, $3::sweep_status, $4::json)`, [tenantId, name, status, spec]);
      }

      // A deletion reading the stored objectives, still in progress.
      const deletion = await connected(url);
      try {
        await deletion.query('BEGIN');
        await deletion.query('SELECT count(*) FROM objectives');
        await expect(migrate({ databaseUrl: url })).rejects.toThrow(new RegExp(`${migration} failed and was rolled back: canceling statement due to lock timeout`));
      } finally {
        await deletion.query('ROLLBACK');
        await deletion.end();
      }
      const { rows: columns } = await client.query(`SELECT FROM information_schema.columns WHERE table_name IN ('objectives', 'sweeps') AND column_name = 'named_resources'`);
      expect(columns).toHaveLength(0);

      // Counting the calls of the sweeps' extraction (a function of PL/pgSQL) in the migration's connection.
      await client.query(`ALTER DATABASE ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} SET track_functions = 'pl'`);
      expect((await migrate({ databaseUrl: url })).applied[0]).toBe(migration);
      const named = async (table: 'objectives' | 'sweeps') => Object.fromEntries((await client.query<{ name: string; named: string[] | null }>(
        `SELECT name, named_resources::text[] AS named FROM ${table} WHERE tenant_id = $1`, [tenantId])).rows.map((row) => [row.name, row.named]));
      expect(await named('objectives')).toEqual({ expression: null, datasets: [datasetId, validationId], inline: null });
      expect(await named('sweeps')).toEqual({
        'objective in base': [objectiveId], 'data in base': [datasetId], 'data among values': [validationId], ended: [unnamedId], 'named only': null,
      });
      // Only the specs whose text may name something were read: not the one only mentioning an id.
      const { rows: [calls] } = await client.query<{ calls: string }>(`SELECT calls FROM pg_stat_user_functions WHERE funcname = 'sweep_named_resources'`);
      expect(Number(calls!.calls)).toBe(sweeps.length - 1);

      // What the stored rows name keeps it; an ended sweep does not, nor a mention.
      const deleting = async (statement: string, id: string) => {
        await client.query('BEGIN');
        try {
          return (await client.query(statement, [id, tenantId])).rows[0];
        } finally {
          await client.query('ROLLBACK');
        }
      };
      expect(await deleting(datasetDeletionStatement, datasetId)).toMatchObject({ deleted: false, objectives: 1, sweeps: 1 });
      expect(await deleting(datasetDeletionStatement, validationId)).toMatchObject({ deleted: false, objectives: 1, sweeps: 1 });
      expect(await deleting(objectiveDeletionStatement, objectiveId)).toMatchObject({ deleted: false, sweeps: 1 });
      expect(await deleting(datasetDeletionStatement, unnamedId)).toMatchObject({ deleted: true });
    } finally {
      await client.end();
    }
  });
});
