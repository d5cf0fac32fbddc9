/**
 * The connections a service benchmark holds: the database client, a pool of `poolSize`, Redis
 * (failing fast while it is away) and the runs queue under the suite's prefix. `close` empties
 * the queue and ends them all.
 */
import type { Config } from '../../src/config/config.ts';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../src/queue/connection.ts';
import { createRunsQueue, type RunsQueue } from '../../src/queue/runs-queue.ts';

export interface BenchServices {
  readonly database: Database;
  readonly pool: Pool;
  readonly redis: Redis;
  readonly runsQueue: RunsQueue;
  close(): Promise<void>;
}

export function openServices(config: Config, poolSize: number): BenchServices {
  const database = createDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, poolSize);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  return {
    database,
    pool,
    redis,
    runsQueue,
    async close() {
      await runsQueue.obliterate({ force: true });
      await runsQueue.close();
      await closeRedis(redis);
      await pool.end();
      await database.$disconnect();
    },
  };
}
