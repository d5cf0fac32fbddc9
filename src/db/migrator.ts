/**
 * Applies the SQL migrations in prisma/migrations/ (generated offline by `prisma migrate diff`)
 * with Prisma's own `_prisma_migrations` bookkeeping, so a real `prisma migrate deploy` or
 * `migrate status` accepts the result. We apply them ourselves because `migrate deploy` cannot
 * read Postgres's `name` type through the pg adapter (Prisma issue #27403).
 *
 * Each migration runs in one transaction together with its bookkeeping row, under Prisma's
 * advisory lock, so concurrent migrators (several containers starting at once) apply it once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describePostgres } from '../config/config.ts';
import { postgresConnectionOptions } from './connection-options.ts';
import { errorMessage } from '../core/error-message.ts';

/** The key Prisma itself locks while migrating. */
export const migrationLockKey = 72707369;

export const defaultMigrationsDirectory = new URL('../../prisma/migrations/', import.meta.url).pathname;

export interface MigrationReport {
  readonly createdDatabase: boolean;
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
  /** Applied migrations whose file changed afterwards. */
  readonly changed: readonly string[];
}

export interface MigrateOptions {
  readonly databaseUrl: string;
  readonly migrationsDirectory?: string;
  readonly lockTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const bookkeepingTable = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

export async function readMigrations(directory: string): Promise<MigrationFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(names.map(async (name) => {
    const bytes = await readFile(join(directory, name, 'migration.sql'));
    return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
  }));
}

/** Connects, or throws one line naming the unreachable server. */
async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ ...postgresConnectionOptions(databaseUrl), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

const invalidCatalogName = '3D000';
const duplicateDatabase = '42P04';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Creates the target database through the `postgres` maintenance database when it is missing. */
async function connectCreatingDatabase(databaseUrl: string): Promise<{ client: pg.Client; created: boolean }> {
  try {
    return { client: await connect(databaseUrl), created: false };
  } catch (error) {
    if (errorCode(error) !== invalidCatalogName) throw unreachable(databaseUrl, error);
  }
  const maintenanceUrl = new URL(databaseUrl);
  maintenanceUrl.pathname = '/postgres';
  const database = postgresConnectionOptions(databaseUrl).database;
  const maintenance = await connect(maintenanceUrl.toString()).catch((error: unknown) => {
    throw unreachable(maintenanceUrl.toString(), error);
  });
  let created = true;
  try {
    await maintenance.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } catch (error) {
    // Another migrator created it first.
    if (errorCode(error) !== duplicateDatabase) throw error;
    created = false;
  } finally {
    await maintenance.end();
  }
  return { client: await connect(databaseUrl), created };
}

function unreachable(databaseUrl: string, error: unknown): MigrationError {
  const reason = error instanceof Error ? error.message || errorCode(error) : String(error);
  return new MigrationError(`PostgreSQL is unreachable at ${describePostgres(databaseUrl)}: ${reason}`);
}

export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(options.migrationsDirectory ?? defaultMigrationsDirectory);
  const { client, created } = await connectCreatingDatabase(options.databaseUrl);
  if (created) log(`created database ${describePostgres(options.databaseUrl)}`);
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  const changed: string[] = [];
  try {
    await client.query(`SET lock_timeout = ${Math.trunc(options.lockTimeoutMs ?? 60_000)}`);
    // pg_advisory_lock honours lock_timeout, so a stuck migrator elsewhere fails us cleanly.
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await client.query(bookkeepingTable);
      const { rows } = await client.query<MigrationRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const live = rows.filter((row) => row.rolled_back_at === null);
      const halfApplied = live.filter((row) => row.finished_at === null);
      if (halfApplied.length > 0) {
        throw new MigrationError(
          `migration ${halfApplied.map((row) => row.migration_name).join(', ')} started but never finished; ` +
            'repair the database by hand, then mark the row rolled back (rolled_back_at) or finished',
        );
      }
      const finished = new Map(live.map((row) => [row.migration_name, row]));
      for (const migration of migrations) {
        const previous = finished.get(migration.name);
        if (previous) {
          alreadyApplied.push(migration.name);
          if (previous.checksum !== migration.checksum) {
            changed.push(migration.name);
            log(`warning: migration ${migration.name} was modified after it was applied`);
          }
          continue;
        }
        await applyMigration(client, migration);
        applied.push(migration.name);
        log(`applied migration ${migration.name}`);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
  return { createdDatabase: created, applied, alreadyApplied, changed };
}

async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = errorMessage(error);
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${reason}`);
  }
}
