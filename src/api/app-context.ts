/** What the API is built from: external connections (given) and the repositories and services over them. */
import type { Config } from '../config/config.ts';
import { createApiKeyRepository } from '../db/api-keys.ts';
import type { Database } from '../db/client.ts';
import { createRunRepository } from '../db/runs.ts';
import { createTenantRepository } from '../db/tenants.ts';
import type { Redis } from '../queue/connection.ts';
import type { RunsQueue } from '../queue/runs-queue.ts';
import { createRunService } from './routes/runs/run-service.ts';

export interface AppDependencies {
  readonly config: Config;
  readonly database: Database;
  /** A `client`-role connection (fails fast while Redis is down). */
  readonly redis: Redis;
  readonly runsQueue: RunsQueue;
}

export function createAppContext(dependencies: AppDependencies) {
  const repositories = {
    tenants: createTenantRepository(dependencies.database),
    apiKeys: createApiKeyRepository(dependencies.database),
    runs: createRunRepository(dependencies.database),
  };
  const services = {
    runs: createRunService({ runs: repositories.runs, runsQueue: dependencies.runsQueue }),
  };
  return { dependencies, repositories, services };
}

export type AppContext = ReturnType<typeof createAppContext>;
