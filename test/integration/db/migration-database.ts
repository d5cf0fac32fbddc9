/**
 * For a test of one migration on rows stored before it: a database of the file's own, migrated up
 * to the migration before it (`migrateBefore`), then as far as the test asks; dropped after the
 * file, with the copy of the migrations it was migrated with.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { defaultMigrationsDirectory, migrate } from '../../../src/db/migrator.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';

export async function connected(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

export function useDatabaseBefore(migration: string) {
  const url = Object.assign(new URL(testDatabaseUrl), { pathname: `/descent_migration_${randomUUID().replaceAll('-', '')}` }).toString();
  const maintenanceUrl = Object.assign(new URL(testDatabaseUrl), { pathname: '/postgres' }).toString();
  const directories: string[] = [];

  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
    const client = await connected(maintenanceUrl);
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`);
    await client.end();
  });

  return {
    url,
    /** Creates the database and applies the migrations before `migration` (a copy of them). */
    async migrateBefore(): Promise<void> {
      const directory = await mkdtemp(join(tmpdir(), 'descent-migrations-'));
      directories.push(directory);
      for (const name of await readdir(defaultMigrationsDirectory)) {
        if (name < migration) await cp(join(defaultMigrationsDirectory, name), join(directory, name), { recursive: true });
      }
      await migrate({ databaseUrl: url, migrationsDirectory: directory });
    },
  };
}
