/**
 * Helpers for the sweep tests: in-process workers (the run processor and the sweep coordinator,
 * as `descent worker` starts them), submitting a sweep and polling it until it ends.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { sweepViewSchema, trialViewSchema, type SweepView, type TrialView } from '../../../src/contracts/sweep-view.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createSweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { startSweepWorker } from '../../../src/worker/sweep-worker.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import type { TestServices } from '../support/services.ts';
import { eventually } from '../../support/eventually.ts';
import { isFinalSweepStatus } from '../../../src/contracts/sweep-view.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestSweepWorker {
  readonly pool: Pool;
  close(): Promise<void>;
}

/** One worker process's worth: a runs worker and a sweeps worker on the test's queues. */
export async function startTestSweepWorker(services: TestServices): Promise<TestSweepWorker> {
  const pool = createPool(services.config.databaseUrl, 4);
  const connection = createRedis(services.config.redisUrl, 'wait-for-redis');
  const sweepsQueue = createSweepsQueue(connection, services.config.queuePrefix);
  const prefix = services.config.queuePrefix;
  const coordinator = createSweepProcessor({ pool, redis: connection, queuePrefix: prefix, runsQueue: services.runsQueue, sweepsQueue });
  const sweeps = await startSweepWorker({ config: services.config, connection, processor: coordinator, logger: silent });
  const runs = await startWorker({
    config: services.config,
    connection,
    processors: {
      run: createRunProcessor({
        database: services.database, pool, redis: connection, queuePrefix: prefix, sweepsQueue, sweeps: coordinator, maxMetricRows: services.config.tenantQuotas.maxMetricRows, maxRunBytes: services.config.workerMaxRunBytes,
      }),
    },
    logger: silent,
  });
  return {
    pool,
    async close() {
      await runs.close();
      await sweeps.close();
      await coordinator.close();
      await sweepsQueue.close();
      await closeRedis(connection);
      await pool.end();
    },
  };
}

/** A pool of its own on the test's database, for a test that reads or writes rows directly (`pool` once the tests start). */
export function useTestPool(api: { readonly services: TestServices }): { readonly pool: Pool } {
  const holder = {} as { pool: Pool };
  beforeAll(() => {
    holder.pool = createPool(api.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await holder.pool?.end();
  });
  return holder;
}

export async function getSweep(app: FastifyInstance, authorization: string, id: string): Promise<SweepView> {
  const response = await app.inject({ method: 'GET', url: `/v1/sweeps/${id}`, headers: { authorization } });
  if (response.statusCode !== 200) throw new Error(`GET /v1/sweeps/${id}: ${response.statusCode} ${response.body}`);
  const view = response.json();
  expect(sweepViewSchema.parse(view)).toMatchObject(view);
  return view;
}

export async function waitForSweep(app: FastifyInstance, authorization: string, id: string, timeoutMs = 60_000): Promise<SweepView> {
  const view = await eventually(() => getSweep(app, authorization, id), (sweep) => isFinalSweepStatus(sweep.status), { timeoutMs, intervalMs: 200 });
  if (!isFinalSweepStatus(view.status)) throw new Error(`sweep ${id} did not end; last seen ${JSON.stringify(view).slice(0, 800)}`);
  return view;
}

export async function leaderboard(app: FastifyInstance, authorization: string, id: string): Promise<TrialView[]> {
  const response = await app.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials?limit=1000`, headers: { authorization } });
  expect(response.statusCode).toBe(200);
  const items = response.json().items as TrialView[];
  for (const item of items) expect(trialViewSchema.parse(item)).toMatchObject(item);
  return items;
}

/** A 2-D quadratic, quick to run. */
export const quadraticBase = {
  objective: { type: 'expression', expression: '(x - 1)^2 + 10*(y + 2)^2', variables: ['x', 'y'], initial: [4, 3] },
  optimizer: { name: 'sgd', learningRate: 0.01 },
  training: { maxSteps: 100 },
  record: { every: 10 },
};

/**
 * Six learning rates on the quadratic, one trial at a time, with the median rule: once two fast
 * trials have completed, the slow ones (below 0.001) are pruned.
 */
export const medianPrunedSweep = {
  base: { ...quadraticBase, training: { maxSteps: 200 } },
  parameters: { 'optimizer.learningRate': { type: 'float', values: [0.04, 0.03, 0.02, 0.0001, 0.00005, 0.00002] } },
  metric: { name: 'finalLoss' },
  sampler: { type: 'grid', seed: 1 },
  pruner: { type: 'median', startupTrials: 2, warmupSteps: 50, intervalSteps: 50 },
  parallelism: 1,
};
