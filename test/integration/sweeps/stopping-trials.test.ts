/**
 * The trials a round stops. A sweep past its time limit while trials run starts no trial, cancels
 * its queued ones, tells its running ones to stop, and ends once they all ended, deciding from how
 * they ended. A round that ends its sweep or stops its trials tells every trial not ended at its
 * read to stop: a trial queued then, which a worker starts before the round commits, is running by
 * then, and the round's statement, which cancels the queued ones, passes it by.
 *
 * The service here has a coordinator and no runs worker: the test writes the trials' starts and
 * ends as a worker's slices would, so what a trial does between its sweep's rounds is the test's
 * to say. Its planner can let a round go while it plans, as a thread's plan does, and a worker's
 * first slice of a trial commit meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { planRound } from '../../../src/worker/sweeps/plan-round.ts';
import type { RoundPlanner } from '../../../src/worker/sweeps/round-planner.ts';
import { eventually } from '../../support/eventually.ts';
import { getSweep, leaderboard, quadraticBase, useTestSweepCoordinator } from './support.ts';

describe('the trials a round stops', () => {
  const api = useTestApi();
  /** What happens while the next round plans (its plan made as a thread's is, without the lock). */
  let meanwhile: (() => Promise<void>) | null = null;
  const planner: RoundPlanner = {
    plan: (sweep, trials, now) => {
      const during = meanwhile;
      meanwhile = null;
      return during ? during().then(() => planRound(sweep, trials, now)) : planRound(sweep, trials, now);
    },
    close: async () => undefined,
  };
  const sweeping = useTestSweepCoordinator(api, { planner });

  /** A sweep with two trials queued; their ids. */
  async function twoQueued(budget: object): Promise<{ id: string; first: string; second: string }> {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: {
        base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1, log: true } }, metric: { name: 'finalLoss' },
        sampler: { type: 'random', seed: 1 }, budget, parallelism: 2,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    await sweeping.coordinator.wake(id);
    await eventually(() => getSweep(api.app, api.authorization, id), (sweep) => sweep.trials.queued === 2, { timeoutMs: 30_000, intervalMs: 50 });
    const { rows } = await sweeping.pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [id]);
    return { id, first: rows[0].id, second: rows[1].id };
  }

  /** A worker's first slice of the trial, committed while the next round plans. */
  const startsMeanwhile = (runId: string) => {
    meanwhile = async () => {
      await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'", [runId]);
    };
  };

  const cancelFlag = (runId: string) => sweeping.connection.get(cancelFlagKey(api.services.config.queuePrefix, runId));
  const statusOf = async (runId: string) => (await sweeping.pool.query('SELECT status FROM runs WHERE id = $1', [runId])).rows[0].status;

  /** A sweep of two trials, the first taken by a worker (running), its time limit passed. */
  async function pastItsLimit(): Promise<{ id: string; first: string; second: string }> {
    const trials = await twoQueued({ maxTrials: 4, timeLimitSeconds: 3600 });
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [trials.first]);
    await sweeping.pool.query("UPDATE sweeps SET started_at = now() - interval '2 hours' WHERE id = $1", [trials.id]);
    return trials;
  }

  it('past its time limit, a sweep keeps running while a trial runs, and ends with that trial as its best when it completes before its cancel reaches it; its value is stored', async () => {
    const { id, first, second } = await pastItsLimit();
    await sweeping.coordinator.wake(id);
    // No trial starts; the queued one is cancelled, the running one told to stop; the sweep waits for it.
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', result: null, best: null, trials: { running: 1, cancelled: 1, total: 2 } });
    expect(await cancelFlag(first)).toBe('1');
    const { rows: [cancelled] } = await sweeping.pool.query('SELECT status, result FROM runs WHERE id = $1', [second]);
    expect(cancelled).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled', message: "Cancelled before it started: its sweep's time limit passed." } });
    // The trial's last slice lands before its worker reads the cancel (the slice's write needs only status = 'running').
    const landed = await sweeping.pool.query(
      `UPDATE runs SET status = 'completed', finished_at = now(), result = '{"stopReason":"max_steps","finalLoss":0.25,"steps":100}'
        WHERE id = $1 AND status = 'running'`, [first],
    );
    expect(landed.rowCount).toBe(1);
    // Its end wakes the sweep, which decides from its trials as they ended.
    await sweeping.coordinator.wake(id);
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'completed', best: { runId: first, value: 0.25 }, trials: { completed: 1, cancelled: 1, total: 2 } });
    expect(ended.result).toEqual({ reason: 'time_limit', message: 'The time limit of 3600 s passed: 1 trial ended, 1 trial was cancelled.' });
    expect((await sweeping.pool.query('SELECT trial_value FROM runs WHERE id = $1', [first])).rows[0].trial_value).toBe(0.25);
    expect((await leaderboard(api.app, api.authorization, id)).map((trial) => [trial.runId, trial.status, trial.value])).toEqual([[first, 'completed', 0.25], [second, 'cancelled', null]]);
  });

  it('past its time limit, a sweep fails with no trial finished, counting its cancelled trials, once the running trial stopped', async () => {
    const { id, first } = await pastItsLimit();
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', trials: { running: 1, cancelled: 1 } });
    // A periodic check before the trial stopped changes nothing.
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', trials: { running: 1, cancelled: 1 } });
    await sweeping.pool.query(
      `UPDATE runs SET status = 'cancelled', finished_at = now(), result = '{"stopReason":"cancelled","finalLoss":3.5,"steps":40}' WHERE id = $1 AND status = 'running'`, [first],
    );
    await sweeping.coordinator.wake(id);
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'failed', best: null, trials: { cancelled: 2, total: 2 } });
    expect(ended.result).toEqual({
      reason: 'no_trial_finished',
      message: 'The time limit of 3600 s passed before any trial finished, so the sweep has no best trial; its 2 trials were cancelled.',
    });
  });

  it('a trial started while the round planned is told to stop when the time limit passed', async () => {
    const { id, first, second } = await twoQueued({ maxTrials: 4, timeLimitSeconds: 3600 });
    await sweeping.pool.query("UPDATE sweeps SET started_at = now() - interval '2 hours' WHERE id = $1", [id]);
    startsMeanwhile(first);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', trials: { running: 1, cancelled: 1, total: 2 } });
    expect([await statusOf(first), await statusOf(second)]).toEqual(['running', 'cancelled']);
    expect(await cancelFlag(first)).toBe('1');
  });

  it('a trial started while the round planned is told to stop when the sweep ends (too many failures)', async () => {
    const { id, first, second } = await twoQueued({ maxTrials: 4, maxFailedTrials: 0 });
    await sweeping.pool.query(`UPDATE runs SET status = 'failed', finished_at = now(), result = '{"stopReason":"error","message":"out of memory","steps":0}' WHERE id = $1`, [second]);
    startsMeanwhile(first);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' }, trials: { running: 1, failed: 1, total: 2 } });
    expect(await statusOf(first)).toBe('running');
    expect(await cancelFlag(first)).toBe('1');
  });
});
