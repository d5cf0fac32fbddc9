/**
 * Every trial that ends is told once on its sweep's channel, as a `trial` event with its final
 * status, whatever ended it: here, the ends no worker tells, of trials cancelled while queued (by
 * a client's cancel of the trial, by the sweep's own stop, by a client's cancel of the sweep) or
 * ended at once while running with a job no worker holds. A client's cancel of the sweep stops
 * such a trial at once, as its own stop does: no worker would read its cancel flag.
 *
 * The service here has a coordinator and no runs worker: the test takes a trial's job as a worker
 * would (its job active: the trial's stop raises its flag) and writes its start as that worker's
 * slice would; a trial started whose job it did not take is one whose worker let its job go (a
 * graceful shutdown, a killed worker, its tenant at its running limit).
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { runChannel } from '../../../src/queue/run-events.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { listenTo, type ChannelListener } from '../support/channel-listener.ts';
import { queueTrials, useTestJobHolder, useTestSweepCoordinator } from './support.ts';

describe("a sweep's trial ends told on its channel", () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api);
  const jobs = useTestJobHolder(api);
  const headers = () => ({ authorization: api.authorization });

  /** A sweep with `parallelism` trials queued; its id and theirs, by trial number. */
  const queuedTrials = (parallelism: number, budget: object = { maxTrials: 8 }) => queueTrials(api, sweeping, budget, { parallelism });

  /** The trial's first slice, written by a worker that holds its job (`held`), or by one that let it go since. */
  const starts = async (runId: string, { held }: { held: boolean }) => {
    if (held) await jobs.take(runId);
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = $1", [runId]);
    if (!held) expect(await api.services.runsQueue.getJobState(runId)).not.toBe('active');
  };
  const trialOf = async (runId: string) => (await sweeping.pool.query('SELECT status, result FROM runs WHERE id = $1', [runId])).rows[0];
  const cancelFlag = (runId: string) => sweeping.connection.get(cancelFlagKey(api.services.config.queuePrefix, runId));

  /** What `work` makes heard on the channels, each listened to from before it. */
  async function heardDuring(channels: string[], work: () => Promise<void>): Promise<unknown[][]> {
    const listeners: ChannelListener[] = [];
    try {
      for (const channel of channels) listeners.push(await listenTo(api.services.config.redisUrl, channel));
      await work();
      return await Promise.all(listeners.map((listener) => listener.heard()));
    } finally {
      await Promise.all(listeners.map((listener) => listener.close()));
    }
  }

  it("tells the end of a queued trial a client cancels, on the trial's channel and on its sweep's", async () => {
    const { id, trials: [first] } = await queuedTrials(2);
    const [sweepEvents, runEvents] = await heardDuring([sweepChannel(id), runChannel(first)], async () => {
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/runs/${first}/cancel`, headers: headers() });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json()).toMatchObject({ status: 'cancelled' });
    });
    expect(sweepEvents).toEqual([{ type: 'trial', sweepId: id, runId: first, trialNumber: 0, status: 'cancelled' }]);
    expect(runEvents).toEqual([{ type: 'status', runId: first, status: 'cancelled', result: expect.objectContaining({ stopReason: 'cancelled', message: 'Cancelled before it started.' }) }]);
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
  });

  it('tells the end of each queued trial its stop cancels (its time limit passed), and of none it leaves running', async () => {
    const { id, trials: [first, second, third] } = await queuedTrials(3, { maxTrials: 8, timeLimitSeconds: 3600 });
    await starts(first, { held: true });
    await sweeping.pool.query("UPDATE sweeps SET started_at = now() - interval '2 hours' WHERE id = $1", [id]);
    const [sweepEvents, runEvents] = await heardDuring([sweepChannel(id), runChannel(second)], () => sweeping.coordinator.wake(id));
    expect(sweepEvents).toEqual([
      { type: 'trial', sweepId: id, runId: second, trialNumber: 1, status: 'cancelled' },
      { type: 'trial', sweepId: id, runId: third, trialNumber: 2, status: 'cancelled' },
    ]);
    expect(runEvents).toEqual([{ type: 'status', runId: second, status: 'cancelled', result: expect.objectContaining({ message: "Cancelled before it started: its sweep's time limit passed." }) }]);
    // The running one is its worker's to end, and to tell.
    expect(await trialOf(first)).toMatchObject({ status: 'running' });
    expect(await cancelFlag(first)).toBe('1');
    await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
  });

  it("a client's cancel of the sweep tells the end of each queued trial, and ends at once a running trial whose job no worker holds, telling it, before the sweep's end", async () => {
    const { id, trials: [first, second, third] } = await queuedTrials(3);
    await starts(first, { held: true });
    await starts(second, { held: false });
    const [sweepEvents] = await heardDuring([sweepChannel(id)], async () => {
      const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: headers() });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json()).toMatchObject({ status: 'cancelled', trials: { running: 1, cancelled: 2 } });
    });
    expect(sweepEvents).toEqual([
      { type: 'trial', sweepId: id, runId: third, trialNumber: 2, status: 'cancelled' },
      { type: 'trial', sweepId: id, runId: second, trialNumber: 1, status: 'cancelled' },
      { type: 'sweep', sweepId: id, status: 'cancelled', result: { reason: 'cancelled', message: 'A client cancelled the sweep.' } },
    ]);
    expect(await trialOf(third)).toMatchObject({ status: 'cancelled', result: { message: 'Cancelled before it started: its sweep was cancelled.' } });
    expect(await trialOf(second)).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled', message: 'Cancelled while no worker was running it: its sweep was cancelled.' } });
    // Its job is gone, and no flag waits for a worker.
    expect(await api.services.runsQueue.getJobState(second)).toBe('unknown');
    expect(await cancelFlag(second)).toBeNull();
    // The one a worker holds reads its flag.
    expect(await trialOf(first)).toMatchObject({ status: 'running' });
    expect(await cancelFlag(first)).toBe('1');
  });
});
