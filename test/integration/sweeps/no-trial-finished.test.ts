/**
 * Sweeps that end before any trial finished. The service here has a coordinator and no runs
 * worker: trials wait in the runs queue and never finish, so what ends the sweep is its time
 * limit, its cancel or its trials' cancels, whatever the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { dropScheduledWakeUps, getSweep, leaderboard, quadraticBase, useTestSweepCoordinator, waitForSweep } from './support.ts';

describe('a sweep none of whose trials finished', () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api, { worker: true });

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

  it('is cancelled, not failed, when a client cancelled each of its trials, one by one, until its budget was spent: the reason says so; each cancel wakes it', async () => {
    const id = await submit({ maxTrials: 3 });
    const headers = { authorization: api.authorization };
    const trials = async () => (await sweeping.pool.query<{ id: string; status: string }>('SELECT id, status FROM runs WHERE sweep_id = $1 ORDER BY trial_number', [id])).rows;
    const cancel = async (runId: string) => {
      const response = await api.app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers });
      expect(response.statusCode, response.body).toBeLessThan(300);
      expect(response.json().status).toBe('cancelled');
    };
    await eventually(trials, (rows) => rows.length === 2, { timeoutMs: 30_000, intervalMs: 50 });
    // Only the cancels wake it from now on.
    await dropScheduledWakeUps(sweeping.sweepsQueue, id);
    const [first, second] = await trials();
    await cancel(first.id);
    // The cancelled trial's place is taken by the next.
    const statuses = (rows: { status: string }[]) => rows.map((trial) => trial.status);
    expect(statuses(await eventually(trials, (rows) => rows.length === 3, { timeoutMs: 30_000, intervalMs: 50 }))).toEqual(['cancelled', 'queued', 'queued']);
    // One a worker had begun, cancelled while no worker drives it, and the last, queued.
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [second.id]);
    await cancel(second.id);
    await cancel((await trials())[2].id);
    const done = await waitForSweep(api.app, api.authorization, id, 30_000);
    expect(done).toMatchObject({ status: 'cancelled', best: null, trials: { cancelled: 3, total: 3 } });
    expect(done.result).toEqual({ reason: 'trials_cancelled', message: 'All 3 trials were cancelled by a client before they finished, so the sweep has no best trial.' });
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
