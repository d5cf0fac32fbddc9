/**
 * Opens and closes the external connections a service process needs, and checks at start that
 * PostgreSQL and Redis are reachable, failing with one line naming the one that is not.
 */
import { checkServices, describeFailures } from '../api/readiness.ts';
import { loadConfig, type Config } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { createDatabase, type Database } from '../db/client.ts';
import { deploymentId } from '../db/deployment.ts';
import { claimQueuePrefix } from '../queue/deployment-claim.ts';
import { closeRedis, createRedis, type Redis } from '../queue/connection.ts';
import { createRunsQueue, type RunsQueue } from '../queue/runs-queue.ts';
import { processOutput } from './output.ts';
import { errorMessage } from '../core/error-message.ts';
import { onShutdownSignal } from './shutdown.ts';

export interface Services {
  readonly database: Database;
  readonly redis: Redis;
  readonly runsQueue: RunsQueue;
  close(): Promise<void>;
}

class UnreachableServiceError extends Error {
  override readonly name = 'UnreachableServiceError';
}

export function openServices(config: Config, role: 'worker' | 'client'): Services {
  const database = createDatabase(config.databaseUrl, config.databaseStatementTimeoutMs);
  const redis = createRedis(config.redisUrl, role === 'worker' ? 'wait-for-redis' : 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  return {
    database,
    redis,
    runsQueue,
    async close() {
      await runsQueue.close().catch(() => undefined);
      await closeRedis(redis);
      await database.$disconnect();
    },
  };
}

/**
 * Throws an UnreachableServiceError whose message names every unreachable service, one per
 * line; then claims the queue prefix for this deployment (a QueuePrefixClaimedError when another
 * deployment's database uses it on the same Redis).
 */
export async function assertReachable(config: Config, services: Services): Promise<void> {
  const failures = describeFailures(await checkServices({ config, ...services }), config);
  if (failures.length > 0) throw new UnreachableServiceError(failures.join('\n'));
  await claimQueuePrefix(services.redis, config.queuePrefix, await deploymentId(services.database));
}

/**
 * The life of a service process: open connections, check them, start, then on SIGTERM/SIGINT
 * stop and close. Exits 1 with one line (`descent <name>: …`) when it cannot start.
 */
export async function runUntilSignal<Running>(
  name: string,
  role: 'worker' | 'client',
  start: (config: Config, services: Services) => Promise<Running>,
  stop: (running: Running) => Promise<void>,
): Promise<number> {
  const config = loadConfig();
  const services = openServices(config, role);
  let running: Running;
  try {
    await assertReachable(config, services);
    running = await start(config, services);
  } catch (error) {
    processOutput.err(`descent ${name}: ${errorMessage(error)}`);
    await services.close();
    return 1;
  }
  return onShutdownSignal(async () => {
    await stop(running);
    await services.close();
  }, createLogger(config.logLevel), config.shutdownGraceMs);
}
