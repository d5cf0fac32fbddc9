/**
 * Helpers for the sweep tests: in-process workers (the run processor and the sweep coordinator,
 * as `descent worker` starts them), submitting a sweep and polling it until it ends.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, expect } from 'vitest';
import { sweepViewSchema, trialViewSchema, type SweepView, type TrialView } from '../../../src/contracts/sweep-view.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createSweepsQueue, type SweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { runsQueueName } from '../../../src/queue/runs-queue.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { createSweepProcessor, type SweepProcessor } from '../../../src/worker/processors/sweep.ts';
import type { RoundPlanner } from '../../../src/worker/sweeps/round-planner.ts';
import { startSweepWorker } from '../../../src/worker/sweep-worker.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import type { TestServices } from '../support/services.ts';
import { eventually } from '../../support/eventually.ts';
import { isFinalSweepStatus } from '../../../src/contracts/sweep-view.ts';
import { silent } from '../../support/silent-logger.ts';

export interface TestSweepWorker {
  readonly pool: Pool;
  close(): Promise<void>;
}

/** A sweep coordinator on the test's queues, with its pool, Redis connection and sweeps queue. */
export interface TestSweepCoordinator {
  readonly pool: Pool;
  readonly connection: Redis;
  readonly sweepsQueue: SweepsQueue;
  readonly coordinator: SweepProcessor;
}

interface CoordinatorOptions {
  /** Where its rounds are planned (a planner of its own when absent). */
  readonly planner?: RoundPlanner;
  /** A sweeps worker taking the coordinator's jobs; without one, only the test's `wake` calls run rounds. */
  readonly worker?: boolean;
}

async function openTestSweepCoordinator(services: TestServices, { planner, worker = false }: CoordinatorOptions): Promise<TestSweepCoordinator & { close(): Promise<void> }> {
  // As a worker's: the trials it creates are its deployment's, which its reconciler looks at.
  const pool = createPool(services.config.databaseUrl, 4, services.config.queuePrefix);
  const connection = createRedis(services.config.redisUrl, 'wait-for-redis');
  const sweepsQueue = createSweepsQueue(connection, services.config.queuePrefix);
  const coordinator = createSweepProcessor({ pool, redis: connection, queuePrefix: services.config.queuePrefix, runsQueue: services.runsQueue, sweepsQueue, planner });
  const sweeps = worker ? await startSweepWorker({ config: services.config, connection, processor: coordinator, logger: silent }) : undefined;
  return {
    pool, connection, sweepsQueue, coordinator,
    async close() {
      await sweeps?.close();
      await coordinator.close();
      await sweepsQueue.close();
      await closeRedis(connection);
      await pool.end();
    },
  };
}

/**
 * A sweep coordinator for a file's tests and no runs worker (the pieces once the tests start):
 * trials wait in the runs queue unless the test moves them itself.
 */
export function useTestSweepCoordinator(api: { readonly services: TestServices }, options: CoordinatorOptions = {}): TestSweepCoordinator {
  const holder = {} as { -readonly [Field in keyof TestSweepCoordinator]: TestSweepCoordinator[Field] } & { close?(): Promise<void> };
  beforeAll(async () => {
    Object.assign(holder, await openTestSweepCoordinator(api.services, options));
  });
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}

/** One worker process's worth: a runs worker and a sweeps worker on the test's queues. */
export async function startTestSweepWorker(services: TestServices): Promise<TestSweepWorker> {
  const sweeping = await openTestSweepCoordinator(services, { worker: true });
  const { pool, connection, sweepsQueue, coordinator } = sweeping;
  const prefix = services.config.queuePrefix;
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
      await sweeping.close();
    },
  };
}

/**
 * A runs worker that takes jobs and runs none, for a file's tests (`take` once they start): a
 * trial whose job it took is one a worker holds (its job active), so the trial's stop raises its
 * cancel flag and leaves it running, for the test to end as that worker would. A job taken
 * stays active until the file's tests end (no stalled check looks at it: the service here has no
 * runs worker).
 */
export function useTestJobHolder(api: { readonly services: TestServices }): { take(runId: string): Promise<void> } {
  let worker: Worker | undefined;
  let connection: Redis | undefined;
  const token = randomUUID();
  const taken = new Set<string>();
  beforeAll(() => {
    connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    worker = new Worker(runsQueueName, null, { connection, prefix: api.services.config.queuePrefix, autorun: false });
  });
  afterAll(async () => {
    await worker?.close(true);
    if (connection) await closeRedis(connection);
  });
  return {
    /** Takes the run's job, and those before it in the queue. */
    async take(runId) {
      while (!taken.has(runId)) {
        const job = await worker!.getNextJob(token, { block: false });
        if (!job) throw new Error(`the job of run ${runId} is not in the queue`);
        taken.add(job.id!);
      }
    },
  };
}

/**
 * Drops the sweep's scheduled wake-ups (its periodic check, its time limit): until a round
 * schedules them again, only what wakes it at once (a trial's end, a cancel) runs its rounds, so
 * a test of such a wake-up does not pass on the check that comes up to 30 s later.
 */
export async function dropScheduledWakeUps(sweepsQueue: SweepsQueue, sweepId: string): Promise<void> {
  for (const job of await sweepsQueue.getDelayed()) if (job.data.sweepId === sweepId) await job.remove();
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

/**
 * Submits a sweep of learning rates on the quadratic (random, seeded) with `budget`, `parallelism`
 * trials at once (two unless told) and `metric` (finalLoss unless told), and runs its first round
 * on `sweeping`, the coordinator: its id and its trials' (queued: no runs worker), by trial number.
 */
export async function queueTrials(
  api: { readonly app: FastifyInstance; readonly authorization: string }, sweeping: TestSweepCoordinator, budget: object,
  { parallelism = 2, metric = { name: 'finalLoss' } }: { parallelism?: number; metric?: object } = {},
): Promise<{ id: string; trials: string[] }> {
  const response = await api.app.inject({
    method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
    payload: {
      base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, metric,
      sampler: { type: 'random', seed: 1 }, budget, parallelism,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  const id = response.json().id as string;
  await sweeping.coordinator.wake(id);
  await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.queued === parallelism, { timeoutMs: 30_000, intervalMs: 50 });
  const { rows } = await sweeping.pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [id]);
  return { id, trials: rows.map((row) => row.id) };
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
