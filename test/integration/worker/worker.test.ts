import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createPool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import type { RunJobData } from '../../../src/queue/runs-queue.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import { buildTestApp, createTenantKey, minimalSpec, openTestServices, type TestServices } from '../support/services.ts';
import { eventually } from '../../support/eventually.ts';

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return eventually(read, done, { timeoutMs: 10_000, intervalMs: 50 });
}

describe('worker', () => {
  let services: TestServices;
  let app: FastifyInstance;
  let connection: Redis;
  const logger = createLogger('silent');

  beforeAll(async () => {
    services = await openTestServices();
    app = await buildTestApp(services);
    connection = createRedis(services.config.redisUrl, 'wait-for-redis');
  });
  afterAll(async () => {
    await app.close();
    await closeRedis(connection);
    await services.close();
  });

  it('takes a submitted run from the queue and runs it to its end', async () => {
    const { authorization } = await createTenantKey(services.database);
    const pool = createPool(services.config.databaseUrl, 2);
    const worker = await startWorker({
      config: services.config,
      connection,
      processors: { run: createRunProcessor({ database: services.database, pool, redis: connection, queuePrefix: services.config.queuePrefix }) },
      logger,
    });
    try {
      const submitted = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
      const runId = submitted.json().id as string;
      const read = async () => (await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization } })).json();
      const run = await waitFor(read, (view) => view.status !== 'queued' && view.status !== 'running');
      expect(run).toMatchObject({
        status: 'completed',
        attempts: 1,
        result: { stopReason: 'max_steps', steps: minimalSpec.training.maxSteps },
      });
      expect(run.startedAt).not.toBeNull();
      expect(run.finishedAt).not.toBeNull();
    } finally {
      await worker.close();
      await pool.end();
    }
  });

  it('on close, stops taking jobs but lets the active slice finish', async () => {
    const events: string[] = [];
    let releaseSlice!: () => void;
    const sliceStarted = new Promise<void>((resolve) => {
      releaseSlice = resolve;
    });
    const worker = await startWorker({
      config: { ...services.config, workerConcurrency: 1 },
      connection,
      logger,
      processors: {
        run: async (job: Job<RunJobData>) => {
          events.push(`start ${job.data.runId}`);
          releaseSlice();
          await new Promise((resolve) => setTimeout(resolve, 300));
          events.push(`finish ${job.data.runId}`);
        },
      },
    });
    const first = '00000000-0000-4000-8000-000000000001';
    const second = '00000000-0000-4000-8000-000000000002';
    await services.runsQueue.add('run', { runId: first }, { jobId: first });
    await sliceStarted;
    await services.runsQueue.add('run', { runId: second }, { jobId: second });
    await worker.close();
    events.push('closed');

    expect(events).toEqual([`start ${first}`, `finish ${first}`, 'closed']);
    // Completed, and removed on completion: the run row keeps what it has to say.
    expect(await services.runsQueue.getJob(first)).toBeUndefined();
    expect(await (await services.runsQueue.getJob(second))?.getState()).toBe('waiting');
  });
});
