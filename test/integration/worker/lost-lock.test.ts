/**
 * A delivery that lost its job's lock (it stalled, and the job went back to the queue for another
 * delivery) stops before its next slice, leaving the run to that delivery, instead of running it
 * alongside. The job is a real one, from the queue; its delivery's lock token is one that Redis
 * does not hold, as after the lock expired and the job was taken back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('a delivery that lost its job\'s lock', () => {
  const context = useTestApp();
  let pool: Pool;

  beforeAll(() => {
    pool = createPool(context.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('writes no slice of its run', async () => {
    const { services, app } = context;
    const { authorization } = await createTenantKey(services.database);
    const submitted = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    expect(submitted.statusCode).toBe(201);
    const runId = submitted.json().id as string;
    const job = (await services.runsQueue.getJob(runId))!;
    // Slices long enough against the lock that each extends it first.
    const durationMs = 1_000;
    const processor = createRunProcessor({
      database: services.database, pool, redis: services.redis, queuePrefix: services.config.queuePrefix,
      slices: { sliceMs: durationMs / 2, maxRowsPerSlice: 5_000 },
    });
    await processor(job, undefined, { token: 'a lock this delivery lost', durationMs });
    const { rows: [run] } = await pool.query('SELECT status, attempts, metric_rows FROM runs WHERE id = $1', [runId]);
    expect(run).toEqual({ status: 'queued', attempts: 0, metric_rows: 0 });
  });
});
