/**
 * The end of a sweep's trial that no worker drove (a cancel, the reconciler, a worker that found
 * it ended), against the real Redis: its status on its run's channel and its `trial` event on its
 * sweep's are told once, by the first teller, in the call that claims them; so a teller that
 * loses Redis right after its call has either told them or left them to the next teller, never
 * marked them told untold.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelledBeforeStart } from '../../../src/contracts/run-result.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { publishStrandedEnd, runChannel } from '../../../src/queue/run-events.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { listenTo } from '../support/channel-listener.ts';
import { testConfig } from '../support/services.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';
import { until } from '../support/server-sent-events.ts';

const prefix = `test-stranded-end-${randomUUID()}`;
let redis: Redis;
let proxy: TcpProxy;
/** A connection through a relay the test drops. */
let relayed: Redis;

beforeAll(async () => {
  redis = createRedis(testConfig().redisUrl, 'fail-fast');
  const relay = await relayTo(testConfig().redisUrl);
  proxy = relay.proxy;
  relayed = createRedis(relay.url, 'fail-fast');
  await Promise.all([redis.connect(), relayed.connect()]);
});

afterAll(async () => {
  await Promise.all([closeRedis(redis), closeRedis(relayed)]);
  await proxy.close();
});

/** A cancelled trial of a sweep, and what its followers should hear of its end. */
function cancelledTrial() {
  const trial = { id: randomUUID(), sweepId: randomUUID(), trialNumber: 3, result: cancelledBeforeStart('its sweep was cancelled') };
  return {
    trial,
    status: { type: 'status', runId: trial.id, status: 'cancelled', result: trial.result },
    end: { type: 'trial', sweepId: trial.sweepId, runId: trial.id, trialNumber: 3, status: 'cancelled' },
  };
}

/** What the trial's run channel and sweep channel heard while `work` ran. */
async function heardDuring(trial: { readonly id: string; readonly sweepId: string }, work: () => Promise<void>) {
  const [run, sweep] = await Promise.all([listenTo(testConfig().redisUrl, runChannel(trial.id)), listenTo(testConfig().redisUrl, sweepChannel(trial.sweepId))]);
  try {
    await work();
    return { run: await run.heard(), sweep: await sweep.heard() };
  } finally {
    await Promise.all([run.close(), sweep.close()]);
  }
}

describe("the end of a trial that no worker drove", () => {
  it('is told once, by the first teller, on its run\'s channel and its sweep\'s', async () => {
    const { trial, status, end } = cancelledTrial();
    const heard = await heardDuring(trial, async () => {
      await publishStrandedEnd(redis, prefix, trial, 'cancelled');
      await publishStrandedEnd(redis, prefix, trial, 'cancelled');
    });
    expect(heard).toEqual({ run: [status], sweep: [end] });
  });

  it('is told once when its teller loses Redis right after its call: by that call, or by the next teller', async () => {
    const { trial, status, end } = cancelledTrial();
    const heard = await heardDuring(trial, async () => {
      await until(async () => relayed.status === 'ready' && (await relayed.ping()) === 'PONG');
      proxy.dropAfterNextReply();
      try {
        await publishStrandedEnd(relayed, prefix, trial, 'cancelled');
      } finally {
        await proxy.start();
      }
      // The next teller: a worker that takes the trial's job and finds it ended.
      await publishStrandedEnd(redis, prefix, trial, 'cancelled');
    });
    expect(heard).toEqual({ run: [status], sweep: [end] });
  });
});
