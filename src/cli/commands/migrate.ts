/** `descent migrate`: creates the database if needed and applies pending migrations. */
import { loadConfig, type Config } from '../../config/config.ts';
import { createLogger, type Logger } from '../../config/logger.ts';
import { migrate } from '../../db/migrator.ts';
import type { Command } from '../main.ts';
import { processOutput, type CommandOutput } from '../output.ts';
import { errorMessage } from '../../core/error-message.ts';

/** Migrates, logging JSON lines; a failure is one line on stderr (exit 1). */
export async function migrateDatabase(config: Config, output: CommandOutput, logger: Logger = createLogger(config.logLevel)): Promise<number> {
  try {
    const report = await migrate({ databaseUrl: config.databaseUrl, log: (line) => (line.startsWith('warning: ') ? logger.warn({}, line.slice('warning: '.length)) : logger.info({}, line)) });
    const counts = { applied: report.applied.length, alreadyApplied: report.alreadyApplied.length };
    logger.info(counts, report.applied.length === 0
      ? `database is up to date (${report.alreadyApplied.length} migrations applied)`
      : `applied ${report.applied.length} migration(s)`);
    return 0;
  } catch (error) {
    output.err(`descent migrate: ${errorMessage(error)}`);
    return 1;
  }
}

export const command: Command = {
  summary: 'apply database migrations (creates the database if it does not exist)',
  help: `Usage: descent migrate

Creates the database named in DATABASE_URL if it does not exist, then applies every pending
migration in prisma/migrations/ in order, each in one transaction, under an advisory lock (so
several processes may run it at once). Safe to run again: applied migrations are skipped.
Refuses to continue over a migration that started but never finished.

Environment:
  DATABASE_URL   default postgresql://postgres@127.0.0.1:5432/descent`,
  async execute() {
    return migrateDatabase(loadConfig(), processOutput);
  },
};
