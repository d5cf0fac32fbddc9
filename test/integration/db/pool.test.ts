/**
 * The pool's connections plan keyed lookups as index scans even when a prepared statement's
 * generic plan is made while the table is empty (as in a new deployment): that plan would
 * otherwise scan the whole table for the connection's life.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresConnectionOptions } from '../../../src/db/connection-options.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';

/** The generic plan of a lookup by primary key in an empty, analysed table, on `client`. */
async function genericPlan(client: pg.ClientBase): Promise<string> {
  await client.query('CREATE TEMPORARY TABLE lookup (id uuid PRIMARY KEY, value int)');
  try {
    await client.query('ANALYZE lookup');
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query('PREPARE find (uuid[]) AS SELECT value FROM lookup WHERE id = ANY($1)');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>('EXPLAIN EXECUTE find(ARRAY[gen_random_uuid()])');
    await client.query('DEALLOCATE find');
    await client.query('RESET plan_cache_mode');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('DROP TABLE lookup');
  }
}

describe('pg pool', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testDatabaseUrl, 1);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('plans a keyed lookup in an empty table as an index scan, where a plain connection scans the table', async () => {
    const pooled = await pool.connect();
    try {
      expect(await genericPlan(pooled)).toMatch(/Index (Only )?Scan/);
    } finally {
      pooled.release();
    }
    const plain = new pg.Client(postgresConnectionOptions(testDatabaseUrl));
    await plain.connect();
    try {
      expect(await genericPlan(plain)).toMatch(/Seq Scan/);
    } finally {
      await plain.end();
    }
  });

  it('survives PostgreSQL dropping a connection that is checked out between two statements', async () => {
    const pooled = await pool.connect();
    try {
      const { rows } = await pooled.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const dropped = new Promise<Error>((resolve) => pooled.once('error', resolve));
      const other = new pg.Client(postgresConnectionOptions(testDatabaseUrl));
      await other.connect();
      try {
        await other.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      } finally {
        await other.end();
      }
      // Our listener is gone after `once`; the pool's own must keep the next drop from being unhandled.
      expect((await dropped).message).toMatch(/terminat/);
      expect(pooled.listenerCount('error')).toBeGreaterThan(0);
      await expect(pooled.query('SELECT 1')).rejects.toThrow();
    } finally {
      pooled.release(true);
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });

  it('runs its transactions READ COMMITTED where the database defaults to REPEATABLE READ', async () => {
    const admin = new pg.Client(postgresConnectionOptions(testDatabaseUrl));
    await admin.connect();
    const name = `descent_isolation_${process.pid}_${Date.now()}`;
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.query(`ALTER DATABASE ${name} SET default_transaction_isolation = 'repeatable read'`);
      const url = new URL(testDatabaseUrl);
      url.pathname = `/${name}`;
      const plain = new pg.Client(postgresConnectionOptions(url.toString()));
      await plain.connect();
      const isolated = createPool(url.toString(), 1);
      try {
        expect((await plain.query('SHOW transaction_isolation')).rows[0].transaction_isolation).toBe('repeatable read');
        expect((await isolated.query('SHOW transaction_isolation')).rows[0].transaction_isolation).toBe('read committed');
      } finally {
        await plain.end();
        await isolated.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
