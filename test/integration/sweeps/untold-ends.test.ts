/**
 * A sweep whose end its ender could not tell: its rounds' coordinator reached Redis through a
 * relay the test cuts, and the round that ended the sweep (its every trial failed) committed
 * while the relay was cut. A follower of GET /v1/sweeps/{id}/events, whose API stayed connected,
 * hears the end once Redis is back, from the sweep reconciler's next pass; a second pass tells it
 * no more, and a sweep whose ender told its end is not told again. A pass tells the ends of the
 * sweeps that ended a minute or more and 23 hours or less ago by PostgreSQL's clock, whatever
 * the worker's clock says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.ts';
import { createStrandedRuns } from '../../../src/db/stranded-runs.ts';
import { createStrandedSweeps } from '../../../src/db/stranded-sweeps.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { publishSweepEnd, sweepChannel } from '../../../src/queue/sweep-events.ts';
import { createSweepProcessor, type SweepProcessor } from '../../../src/worker/processors/sweep.ts';
import { createSweepReconciler } from '../../../src/worker/sweep-reconciler.ts';
import { heardDuring } from '../support/channel-listener.ts';
import { readEvents, subscriberCount, until, type ServerSentEvent } from '../support/server-sent-events.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';
import { useTestApi } from '../runs/support.ts';
import { queueTrials, useTestSweepCoordinator } from './support.ts';

describe('the end of a sweep that its ender could not tell', () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api);
  let base: string;
  let proxy: TcpProxy;
  let relayed: Redis;
  /** A coordinator whose Redis is behind the relay. */
  let cutOff: SweepProcessor;

  beforeAll(async () => {
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const relay = await relayTo(api.services.config.redisUrl);
    proxy = relay.proxy;
    relayed = createRedis(relay.url, 'fail-fast');
    cutOff = createSweepProcessor({ pool: sweeping.pool, redis: relayed, queuePrefix: api.services.config.queuePrefix, runsQueue: api.services.runsQueue, sweepsQueue: sweeping.sweepsQueue });
  });
  afterAll(async () => {
    await cutOff?.close();
    if (relayed) await closeRedis(relayed);
    await proxy?.close();
  });

  const staleAfterMs = 60_000;
  /** The sweep reconciler of the test's deployment, its clock `ahead` milliseconds ahead of the machine's (behind when negative). */
  const reconciler = (ahead = 0) => createSweepReconciler({
    strandedSweeps: createStrandedSweeps(sweeping.pool), sweepsQueue: sweeping.sweepsQueue, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix,
    runsQueue: api.services.runsQueue, strandedRuns: createStrandedRuns(sweeping.pool), staleAfterMs, maxFailedRounds: 3,
    // No lock left between the test's own passes.
    intervalMs: 1,
    logger: createLogger('silent'),
    clock: () => new Date(Date.now() + ahead),
  });

  /** Moves the sweep's end `ago` (an interval) before now, as if it had ended then. */
  async function endedAgo(id: string, ago: string): Promise<void> {
    await sweeping.pool.query(`UPDATE sweeps SET finished_at = now() - $2::interval WHERE id = $1`, [id, ago]);
  }

  /** A sweep of two trials, both failed (as their worker would store them): its next round ends it, `too_many_failures`. */
  async function sweepToEnd(): Promise<string> {
    const { id, trials } = await queueTrials(api, sweeping, { maxTrials: 2 });
    await sweeping.pool.query(
      `UPDATE runs SET status = 'failed', result = '{"stopReason": "error", "message": "no luck"}', started_at = now(), finished_at = now() WHERE id = ANY($1)`, [trials]);
    return id;
  }

  /** The round that ends the sweep, on the coordinator cut off from Redis. */
  async function endWhileCut(id: string): Promise<void> {
    await proxy.stop();
    try {
      await cutOff.wake(id);
    } finally {
      await proxy.start();
    }
    const { rows: [stored] } = await sweeping.pool.query('SELECT status, result FROM sweeps WHERE id = $1', [id]);
    expect(stored).toMatchObject({ status: 'failed', result: { reason: 'too_many_failures' } });
  }

  /** The sweep's `sweep` events heard on its channel while `work` runs. */
  const sweepEventsDuring = (sweepId: string, work: () => Promise<void>) => heardDuring(api.services.config.redisUrl, sweepChannel(sweepId), 'sweep', work);

  it("is told by the sweep reconciler's pass once Redis is back, once: a follower of the sweep's events hears it and the stream ends", async () => {
    const id = await sweepToEnd();
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/sweeps/${id}/events`, { headers: { authorization: api.authorization }, signal: abort.signal });
    expect(response.status).toBe(200);
    const reading = readEvents(response, (events) => events.some((event) => event.event === 'end'));
    await until(async () => (await subscriberCount(api.services.redis, sweepChannel(id))) === 1);
    try {
      const passes: string[][] = [];
      const heard = await sweepEventsDuring(id, async () => {
        await endWhileCut(id);
        // A minute and more ago: its ender has had the time to tell it.
        await endedAgo(id, '2 minutes');
        for (let pass = 0; pass < 2; pass++) passes.push([...(await reconciler().reconcile()).told]);
      });
      expect(passes).toEqual([[id], []]);
      const done = { type: 'sweep', sweepId: id, status: 'failed', result: expect.objectContaining({ reason: 'too_many_failures' }) };
      expect(heard).toEqual([done]);
      // Should the stream still wait for the end, the test fails here rather than at its timeout.
      const timer = setTimeout(() => abort.abort(), 10_000);
      const events: ServerSentEvent[] = await reading.finally(() => clearTimeout(timer));
      expect(events.map((event) => event.event)).toEqual(['sweep', 'sweep', 'end']);
      expect(events[1]!.data).toEqual({ sweepId: id, status: 'failed', result: expect.objectContaining({ reason: 'too_many_failures' }) });
    } finally {
      abort.abort();
    }
  });

  it('is not told again when its ender told it', async () => {
    const id = await sweepToEnd();
    const passes: string[][] = [];
    const heard = await sweepEventsDuring(id, async () => {
      await sweeping.coordinator.wake(id);
      await endedAgo(id, '2 minutes');
      passes.push([...(await reconciler().reconcile()).told]);
    });
    expect(heard).toEqual([{ type: 'sweep', sweepId: id, status: 'failed', result: expect.objectContaining({ reason: 'too_many_failures' }) }]);
    expect(passes).toEqual([[]]);
  });

  it("is told only for a sweep that ended a minute or more and 23 hours or less ago, by PostgreSQL's clock, whatever the worker's", async () => {
    // Three sweeps whose ends nobody told (no round ended them: the test stores their ends).
    const ends = { justNow: '5 seconds', lately: '2 minutes', dayAgo: '23 hours 30 minutes' };
    const ids: Record<string, string> = {};
    for (const [name, ago] of Object.entries(ends)) {
      const { id } = await queueTrials(api, sweeping, { maxTrials: 2 });
      await sweeping.pool.query(`UPDATE sweeps SET status = 'completed', result = '{"reason": "budget_exhausted"}' WHERE id = $1`, [id]);
      await endedAgo(id, ago);
      ids[name] = id;
    }
    const ours = (told: readonly string[]) => told.filter((id) => Object.values(ids).includes(id));
    // A worker whose clock runs 2 minutes fast would take the end just committed for one its ender had the time to tell;
    // one 2 hours slow, the end 23.5 hours ago for one within the day its marker lasts.
    const passes = [ours((await reconciler(2 * 60_000).reconcile()).told), ours((await reconciler(-2 * 3600_000).reconcile()).told)];
    expect(passes).toEqual([[ids.lately], []]);
  });

  it("is told once when Redis is lost right after its ender's call that tells it", async () => {
    const id = await sweepToEnd();
    const result = { reason: 'too_many_failures', message: 'no luck' };
    // Ended 2 minutes ago (by no round: its ender's call is the test's).
    await sweeping.pool.query(`UPDATE sweeps SET status = 'failed', result = $2, finished_at = now() - interval '2 minutes' WHERE id = $1`, [id, result]);
    const passes: string[][] = [];
    const heard = await sweepEventsDuring(id, async () => {
      await until(async () => relayed.status === 'ready' && (await relayed.ping()) === 'PONG');
      proxy.dropAfterNextReply();
      try {
        // Had the marker been set by a call of its own, before the end's publishing, the end would be marked told, untold.
        await publishSweepEnd(relayed, api.services.config.queuePrefix, { type: 'sweep', sweepId: id, status: 'failed', result });
      } finally {
        await proxy.start();
      }
      passes.push([...(await reconciler().reconcile()).told]);
    });
    // Told once: by its ender's call, or (should Redis not have run the script the call named) by the pass.
    expect(heard).toEqual([{ type: 'sweep', sweepId: id, status: 'failed', result }]);
    expect(passes.flat().length).toBeLessThanOrEqual(1);
  });
});
