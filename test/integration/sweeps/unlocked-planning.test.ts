/**
 * A round whose suggestions take long plans with neither its sweep's lock nor a connection of
 * the worker's pool held (src/db/sweep-coordination.ts): the sweep's row can be locked, and the
 * sweep cancelled, while it plans; a sweep cancelled meanwhile gets no trials; and a round that
 * another round overtook plans again, writing the trials a round holding the lock would have.
 */
import type { Job } from 'bullmq';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { settleSweepSpec, sweepSpecSchema } from '../../../src/contracts/sweep-spec.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import type { RoundPlan, RoundTrial } from '../../../src/db/sweep-coordination.ts';
import type { SweepRow } from '../../../src/db/sweeps.ts';
import { createSweepsQueue, type SweepJobData } from '../../../src/queue/sweeps-queue.ts';
import { createSweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { planRound } from '../../../src/worker/sweeps/plan-round.ts';
import { createRoundPlanner, type RoundPlanner } from '../../../src/worker/sweeps/round-planner.ts';
import { testDatabaseUrl } from '../../support/test-database.ts';
import { useTestApi } from '../runs/support.ts';

/** TPE from the first trial over `candidates` candidates of 64 parameters: a suggestion takes long, and is made in a thread. */
const heavySweep = (candidates: number, budget: { maxTrials: number; parallelism: number }) => ({
  base: { objective: { type: 'benchmark', name: 'sphere', dimensions: 64, initial: new Array(64).fill(1) }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10 } },
  parameters: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`objective.initial.${i}`, { type: 'float', low: -1, high: 1 }])),
  sampler: { type: 'tpe', seed: 11, startupTrials: 0, nEiCandidates: candidates },
  budget: { maxTrials: budget.maxTrials },
  parallelism: budget.parallelism,
});

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** `promise`, or `ms` later should it not have settled by then. */
const within = (promise: Promise<void>, ms: number) => Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

/** A planner that tells when each long plan starts, and may hold its answer back (`hold`) before the round gets it. */
function watchedPlanner(inner: RoundPlanner, hold: (call: number) => Promise<void> = () => Promise.resolve()) {
  const started: (() => void)[] = [];
  const starts: Promise<void>[] = [];
  const settled: boolean[] = [];
  let calls = 0;
  const startOf = (call: number) => {
    while (starts.length <= call) starts.push(new Promise((resolve) => started.push(resolve)));
    return starts[call];
  };
  const planner: RoundPlanner = {
    plan(sweep: SweepRow, trials: readonly RoundTrial[], now: Date) {
      const planning = inner.plan(sweep, trials, now);
      if (!(planning instanceof Promise)) return planning;
      const call = calls++;
      startOf(call);
      settled[call] = false;
      started[call]();
      return planning.then(async (plan) => {
        await hold(call);
        return plan;
      }).finally(() => (settled[call] = true));
    },
    close: () => inner.close(),
  };
  return { planner, started: startOf, settled: (call: number) => settled[call] === true, calls: () => calls };
}

describe('a sweep round that plans long suggestions', () => {
  const api = useTestApi();
  const inner = createRoundPlanner();
  const pools: Pool[] = [];
  afterAll(async () => {
    await inner.close();
    await Promise.all(pools.map((pool) => pool.end()));
  });

  async function submit(body: unknown): Promise<string> {
    const response = await api.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization }, payload: body as object });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  }

  /** A worker's sweep processor, with its own pool (as a worker process has them). */
  function worker(planner: RoundPlanner) {
    const pool = createPool(testDatabaseUrl, 4);
    pools.push(pool);
    const sweepsQueue = createSweepsQueue(api.services.redis, api.services.config.queuePrefix);
    const processor = createSweepProcessor({ pool, redis: api.services.redis, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue, planner });
    const round = (sweepId: string) => processor({ data: { sweepId } } as Job<SweepJobData>);
    return { pool, round, wake: processor.wake, close: async () => { await processor.close(); await sweepsQueue.close(); } };
  }

  /** Trial 0 ends with a value, as its worker would store it. */
  const completeFirst = (pool: Pool, sweepId: string) => pool.query(
    `UPDATE runs SET status = 'completed', trial_value = 0.25, result = '{"finalLoss": 0.25}'::jsonb, finished_at = now(), updated_at = now()
      WHERE sweep_id = $1 AND trial_number = 0`, [sweepId]);

  const trialsOf = async (pool: Pool, sweepId: string) => (await pool.query<{ trialNumber: number; parameters: Record<string, number> }>(
    'SELECT trial_number AS "trialNumber", parameters FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [sweepId])).rows;

  it("leaves the sweep's row unlocked and holds no connection in a transaction while it plans, and writes the plan a locked round makes", async () => {
    const id = await submit(heavySweep(3000, { maxTrials: 2, parallelism: 1 }));
    // The round's plan is held back until the checks below are done (a few seconds at most, should the round hold the lock meanwhile).
    const checked = deferred();
    const watched = watchedPlanner(inner, (call) => (call === 0 ? within(checked.promise, 5_000) : Promise.resolve()));
    const coordinator = worker(watched.planner);
    const other = new pg.Client({ connectionString: testDatabaseUrl });
    await other.connect();
    try {
      const round = coordinator.round(id);
      await watched.started(0);
      // The plan starts before the round's read commits (its COMMIT follows the plan's start): the
      // round is given until well before its plan is let go to commit and give its connection
      // back. No session is then left idle in the round's transaction (its messages name the sweep).
      const idleInTransaction = async () => (await other.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE '%' || $1 || '%'`, [id])).rows[0].count;
      const released = async () => coordinator.pool.totalCount === coordinator.pool.idleCount && (await idleInTransaction()) === 0;
      const deadline = Date.now() + 2_000;
      while (!(await released()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(coordinator.pool.totalCount - coordinator.pool.idleCount).toBe(0);
      expect(await idleInTransaction()).toBe(0);
      // Another session takes the sweep's row at once, while the round plans.
      await other.query('BEGIN');
      await expect(other.query('SELECT id FROM sweeps WHERE id = $1 FOR UPDATE NOWAIT', [id])).resolves.toMatchObject({ rowCount: 1 });
      await other.query('ROLLBACK');
      checked.resolve();
      await round;
      const trials = await trialsOf(coordinator.pool, id);
      expect(trials.map((trial) => trial.trialNumber)).toEqual([0]);
      // Bit for bit the plan made from the same read under the lock.
      const stored = (await coordinator.pool.query<SweepRow>('SELECT spec, started_at AS "startedAt", base_objective AS "baseObjective" FROM sweeps WHERE id = $1', [id])).rows[0];
      const sweep = { ...stored, id, status: 'running', tenantId: '', name: null, result: null, idempotencyKey: null, createdAt: new Date(), updatedAt: new Date(), finishedAt: null } satisfies SweepRow;
      const locked: RoundPlan = planRound(sweep, [], new Date());
      expect(trials[0].parameters).toStrictEqual(locked.newTrials[0].parameters);
    } finally {
      checked.resolve();
      await other.end();
      await coordinator.close();
    }
  });

  it('is not waited for by the sweep being cancelled, and creates no trials in a sweep cancelled meanwhile', async () => {
    const id = await submit(heavySweep(3000, { maxTrials: 4, parallelism: 2 }));
    // The round's plan is held back until the cancel is answered (a few seconds at most, should the cancel wait for the round).
    const cancelled = deferred();
    let answeredWhilePlanning = false;
    const watched = watchedPlanner(inner, (call) => (call === 0 ? within(cancelled.promise, 5_000) : Promise.resolve()));
    const coordinator = worker(watched.planner);
    try {
      const round = coordinator.round(id);
      await watched.started(0);
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
      answeredWhilePlanning = !watched.settled(0);
      cancelled.resolve();
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(answeredWhilePlanning).toBe(true);
      await round;
      expect(await trialsOf(coordinator.pool, id)).toEqual([]);
      const { rows } = await coordinator.pool.query<{ status: string }>('SELECT status FROM sweeps WHERE id = $1', [id]);
      expect(rows).toEqual([{ status: 'cancelled' }]);
    } finally {
      cancelled.resolve();
      await coordinator.close();
    }
  });

  it('plans again from a fresh read when another round wrote the sweep meanwhile: the trials of rounds one after the other', async () => {
    const spec = heavySweep(3000, { maxTrials: 4, parallelism: 2 });
    // Settled as the API settles it, to check the spec it plans from.
    expect(settleSweepSpec(sweepSpecSchema.parse(spec), () => 1).sampler).toMatchObject({ seed: 11 });
    const raced = await submit(spec);
    const serial = await submit(spec);
    const overtaking = worker(inner);
    /** Trial 0 ends with a value, as its worker would store it. */
    const complete = (pool: Pool, sweepId: string) => pool.query(
      `UPDATE runs SET status = 'completed', trial_value = 0.25, result = '{"finalLoss": 0.25}'::jsonb, finished_at = now(), updated_at = now()
        WHERE sweep_id = $1 AND trial_number = 0`, [sweepId]);
    // While the first round plans, another round creates the sweep's first trials, and trial 0 ends.
    const watched = watchedPlanner(inner, async (call) => {
      if (call !== 0) return;
      await overtaking.round(raced);
      await complete(overtaking.pool, raced);
    });
    const overtaken = worker(watched.planner);
    // Plans made at once, under the lock, as cheap rounds' are.
    const reference = worker({ plan: planRound, close: () => Promise.resolve() });
    try {
      await overtaken.round(raced);
      // Planned twice: the first plan was not written, the second was made from the other round's trials.
      expect(watched.calls()).toBe(2);
      const trials = await trialsOf(overtaken.pool, raced);
      expect(trials.map((trial) => trial.trialNumber)).toEqual([0, 1, 2]);
      // The same sweep's rounds one after the other, each planned under the lock from its read to its commit.
      await reference.round(serial);
      await complete(reference.pool, serial);
      await reference.round(serial);
      const expected = await trialsOf(reference.pool, serial);
      expect(trials).toStrictEqual(expected);
    } finally {
      await Promise.all([overtaking.close(), overtaken.close(), reference.close()]);
      for (const id of [raced, serial]) await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    }
  });

  it('writes, of rounds planning the same sweep at once in two workers, the trials of one round', async () => {
    const spec = heavySweep(1500, { maxTrials: 4, parallelism: 2 });
    const raced = await submit(spec);
    const serial = await submit(spec);
    const workers = [worker(inner), worker(inner)];
    const reference = worker({ plan: planRound, close: () => Promise.resolve() });
    try {
      // The rounds read the sweep at about the same time: one writes its plan, the others that read before it plan again and find nothing to add.
      await Promise.all(workers.flatMap((each) => [each.round(raced), each.round(raced)]));
      await reference.round(serial);
      const trials = await trialsOf(reference.pool, raced);
      expect(trials.map((trial) => trial.trialNumber)).toEqual([0, 1]);
      expect(trials).toStrictEqual(await trialsOf(reference.pool, serial));
      const { rows } = await reference.pool.query<{ failedRounds: number }>('SELECT failed_rounds AS "failedRounds" FROM sweeps WHERE id = $1', [raced]);
      expect(rows).toEqual([{ failedRounds: 0 }]);
    } finally {
      await Promise.all([...workers, reference].map((each) => each.close()));
      for (const id of [raced, serial]) await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    }
  });

  it("leaves a trial's end that comes while another worker's round plans to that round, which plans the trials of rounds one after the other", async () => {
    const spec = heavySweep(1500, { maxTrials: 4, parallelism: 2 });
    const raced = await submit(spec);
    const serial = await submit(spec);
    // Worker B is woken by trial 0's end while A's second round (a queued wake-up) plans.
    const woken = watchedPlanner(inner);
    const b = worker(woken.planner);
    const planning = watchedPlanner(inner, async (call) => {
      if (call !== 1) return;
      await completeFirst(b.pool, raced);
      await b.wake(raced);
    });
    const a = worker(planning.planner);
    const reference = worker({ plan: planRound, close: () => Promise.resolve() });
    try {
      await a.round(raced);
      await a.round(raced);
      // B planned nothing: A's round, which read before the end, counted it after its commit and planned the next round.
      expect(woken.calls()).toBe(0);
      expect(planning.calls()).toBe(3);
      const trials = await trialsOf(a.pool, raced);
      expect(trials.map((trial) => trial.trialNumber)).toEqual([0, 1, 2]);
      const { rows } = await a.pool.query<{ planningUntil: Date | null }>('SELECT planning_until AS "planningUntil" FROM sweeps WHERE id = $1', [raced]);
      expect(rows).toEqual([{ planningUntil: null }]);
      // The same sweep's rounds one after the other, each planned under the lock from its read to its commit.
      await reference.round(serial);
      await completeFirst(reference.pool, serial);
      await reference.round(serial);
      expect(trials).toStrictEqual(await trialsOf(reference.pool, serial));
    } finally {
      await Promise.all([a.close(), b.close(), reference.close()]);
      for (const id of [raced, serial]) await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    }
  });

  it("clears its mark once its plan failed, and a trial's end plans a sweep whose mark has passed its time", async () => {
    const id = await submit(heavySweep(1500, { maxTrials: 4, parallelism: 2 }));
    const failing = worker({ plan: () => Promise.reject(new Error('the planning thread ended')), close: () => Promise.resolve() });
    const watched = watchedPlanner(inner);
    const woken = worker(watched.planner);
    const planningUntil = async () => (await woken.pool.query<{ planningUntil: Date | null }>('SELECT planning_until AS "planningUntil" FROM sweeps WHERE id = $1', [id])).rows[0].planningUntil;
    try {
      await expect(failing.round(id)).rejects.toThrow('the planning thread ended');
      expect(await planningUntil()).toBeNull();
      // Marked by a round still planning: a trial's end leaves it alone.
      await woken.pool.query(`UPDATE sweeps SET planning_until = now() + interval '1 hour' WHERE id = $1`, [id]);
      await woken.wake(id);
      expect(watched.calls()).toBe(0);
      // Marked by a round whose process ended: the mark has passed its time.
      await woken.pool.query(`UPDATE sweeps SET planning_until = now() - interval '1 second' WHERE id = $1`, [id]);
      await woken.wake(id);
      expect(watched.calls()).toBe(1);
      expect((await trialsOf(woken.pool, id)).map((trial) => trial.trialNumber)).toEqual([0, 1]);
    } finally {
      await Promise.all([failing.close(), woken.close()]);
      await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
    }
  });
});
