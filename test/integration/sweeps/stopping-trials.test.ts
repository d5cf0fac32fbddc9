/**
 * The trials a round stops. A sweep that ends while trials are queued or running (its time limit
 * passed, a trial reached its target, too many trials failed, its stored spec is refused) starts
 * no trial, cancels its queued ones, tells its running ones to stop, and ends once they all ended,
 * deciding from how they ended. A round that stops its trials tells every trial not ended at its
 * read to stop: a trial queued then, which a worker starts before the round commits, is running by
 * then, and the round's statement, which cancels the queued ones, passes it by.
 *
 * The service here has a coordinator and no runs worker: the test takes a trial's job as a worker
 * would and writes the trial's start and end as that worker's slices would, so what a trial does
 * between its sweep's rounds is the test's to say. Its planner can let a round go while it plans,
 * as a thread's plan does, and a worker's first slice of a trial commit meanwhile. A trial running
 * whose job no worker holds (back in the queue) is ended at once by the stop, and its end told on
 * the sweep's channel: no worker would read its cancel flag.
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { sweepChannel, type SweepEvent } from '../../../src/queue/sweep-events.ts';
import { planRound } from '../../../src/worker/sweeps/plan-round.ts';
import type { RoundPlanner } from '../../../src/worker/sweeps/round-planner.ts';
import { listenTo } from '../support/channel-listener.ts';
import { getSweep, leaderboard, queueTrials, useTestJobHolder, useTestSweepCoordinator } from './support.ts';

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
  const jobs = useTestJobHolder(api);

  /** A sweep with `parallelism` trials queued (two unless told); its id and theirs, by trial number. */
  const queuedTrials = (budget: object, options: { parallelism?: number; metric?: object } = {}) => queueTrials(api, sweeping, budget, options);

  /** A sweep with two trials queued; their ids. */
  async function twoQueued(budget: object): Promise<{ id: string; first: string; second: string }> {
    const { id, trials: [first, second] } = await queuedTrials(budget);
    return { id, first, second };
  }

  /** A worker's first slice of the trial, committed while the next round plans. */
  const startsMeanwhile = (runId: string) => {
    meanwhile = async () => {
      await jobs.take(runId);
      await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'", [runId]);
    };
  };

  const cancelFlag = (runId: string) => sweeping.connection.get(cancelFlagKey(api.services.config.queuePrefix, runId));
  const statusOf = async (runId: string) => (await sweeping.pool.query('SELECT status FROM runs WHERE id = $1', [runId])).rows[0].status;
  const trialOf = async (runId: string) => (await sweeping.pool.query('SELECT status, result, trial_value FROM runs WHERE id = $1', [runId])).rows[0];
  /** The trial's first slice, by the worker that took its job. */
  const starts = async (runId: string) => {
    await jobs.take(runId);
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [runId]);
  };
  /** The trial's last slice, completed with this finalLoss, as a worker writes it (it needs only status = 'running'). */
  const completes = async (runId: string, finalLoss: number) => {
    const landed = await sweeping.pool.query(
      `UPDATE runs SET status = 'completed', finished_at = now(), result = $2::jsonb WHERE id = $1 AND status = 'running'`,
      [runId, JSON.stringify({ stopReason: 'max_steps', finalLoss, steps: 100 })],
    );
    expect(landed.rowCount).toBe(1);
  };
  /** The trial, running, ended cancelled as its worker ends it on reading its cancel flag. */
  const stopsOnItsCancel = (runId: string) => sweeping.pool.query(
    `UPDATE runs SET status = 'cancelled', finished_at = now(), result = '{"stopReason":"cancelled","message":"Cancelled at step 40.","finalLoss":3.5,"steps":40}' WHERE id = $1 AND status = 'running'`, [runId],
  );
  const fails = (runId: string) => sweeping.pool.query(
    `UPDATE runs SET status = 'failed', finished_at = now(), result = '{"stopReason":"error","message":"out of memory","steps":0}' WHERE id = $1`, [runId],
  );

  /** A sweep of two trials, the first taken by a worker (running), its time limit passed. */
  async function pastItsLimit(): Promise<{ id: string; first: string; second: string }> {
    const trials = await twoQueued({ maxTrials: 4, timeLimitSeconds: 3600 });
    await starts(trials.first);
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

  it('a trial started while the round planned is told to stop when too many trials failed, and the sweep ends once it ended', async () => {
    const { id, first, second } = await twoQueued({ maxTrials: 4, maxFailedTrials: 0 });
    await fails(second);
    startsMeanwhile(first);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', result: null, trials: { running: 1, failed: 1, total: 2 } });
    expect(await statusOf(first)).toBe('running');
    expect(await cancelFlag(first)).toBe('1');
    await stopsOnItsCancel(first);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({
      status: 'failed', best: null, trials: { cancelled: 1, failed: 1, total: 2 },
      result: { reason: 'too_many_failures', message: '1 trial failed, more than maxFailedTrials (0). The last: out of memory' },
    });
  });

  it('a sweep with too many failed trials keeps running while a trial runs, and decides once it ended: a trial that completed before its cancel reached it is its best, with its value stored', async () => {
    const { id, trials: [first, second, third] } = await queuedTrials({ maxTrials: 6, maxFailedTrials: 0 }, { parallelism: 3 });
    await starts(first);
    await fails(second);
    await sweeping.coordinator.wake(id);
    // No trial starts; the queued one is cancelled, saying why, the running one told to stop.
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', result: null, trials: { running: 1, failed: 1, cancelled: 1, total: 3 } });
    expect(await trialOf(third)).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled', message: 'Cancelled before it started: too many trials of its sweep failed.' } });
    expect(await cancelFlag(first)).toBe('1');
    await completes(first, 0.25);
    await sweeping.coordinator.wake(id);
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'failed', best: { runId: first, value: 0.25 }, trials: { completed: 1, failed: 1, cancelled: 1, total: 3 } });
    expect(ended.result).toEqual({ reason: 'too_many_failures', message: '1 trial failed, more than maxFailedTrials (0). The last: out of memory' });
    expect((await trialOf(first)).trial_value).toBe(0.25);
    expect((await leaderboard(api.app, api.authorization, id)).map((trial) => [trial.runId, trial.status, trial.value])).toEqual([[first, 'completed', 0.25], [second, 'failed', null], [third, 'cancelled', null]]);
  });

  it('a sweep whose trial reached its target keeps running while another runs, and ends naming the best trial that reached it once that one ended, as its leaderboard ranks them', async () => {
    const { id, trials: [first, second, third] } = await queuedTrials({ maxTrials: 6 }, { parallelism: 3, metric: { name: 'finalLoss', target: 1 } });
    await starts(first);
    await starts(second);
    await completes(second, 0.5);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', result: null, trials: { running: 1, completed: 1, cancelled: 1, total: 3 } });
    expect(await trialOf(third)).toMatchObject({ status: 'cancelled', result: { message: 'Cancelled before it started: a trial of its sweep reached metric.target.' } });
    expect(await cancelFlag(first)).toBe('1');
    // Its last slice lands before its worker reads the cancel: it reaches the target too, and further.
    await completes(first, 0.25);
    await sweeping.coordinator.wake(id);
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'completed', best: { runId: first, trialNumber: 0, value: 0.25 }, trials: { completed: 2, cancelled: 1, total: 3 } });
    expect(ended.result).toEqual({ reason: 'target_reached', message: 'Trial 0 reached finalLoss 0.25 (target 1).' });
    expect((await trialOf(first)).trial_value).toBe(0.25);
    expect((await leaderboard(api.app, api.authorization, id)).map((trial) => trial.runId)).toEqual([first, second, third]);
  });

  it('ends at once a running trial whose job no worker holds, which would never read its cancel flag, and then decides', async () => {
    const { id, trials: [first, second] } = await queuedTrials({ maxTrials: 4 }, { metric: { name: 'finalLoss', target: 1 } });
    await starts(first);
    await completes(first, 0.5);
    // The second was begun by a worker that has let its job go since (a graceful shutdown, a killed worker, its tenant at its running limit): its job waits in the queue.
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [second]);
    expect(await api.services.runsQueue.getJobState(second)).not.toBe('active');
    const events = await listenTo(api.services.config.redisUrl, sweepChannel(id));
    try {
      await sweeping.coordinator.wake(id);
      // Its end is told on the sweep's channel, as a worker tells the end of a trial it ran, before the sweep's.
      const heard = await events.heard() as SweepEvent[];
      expect(heard.map((event) => [event.type, event.status])).toEqual([['trial', 'cancelled'], ['sweep', 'completed']]);
      expect(heard[0]).toEqual({ type: 'trial', sweepId: id, runId: second, trialNumber: 1, status: 'cancelled' });
    } finally {
      await events.close();
    }
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'completed', best: { runId: first, value: 0.5 }, trials: { completed: 1, cancelled: 1, total: 2 } });
    expect(ended.result).toEqual({ reason: 'target_reached', message: 'Trial 0 reached finalLoss 0.5 (target 1).' });
    expect(await trialOf(second)).toMatchObject({
      status: 'cancelled', result: { stopReason: 'cancelled', message: 'Cancelled while no worker was running it: a trial of its sweep reached metric.target.', steps: 0 },
    });
    // Its job is gone, and no flag waits for a worker.
    expect(await api.services.runsQueue.getJobState(second)).toBe('unknown');
    expect(await cancelFlag(second)).toBeNull();
  });

  it('a sweep stopped for too many failed trials fails so, though a trial it stopped reached the target meanwhile: that trial is its best', async () => {
    const { id, trials: [first, second, third] } = await queuedTrials({ maxTrials: 6, maxFailedTrials: 0 }, { parallelism: 3, metric: { name: 'finalLoss', target: 1 } });
    await starts(first);
    await fails(second);
    await sweeping.coordinator.wake(id);
    expect(await getSweep(api.app, api.authorization, id)).toMatchObject({ status: 'running', result: null, trials: { running: 1, failed: 1, cancelled: 1 } });
    // Its last slice lands before its worker reads the cancel, past the target.
    await completes(first, 0.25);
    await sweeping.coordinator.wake(id);
    const ended = await getSweep(api.app, api.authorization, id);
    expect(ended).toMatchObject({ status: 'failed', best: { runId: first, value: 0.25 }, trials: { completed: 1, failed: 1, cancelled: 1, total: 3 } });
    expect(ended.result).toEqual({ reason: 'too_many_failures', message: '1 trial failed, more than maxFailedTrials (0). The last: out of memory' });
    // As its cancelled trial says.
    expect(await trialOf(third)).toMatchObject({ status: 'cancelled', result: { message: 'Cancelled before it started: too many trials of its sweep failed.' } });
  });

  it('a sweep whose stored spec is refused now keeps running while a trial of an earlier release runs, and fails saying why once it ended, though its time limit passed meanwhile', async () => {
    const { id, first, second } = await twoQueued({ maxTrials: 4, timeLimitSeconds: 3600 });
    await starts(first);
    // Stored before submissions checked indexes (as stored-specs.test.ts writes it): every new trial's spec would be a billion entries long.
    const { rows: [{ spec }] } = await sweeping.pool.query<{ spec: { parameters: Record<string, unknown> } }>('SELECT spec FROM sweeps WHERE id = $1', [id]);
    const parameters = { ...spec.parameters, 'objective.initial.999999999': { type: 'float', low: -1, high: 1 } };
    await sweeping.pool.query('UPDATE sweeps SET spec = $2::json WHERE id = $1', [id, JSON.stringify({ ...spec, parameters })]);
    const sweepRow = async () => (await sweeping.pool.query('SELECT status, result FROM sweeps WHERE id = $1', [id])).rows[0];
    await sweeping.coordinator.wake(id);
    expect(await sweepRow()).toEqual({ status: 'running', result: null });
    expect(await trialOf(second)).toMatchObject({ status: 'cancelled', result: { message: "Cancelled before it started: its sweep's spec is refused as a submission would be now." } });
    expect(await cancelFlag(first)).toBe('1');
    await sweeping.pool.query("UPDATE sweeps SET started_at = now() - interval '2 hours' WHERE id = $1", [id]);
    await stopsOnItsCancel(first);
    await sweeping.coordinator.wake(id);
    expect(await sweepRow()).toMatchObject({ status: 'failed', result: { reason: 'refused_spec', message: expect.stringContaining('parameters["objective.initial.999999999"]: Index 999999999 is past the end') } });
  });
});
