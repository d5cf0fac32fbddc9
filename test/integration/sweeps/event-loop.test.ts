/**
 * A worker's event loop keeps turning while its coordinator plans a round of long TPE
 * suggestions: they are made in a planning thread (src/worker/sweeps/round-planner.ts), not on
 * the loop that runs the worker's trials and renews its BullMQ locks. No wall-clock bound: the
 * loop must turn many times during the round, and its longest stall must be a small part of the
 * round's own duration (when the suggestions ran on the loop, the stall was the whole round).
 */
import type { Job } from 'bullmq';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.ts';
import { createSweepsQueue, type SweepJobData } from '../../../src/queue/sweeps-queue.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { useTestApi } from '../runs/support.ts';

describe('a sweep coordinator planning long suggestions', () => {
  const api = useTestApi();

  it('keeps its event loop turning while it plans them', async () => {
    // TPE from the first trial over 9,000 candidates of 64 parameters: most of a second a suggestion.
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: {
        base: { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
        parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }])),
        sampler: { type: 'tpe', seed: 2, startupTrials: 0, nEiCandidates: 9000 },
        budget: { maxTrials: 2 },
        parallelism: 1,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    // As a worker process has them.
    const pool = createPool(api.services.config.databaseUrl, 4);
    const sweepsQueue = createSweepsQueue(api.services.redis, api.services.config.queuePrefix);
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue });
    try {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      let planning = true;
      const round = processor({ data: { sweepId: id } } as Job<SweepJobData>).finally(() => (planning = false));
      let turns = 0;
      while (planning) {
        await sleep(1);
        turns += 1;
      }
      await round;
      const durationMs = performance.now() - started;
      delay.disable();
      const trials = await pool.query<{ trialNumber: number }>('SELECT trial_number AS "trialNumber" FROM runs WHERE sweep_id = $1', [id]);
      expect(trials.rows).toEqual([{ trialNumber: 0 }]);
      expect(turns).toBeGreaterThanOrEqual(20);
      expect(delay.max / 1e6).toBeLessThan(durationMs / 3);
    } finally {
      await processor.close();
      await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
      await sweepsQueue.close();
      await pool.end();
    }
  });
});
