/**
 * Wake-ups of a busy sweep: a trial's end that finds a round holding the sweep's lock returns at
 * once, leaving the trial's end to that round, which goes on with another round when a trial
 * ended after its read, so no trial's end goes unseen; a queued wake-up waits for the lock, and
 * looks once the holder has committed.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createSweepsQueue, type SweepJobData, type SweepsQueue } from '../../../src/queue/sweeps-queue.ts';
import { createSweepCoordination } from '../../../src/db/sweep-coordination.ts';
import { planRound } from '../../../src/worker/sweeps/plan-round.ts';
import { eventually } from '../../support/eventually.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import type { RunJobData } from '../../../src/queue/runs-queue.ts';
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

  it('waits, when queued, for a round holding the lock, then runs its own', async () => {
    const sweepId = await submit();
    const holder = await pool.connect();
    let woken: Promise<void> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sweeps WHERE id = $1 FOR UPDATE', [sweepId]);
      woken = processorWith()(job(sweepId));
      const waiting = await eventually(
        async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%sweep_round_lock_wait%'`)).rows[0].n,
        (n) => n > 0,
      );
      expect(waiting).toBeGreaterThan(0);
      expect(await trialCount(sweepId)).toBe(0);
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    // Once the holder has committed, the waiting round creates the trials.
    await woken;
    expect(await trialCount(sweepId)).toBe(2);
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

  it("leaves a trial's end to the next end's round while the sweep's trials wait for a worker", async () => {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, sampler: { type: 'random' }, budget: { maxTrials: 12 }, parallelism: 4 },
    });
    const sweepId = response.json().id;
    let rounds = 0;
    const processor = processorWith(() => {
      rounds += 1;
      return new Date();
    });
    // The first round creates four trials; the second finds them all still queued (no worker runs here).
    await processor(job(sweepId));
    await processor(job(sweepId));
    expect(await trialCount(sweepId)).toBe(4);
    // A round reads the clock twice: for its plan, and for the periodic check it schedules.
    const before = rounds;
    const complete = `UPDATE runs SET status = 'completed', result = '{"finalLoss": 1}', finished_at = now() WHERE sweep_id = $1 AND trial_number = $2`;
    await pool.query(complete, [sweepId, 0]);
    const first = processor.wake(sweepId);
    await pool.query(complete, [sweepId, 1]);
    const second = processor.wake(sweepId);
    await Promise.all([first, second]);
    // One round for both ends, which created both trials.
    expect((rounds - before) / 2).toBe(1);
    expect(await trialCount(sweepId)).toBe(6);
  });

  it('tells when a trial ended after its read, so that another round follows', async () => {
    const sweepId = await submit();
    await processorWith()(job(sweepId));
    const trials = (await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [sweepId])).rows;
    const complete = `UPDATE runs SET status = 'completed', result = '{"finalLoss": 1}', finished_at = now() WHERE id = $1`;
    await pool.query(complete, [trials[1].id]);
    // After its read, the round's writes wait for trial 1's row (they store its value, which its
    // end did not); trial 0 ends meanwhile, after the read.
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [trials[1].id]);
      const round = createSweepCoordination(pool).round(sweepId, () => 'finalLoss', (sweep, read) => planRound(sweep, read, new Date()));
      const waiting = await eventually(
        async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%EXECUTE sweep_round_values%'`)).rows[0].n,
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

  it("stores a trial's value with its end, so that its sweep's next round updates no trial", async () => {
    const sweepId = await submit();
    await processorWith()(job(sweepId));
    const { rows: [trial] } = await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 AND trial_number = 0', [sweepId]);
    // The trial's worker alone (no coordinator here): its end stores the value of the sweep's metric (bestLoss).
    const runs = createRunProcessor({ database: api.services.database, pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix });
    await runs({ data: { runId: trial!.id }, attemptsMade: 0, opts: {} } as unknown as Job<RunJobData>);
    const stored = async () => (await pool.query<{ status: string; value: number | null; best: number; version: string }>(
      `SELECT status, trial_value AS value, (result->'best'->>'value')::float8 AS best, xmin::text AS version FROM runs WHERE id = $1`, [trial!.id])).rows[0]!;
    const ended = await stored();
    expect(ended.status).toBe('completed');
    expect(ended.value).not.toBeNull();
    expect(ended.value).toBe(ended.best);
    // The next round reads the value as stored, and leaves the trial's row as it was: its read updates no trial at all.
    await pool.query('CREATE TABLE IF NOT EXISTS test_round_updates (query text)');
    await pool.query(`CREATE OR REPLACE FUNCTION test_round_updates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO test_round_updates SELECT current_query() WHERE current_query() LIKE '%sweep_round_trials%'; RETURN NULL; END $$`);
    await pool.query('CREATE TRIGGER test_round_updates AFTER UPDATE ON runs FOR EACH STATEMENT EXECUTE FUNCTION test_round_updates()');
    try {
      await processorWith()(job(sweepId));
    } finally {
      await pool.query('DROP TRIGGER test_round_updates ON runs');
    }
    expect(await stored()).toEqual(ended);
    expect(await trialCount(sweepId)).toBe(3);
    const { rows: updates } = await pool.query('SELECT query FROM test_round_updates WHERE query LIKE $1', [`%${sweepId}%`]);
    expect(updates).toEqual([]);

    // A trial whose end stored no value (valLoss and valAccuracy, the best of its stored steps): the round works it out and stores it.
    await pool.query('UPDATE runs SET trial_value = NULL WHERE id = $1', [trial!.id]);
    await processorWith()(job(sweepId));
    expect((await stored()).value).toBe(ended.best);
  });
});
