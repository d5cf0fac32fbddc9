/**
 * A worker through a PostgreSQL outage and through its own shutdown. The worker reaches the
 * database through a relay the test cuts (open connections dropped, new ones refused), so the
 * shared server is never touched; the API reads it directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { startWorker, type RunningWorker } from '../../../src/worker/worker.ts';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, storedMetrics, useTestApi, waitForCheckpoint, waitForRun } from '../runs/support.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';

const spec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 60_000 },
  record: { every: 1, params: true },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a worker', () => {
  const api = useTestApi();
  let proxy: TcpProxy;
  let database: Database;
  let pool: Pool;
  let connection: Redis;
  let reader: Pool;
  const logger = createLogger('silent');

  beforeAll(async () => {
    const relay = await relayTo(api.services.config.databaseUrl);
    proxy = relay.proxy;
    database = createDatabase(relay.url);
    pool = createPool(relay.url, 4);
    connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    reader = createPool(api.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await proxy.close();
    await pool.end();
    await database.$disconnect();
    await closeRedis(connection);
    await reader.end();
  });

  function start(): Promise<RunningWorker> {
    return startWorker({
      config: { ...api.services.config, workerConcurrency: 1 },
      connection,
      processors: { run: createRunProcessor({ database, pool, redis: connection, queuePrefix: api.services.config.queuePrefix }) },
      logger,
      outageDelays: { firstMs: 50, maxMs: 500 },
    });
  }


  async function expectBitIdentical(id: string): Promise<void> {
    const view = await waitForRun(api.app, api.authorization, id, isFinal, 90_000);
    const reference = referenceTrajectory(spec);
    expect(view).toMatchObject({ status: 'completed', result: { stopReason: 'max_steps', steps: spec.training.maxSteps, params: reference.result.params } });
    expect(compareTrajectories(await storedMetrics(reader, id), reference.records)).toEqual([]);
  }

  it('keeps its job through a PostgreSQL outage longer than its retries, and the run completes bit-identical', async () => {
    const worker = await start();
    try {
      const id = (await postRun(api.app, api.authorization, spec)).json().id as string;
      await waitForCheckpoint(reader, id);
      await proxy.stop();
      // Three attempts with 1 s and 2 s of backoff would be spent by now.
      await sleep(5_000);
      expect((await getRun(api.app, api.authorization, id)).status).toBe('running');
      await proxy.start();
      await expectBitIdentical(id);
      const job = await api.services.runsQueue.getJob(id);
      // Completed jobs are removed; a failed one would still be there.
      expect(job).toBeUndefined();
    } finally {
      await worker.close();
    }
  }, 120_000);

  it('stops a run at a slice boundary when it closes, handing the job back for another worker to resume', async () => {
    const first = await start();
    const id = (await postRun(api.app, api.authorization, spec)).json().id as string;
    await waitForCheckpoint(reader, id);
    await first.close();
    const stopped = await getRun(api.app, api.authorization, id);
    expect(stopped.status).toBe('running');
    expect(stopped.progress!.step).toBeLessThan(spec.training.maxSteps);
    const job = await api.services.runsQueue.getJob(id);
    // Every run's job has a priority (its tenant's turn), so it waits among the prioritized ones.
    expect(await job!.getState()).toBe('prioritized');
    expect(job!.attemptsMade).toBe(0);

    const second = await start();
    try {
      await expectBitIdentical(id);
      expect((await getRun(api.app, api.authorization, id)).attempts).toBe(2);
    } finally {
      await second.close();
    }
  }, 120_000);
});
