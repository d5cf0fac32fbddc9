/**
 * A run whose slices collide with its stored rows at run_metrics' primary key without another
 * attempt having stored them (a row past the newest checkpoint, as a step written twice would
 * leave): the collision is the write's error, the job fails after its attempts with it, and the
 * worker closes. Taken for the fence's refusal, it made the attempt read the run and start over
 * from the same checkpoint without end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';
import { eventually } from '../../support/eventually.ts';

describe('a run whose rows collide with rows no other attempt stored', () => {
  const context = useTestApp();
  let connection: Redis;
  let pool: Pool;

  beforeAll(() => {
    connection = createRedis(context.services.config.redisUrl, 'wait-for-redis');
    pool = createPool(context.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await closeRedis(connection);
    await pool.end();
  });

  it('fails its job after its attempts with the duplicate key, and the worker closes', async () => {
    const { services, app } = context;
    const { authorization } = await createTenantKey(services.database);
    const spec = { ...minimalSpec, record: { every: 1 } };
    const submitted = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: spec });
    expect(submitted.statusCode).toBe(201);
    const runId = submitted.json().id as string;
    await pool.query('INSERT INTO run_metrics (run_id, step, loss) VALUES ($1, 3, 0)', [runId]);

    const failures: string[] = [];
    const worker = await startWorker({
      config: { ...services.config, workerConcurrency: 1 },
      connection,
      processors: { run: createRunProcessor({ database: services.database, pool, redis: connection, queuePrefix: services.config.queuePrefix }) },
      logger: createLogger('silent'),
    });
    worker.worker.on('failed', (_job, error) => failures.push(error.message));
    try {
      const state = await eventually(() => services.runsQueue.getJobState(runId), (value) => value === 'failed', { timeoutMs: 30_000, intervalMs: 50 });
      expect(state).toBe('failed');
      expect(failures).toHaveLength(3);
      for (const failure of failures) expect(failure).toMatch(/duplicate key value violates unique constraint "run_metrics_pkey"/);
      const { rows: [run] } = await pool.query('SELECT status, result FROM runs WHERE id = $1', [runId]);
      expect(run.status).toBe('failed');
      expect(run.result.message).toMatch(/^The run failed after 3 attempts: duplicate key value violates unique constraint "run_metrics_pkey"/);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
