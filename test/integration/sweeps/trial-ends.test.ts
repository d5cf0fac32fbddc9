/**
 * Every trial that ends is told once on its sweep's channel, as a `trial` event with its final
 * status, whatever ended it: here, the ends no worker tells, of trials cancelled while queued.
 *
 * The service here has a coordinator and no runs worker: trials wait in the runs queue.
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { runChannel } from '../../../src/queue/run-events.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { listenTo, type ChannelListener } from '../support/channel-listener.ts';
import { queueTrials, useTestSweepCoordinator } from './support.ts';

describe("a sweep's trial ends told on its channel", () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api);
  const headers = () => ({ authorization: api.authorization });

  /** A sweep with `parallelism` trials queued; its id and theirs, by trial number. */
  const queuedTrials = (parallelism: number, budget: object = { maxTrials: 8 }) => queueTrials(api, sweeping, budget, { parallelism });

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
});
