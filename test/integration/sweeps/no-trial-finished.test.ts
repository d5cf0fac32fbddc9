/**
 * Sweeps that end before any trial finished. The service here has a coordinator and no runs
 * worker: trials wait in the runs queue and never finish, so what ends the sweep is its time
 * limit or its cancel, whatever the machine's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createSweepsQueue, type SweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { createSweepProcessor, type SweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { startSweepWorker } from '../../../src/worker/sweep-worker.ts';
import { eventually } from '../../support/eventually.ts';
import { getSweep, leaderboard, quadraticBase, waitForSweep } from './support.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('a sweep none of whose trials finished', () => {
  const api = useTestApi();
  let pool: Pool;
  let connection: Redis;
  let sweepsQueue: SweepsQueue;
  let coordinator: SweepProcessor;
  let sweeps: Awaited<ReturnType<typeof startSweepWorker>>;
  beforeAll(async () => {
    pool = createPool(api.services.config.databaseUrl, 4);
    connection = createRedis(api.services.config.redisUrl, 'wait-for-redis');
    sweepsQueue = createSweepsQueue(connection, api.services.config.queuePrefix);
    coordinator = createSweepProcessor({ pool, redis: connection, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    sweeps = await startSweepWorker({ config: api.services.config, connection, processor: coordinator, logger: silent });
  });
  afterAll(async () => {
    await sweeps?.close();
    await coordinator?.close();
    await sweepsQueue?.close();
    if (connection) await closeRedis(connection);
    await pool?.end();
  });

  const submit = async (budget: object): Promise<string> => {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, sampler: { type: 'random', seed: 1 }, budget, parallelism: 2 },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  };

  it('fails at its time limit, saying that no trial finished before it, with no best trial; its trials are cancelled', async () => {
    const id = await submit({ maxTrials: 4, timeLimitSeconds: 0.05 });
    const done = await waitForSweep(api.app, api.authorization, id);
    expect(done).toMatchObject({ status: 'failed', best: null, trials: { cancelled: 2, total: 2 } });
    expect(done.result).toEqual({
      reason: 'no_trial_finished',
      message: 'The time limit of 0.05 s passed before any trial finished, so the sweep has no best trial; its 2 trials were cancelled.',
    });
    expect((await leaderboard(api.app, api.authorization, id)).map((trial) => [trial.status, trial.value])).toEqual([['cancelled', null], ['cancelled', null]]);
  });

  it('is cancelled, not failed, when a client cancels it first: the reason is the cancel', async () => {
    const id = await submit({ maxTrials: 4 });
    await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.queued === 2, { timeoutMs: 30_000, intervalMs: 50 });
    const cancelled = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    expect(cancelled.statusCode).toBe(200);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({
      status: 'cancelled', best: null, trials: { cancelled: 2, total: 2 }, result: { reason: 'cancelled', message: 'A client cancelled the sweep.' },
    });
  });
});
