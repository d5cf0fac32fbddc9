import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDirectory, migrate, migrationLockKey, readMigrations } from '../../../src/db/migrator.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';

/** A database of its own per test, dropped afterwards. */
function scratchDatabaseUrl(): { url: string; name: string } {
  const url = new URL(testDatabaseUrl);
  const name = `descent_migrator_${randomUUID().replaceAll('-', '')}`;
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('migrator', () => {
  const created: string[] = [];
  const maintenanceUrl = Object.assign(new URL(testDatabaseUrl), { pathname: '/postgres' }).toString();
  let migrationNames: string[];

  beforeAll(async () => {
    migrationNames = (await readMigrations(defaultMigrationsDirectory)).map((migration) => migration.name);
  });
  afterAll(async () => {
    await withClient(maintenanceUrl, async (client) => {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    });
  });

  const scratch = () => {
    const database = scratchDatabaseUrl();
    created.push(database.name);
    return database.url;
  };

  it('creates a missing database, applies every migration once with Prisma bookkeeping, and is idempotent', async () => {
    const databaseUrl = scratch();
    const first = await migrate({ databaseUrl });
    expect(first).toEqual({ createdDatabase: true, applied: migrationNames, alreadyApplied: [], changed: [] });
    const second = await migrate({ databaseUrl });
    expect(second).toEqual({ createdDatabase: false, applied: [], alreadyApplied: migrationNames, changed: [] });

    await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at',
      );
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
      for (const row of rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
      }
      const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['tenants', 'api_keys', 'runs', 'run_metrics', 'checkpoints', 'sweeps', 'objectives', 'datasets']));
    });
  });

  it('applies concurrent migrations once (advisory lock)', async () => {
    const databaseUrl = scratch();
    await migrate({ databaseUrl });
    const reports = await Promise.all([migrate({ databaseUrl }), migrate({ databaseUrl }), migrate({ databaseUrl })]);
    expect(reports.flatMap((report) => report.applied)).toEqual([]);
    await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query('SELECT count(*)::int AS count FROM "_prisma_migrations"');
      expect(rows[0].count).toBe(migrationNames.length);
    });
  });

  it('refuses to run over a half-applied migration', async () => {
    const databaseUrl = scratch();
    await migrate({ databaseUrl });
    await withClient(databaseUrl, (client) =>
      client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)', [randomUUID(), '0'.repeat(64), '29990101000000_crashed']),
    );
    await expect(migrate({ databaseUrl })).rejects.toThrow(/29990101000000_crashed started but never finished/);
  });

  it('rolls a failing migration back entirely, leaving no bookkeeping row', async () => {
    const databaseUrl = scratch();
    const directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    try {
      await cp(defaultMigrationsDirectory, directory, { recursive: true });
      await cp(join(directory, migrationNames[0]!), join(directory, '29990101000000_broken'), { recursive: true });
      await writeFile(join(directory, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
      await expect(migrate({ databaseUrl, migrationsDirectory: directory })).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
      await withClient(databaseUrl, async (client) => {
        const rows = await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
        expect(rows.rows).toEqual([]);
        const table = await client.query("SELECT to_regclass('public.half_done') AS name");
        expect(table.rows[0].name).toBeNull();
      });
      // The earlier migrations stayed applied, and the run can be repeated once the file is fixed.
      await writeFile(join(directory, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
      expect((await migrate({ databaseUrl, migrationsDirectory: directory })).applied).toEqual(['29990101000000_broken']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('warns when an applied migration file was changed', async () => {
    const databaseUrl = scratch();
    await migrate({ databaseUrl });
    await withClient(databaseUrl, (client) =>
      client.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', ['f'.repeat(64), migrationNames[0]]),
    );
    const warnings: string[] = [];
    const report = await migrate({ databaseUrl, log: (line) => warnings.push(line) });
    expect(report.changed).toEqual([migrationNames[0]]);
    expect(warnings.join('\n')).toMatch(/modified after it was applied/);
  });

  it('waits for the advisory lock another migrator holds, and gives up after the lock timeout', async () => {
    const databaseUrl = scratch();
    await migrate({ databaseUrl });
    await withClient(databaseUrl, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
      await expect(migrate({ databaseUrl, lockTimeoutMs: 200 })).rejects.toThrow(/lock timeout/);
      await holder.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    });
    expect((await migrate({ databaseUrl })).applied).toEqual([]);
  });

  it('names PostgreSQL and the address when the server is unreachable', async () => {
    await expect(migrate({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/descent' })).rejects.toThrow(
      /^PostgreSQL is unreachable at 127\.0\.0\.1:1\/descent: .*ECONNREFUSED/,
    );
  });
});
