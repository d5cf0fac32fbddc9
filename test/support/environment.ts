/**
 * Runs before every test file (vitest `setupFiles`). Anything that reads DATABASE_URL — a
 * spawned `descent` process, `loadConfig()` — sees the test database, never the user's own.
 */
import { testDatabaseUrl } from './test-database.ts';

process.env.DATABASE_URL = testDatabaseUrl;
