/**
 * Wake-ups of a busy sweep: one that finds a round holding the sweep's lock leaves its mark and
 * returns at once instead of queueing behind the lock; the round holding it, once committed,
 * goes on with another round while a mark is set, or when a trial ended after its read, so no
 * trial's end goes unseen.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createSweepsQueue, type SweepJobData, type SweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { createSweepCoordination } from '../../../src/db/sweep-coordination.ts';
import { planRound } from '../../../src/worker/sweeps/plan-round.ts';
import { eventually } from '../../support/eventually.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { useTestApi } from '../runs/support.ts';
import { quadraticBase } from './support.ts';

describe('sweep wake-ups', () => {
  const api = useTestApi();
  let pool: Pool;
  let sweepsQueue: SweepsQueue;
  beforeAll(() => {
    pool = createPool(api.services.config.databaseUrl, 4);
    sweepsQueue = createSweepsQueue(api.services.redis, api.services.config.queuePrefix);
  });
  afterAll(async () => {
    await sweepsQueue?.close();
    await pool?.end();
  });

  const mark = (sweepId: string) => `${api.services.config.queuePrefix}:sweep-wake:${sweepId}`;
  const job = (sweepId: string) => ({ data: { sweepId } }) as Job<SweepJobData>;
  const processorWith = (clock?: () => Date) => createSweepProcessor({
    pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue, clock,
  });
  const trialCount = async (sweepId: string) => Number((await pool.query('SELECT count(*) FROM runs WHERE sweep_id = $1', [sweepId])).rows[0].count);

  async function submit(): Promise<string> {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, sampler: { type: 'random' }, budget: { maxTrials: 6 }, parallelism: 2 },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  it('returns at once when another round holds the lock, leaving its mark for that round', async () => {
    const sweepId = await submit();
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sweeps WHERE id = $1 FOR UPDATE', [sweepId]);
      // Resolves although the lock is held: it does not wait for it.
      await processorWith()(job(sweepId));
      expect(await trialCount(sweepId)).toBe(0);
      expect(await api.services.redis.exists(mark(sweepId))).toBe(1);
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    // The next round clears the mark and creates the trials.
    await processorWith()(job(sweepId));
    expect(await trialCount(sweepId)).toBe(2);
    expect(await api.services.redis.exists(mark(sweepId))).toBe(0);
  });

  it("returns at once from a trial's wake-up when another round holds the lock, reading nothing", async () => {
    const sweepId = await submit();
    const processor = processorWith();
    // The first round creates two trials; the coordinator knows the sweep's metric from then on.
    await processor(job(sweepId));
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sweeps WHERE id = $1 FOR UPDATE', [sweepId]);
      await pool.query(`UPDATE runs SET status = 'completed', result = '{"finalLoss": 1}', finished_at = now() WHERE sweep_id = $1 AND trial_number = 0`, [sweepId]);
      // Resolves although the lock is held, and the trial's value is left to the holder's round.
      await processor.wake(sweepId);
      expect(await trialCount(sweepId)).toBe(2);
      expect((await pool.query('SELECT trial_value FROM runs WHERE sweep_id = $1 AND trial_number = 0', [sweepId])).rows[0].trial_value).toBeNull();
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    await processor.wake(sweepId);
    expect(await trialCount(sweepId)).toBe(3);
    expect((await pool.query('SELECT trial_value FROM runs WHERE sweep_id = $1 AND trial_number = 0', [sweepId])).rows[0].trial_value).not.toBeNull();
  });

  it('goes on with another round when a wake-up marked the sweep during its round', async () => {
    const sweepId = await submit();
    let rounds = 0;
    // The first read of the clock is the first round's, under the lock: a wake-up arrives then.
    const processor = processorWith(() => {
      rounds += 1;
      if (rounds === 1) void api.services.redis.set(mark(sweepId), '1');
      return new Date();
    });
    await processor(job(sweepId));
    // The mark set during the first round was cleared by a second one.
    expect(await api.services.redis.exists(mark(sweepId))).toBe(0);
  });

  it('tells when a trial ended after its read, so that another round follows', async () => {
    const sweepId = await submit();
    await processorWith()(job(sweepId));
    const trials = (await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [sweepId])).rows;
    const complete = `UPDATE runs SET status = 'completed', result = '{"finalLoss": 1}', finished_at = now() WHERE id = $1`;
    await pool.query(complete, [trials[1].id]);
    // The round's read waits for trial 1's row (it fills in its value) with its snapshot taken;
    // trial 0 ends meanwhile, after that snapshot.
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [trials[1].id]);
      const round = createSweepCoordination(pool).round(sweepId, () => 'finalLoss', (sweep, read) => planRound(sweep, read, new Date()));
      const waiting = await eventually(
        async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%EXECUTE sweep_round_trials%'`)).rows[0].n,
        (n) => n > 0,
      );
      expect(waiting).toBeGreaterThan(0);
      await other.query(complete, [trials[0].id]);
      await other.query('COMMIT');
      const outcome = await round;
      expect(outcome?.created).toHaveLength(1);
      expect(outcome?.missed).toBe(true);
    } finally {
      other.release();
    }
    // The next round reads both ends: nothing missed.
    const next = await createSweepCoordination(pool).round(sweepId, () => 'finalLoss', (sweep, read) => planRound(sweep, read, new Date()));
    expect(next?.created).toHaveLength(1);
    expect(next?.missed).toBe(false);
  });
});
