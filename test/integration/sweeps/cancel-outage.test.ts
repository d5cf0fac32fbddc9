/**
 * A sweep whose end committed in PostgreSQL while Redis was unreachable, before its running
 * trials were stopped: a client's cancel answered 503, or the sweep reconciler's end of a sweep
 * whose coordination failed threw. A retried cancel answers 200 (not 409 `sweep_finished`) and
 * stops them, and so does the reconciler's next pass, whichever comes first: before, nothing
 * stopped them, and a trial whose worker had let its job go stayed running for good.
 *
 * The API (and the reconciler's runs queue) reach Redis through a relay the test cuts; the test
 * takes a trial's job as a worker would (its job active: its stop raises its flag), and writes
 * the start of another as a worker that let its job go since would.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { createLogger, type Logger } from '../../../src/config/logger.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createRunsQueue, type RunsQueue } from '../../../src/queue/runs-queue.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { createStrandedRuns } from '../../../src/db/stranded-runs.ts';
import { createStrandedSweeps } from '../../../src/db/stranded-sweeps.ts';
import { createSweepReconciler, type SweepReconciliation } from '../../../src/worker/sweep-reconciler.ts';
import { sweepCheckMs } from '../../../src/queue/sweeps-queue.ts';
import { testConfig } from '../support/services.ts';
import { relayTo, type TcpProxy } from '../support/tcp-proxy.ts';
import { useTestApi } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { heardDuring } from '../support/channel-listener.ts';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { queueTrials, useTestJobHolder, useTestSweepCoordinator } from './support.ts';

describe('a sweep ended while Redis was unreachable', () => {
  const api = useTestApi();
  const sweeping = useTestSweepCoordinator(api);
  const jobs = useTestJobHolder(api);
  let proxy: TcpProxy;
  let relayed: Redis;
  let relayedRuns: RunsQueue;
  let app: FastifyInstance;

  beforeAll(async () => {
    const relay = await relayTo(api.services.config.redisUrl);
    proxy = relay.proxy;
    const config = testConfig({ REDIS_URL: relay.url, QUEUE_PREFIX: api.services.config.queuePrefix });
    relayed = createRedis(config.redisUrl, 'fail-fast');
    relayedRuns = createRunsQueue(relayed, config.queuePrefix);
    app = await buildApp({ config, database: api.services.database, redis: relayed, runsQueue: relayedRuns }, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await relayedRuns?.close().catch(() => undefined);
    if (relayed) await closeRedis(relayed);
    await proxy?.close();
  });

  /** What `work` does while the relay to Redis is cut. */
  async function whileCut<T>(work: () => Promise<T>): Promise<T> {
    await proxy.stop();
    try {
      return await work();
    } finally {
      await proxy.start();
    }
  }

  const cancel = (id: string) => app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: { authorization: api.authorization } });
  const trialOf = async (runId: string) => (await sweeping.pool.query('SELECT status, result FROM runs WHERE id = $1', [runId])).rows[0];
  const cancelFlag = (runId: string) => sweeping.connection.get(cancelFlagKey(api.services.config.queuePrefix, runId));

  /**
   * A sweep of three trials: the first started by a worker that holds its job, the second by one
   * that let its job go since, the third queued.
   */
  async function sweepUnderWay(): Promise<{ id: string; held: string; letGo: string; queued: string }> {
    const { id, trials: [held, letGo, queued] } = await queueTrials(api, sweeping, { maxTrials: 8 }, { parallelism: 3 });
    await jobs.take(held);
    await sweeping.pool.query("UPDATE runs SET status = 'running', started_at = now() WHERE id = ANY($1)", [[held, letGo]]);
    return { id, held, letGo, queued };
  }

  /** The running trials stopped: the held one told by its flag, the one let go ended at once. */
  async function expectStopped({ held, letGo }: { held: string; letGo: string }) {
    expect(await trialOf(held)).toMatchObject({ status: 'running' });
    expect(await cancelFlag(held)).toBe('1');
    expect(await trialOf(letGo)).toMatchObject({ status: 'cancelled', result: { message: expect.stringMatching(/^Cancelled while no worker was running it: its sweep /) } });
    expect(await api.services.runsQueue.getJobState(letGo)).toBe('unknown');
  }

  /** A cancel while the relay is cut: 503, its own words; the sweep is cancelled all the same, its running trials not stopped. */
  async function cancelWhileDown(sweep: { id: string; held: string; letGo: string }) {
    const down = await whileCut(() => cancel(sweep.id));
    expect(down.statusCode, down.body).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({
      type: expect.stringContaining('queue_unavailable'),
      detail: `Sweep ${sweep.id} is cancelled, but its running trials could not all be told to stop because Redis is unreachable; retry the cancel later.`,
    });
    const { rows: [stored] } = await sweeping.pool.query('SELECT status, result FROM sweeps WHERE id = $1', [sweep.id]);
    expect(stored).toMatchObject({ status: 'cancelled', result: { reason: 'cancelled' } });
    expect(await cancelFlag(sweep.held)).toBeNull();
    expect(await trialOf(sweep.letGo)).toMatchObject({ status: 'running' });
  }

  /** The sweep events (its `sweep` ones) heard on its channel while `work` runs. */
  const sweepEventsDuring = (sweepId: string, work: () => Promise<void>) => heardDuring(api.services.config.redisUrl, sweepChannel(sweepId), 'sweep', work);

  it('a cancel retried after a 503 answers as a first success would, and stops the running trials; the sweep\'s end is told once', async () => {
    const sweep = await sweepUnderWay();
    let retried: Awaited<ReturnType<typeof cancel>> | undefined;
    const heard = await sweepEventsDuring(sweep.id, async () => {
      await cancelWhileDown(sweep);
      retried = await eventually(() => cancel(sweep.id), (answer) => answer.statusCode !== 503, { timeoutMs: 10_000, intervalMs: 100 });
      // Once more, and again: the same answer, and nothing more told.
      for (let again = 0; again < 2; again++) expect((await cancel(sweep.id)).json()).toEqual(retried.json());
    });
    expect(heard).toEqual([{ type: 'sweep', sweepId: sweep.id, status: 'cancelled', result: { reason: 'cancelled', message: 'A client cancelled the sweep.' } }]);
    expect(retried!.statusCode, retried!.body).toBe(200);
  });

  it('a cancel retried after a 503 answers as a first success would, and stops the running trials', async () => {
    const sweep = await sweepUnderWay();
    await cancelWhileDown(sweep);
    const retried = await eventually(() => cancel(sweep.id), (answer) => answer.statusCode !== 503, { timeoutMs: 10_000, intervalMs: 100 });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id: sweep.id, status: 'cancelled', result: { reason: 'cancelled', message: 'A client cancelled the sweep.' }, trials: { running: 1, cancelled: 2 } });
    await expectStopped(sweep);
    // Once more: the same answer.
    const again = await cancel(sweep.id);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(retried.json());
  });

  /** A sweep reconciler whose runs queue is `runsQueue` (its lock and flags on the machine's Redis, not relayed). */
  const reconcilerWith = (runsQueue: RunsQueue) => createSweepReconciler({
    strandedSweeps: createStrandedSweeps(sweeping.pool), sweepsQueue: sweeping.sweepsQueue, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix,
    runsQueue, strandedRuns: createStrandedRuns(sweeping.pool), staleAfterMs: 60_000, maxFailedRounds: 3,
    // No lock left between the test's own passes.
    intervalMs: 1,
    logger: createLogger('silent'),
  });

  it("the sweep reconciler's pass stops the running trials of a sweep whose cancel answered 503, should the client not retry, and tells the sweep's end once", async () => {
    const sweep = await sweepUnderWay();
    const reconciler = reconcilerWith(api.services.runsQueue);
    const passes: SweepReconciliation[] = [];
    let flagLifetime = 0;
    const heard = await sweepEventsDuring(sweep.id, async () => {
      await cancelWhileDown(sweep);
      passes.push(await reconciler.reconcile());
      await expectStopped(sweep);
      // The held trial's flag, raised by the first pass, is not raised again by the next: it keeps its lifetime.
      await sweeping.connection.expire(cancelFlagKey(api.services.config.queuePrefix, sweep.held), 100);
      passes.push(await reconciler.reconcile());
      flagLifetime = await sweeping.connection.ttl(cancelFlagKey(api.services.config.queuePrefix, sweep.held));
    });
    // Those it ended: the held trial is its worker's to end.
    expect(passes[0].stopped).toContain(sweep.letGo);
    expect(passes.flatMap((pass) => pass.stopped)).not.toContain(sweep.held);
    expect(flagLifetime).toBeGreaterThan(0);
    expect(flagLifetime).toBeLessThanOrEqual(100);
    expect(heard).toEqual([{ type: 'sweep', sweepId: sweep.id, status: 'cancelled', result: { reason: 'cancelled', message: 'A client cancelled the sweep.' } }]);
  });

  it("the sweep reconciler's warning names the sweeps it woke, even when stopping the running trials of ended sweeps throws", async () => {
    const sweep = await sweepUnderWay();
    await cancelWhileDown(sweep);
    // A sweep whose periodic check is gone and which no round wrote for an hour: the pass wakes it.
    const { id: stale } = await queueTrials(api, sweeping, { maxTrials: 8 }, { parallelism: 1 });
    await sweeping.pool.query("UPDATE sweeps SET updated_at = now() - interval '1 hour' WHERE id = $1", [stale]);
    const period = Math.floor(Date.now() / sweepCheckMs);
    await Promise.all([period, period + 1, period + 2].map((check) => sweeping.sweepsQueue.remove(`${stale}-check-${check}`)));
    const warnings: unknown[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (fields: unknown) => void warnings.push(fields) } as unknown as Logger;
    const reconciler = createSweepReconciler({
      strandedSweeps: createStrandedSweeps(sweeping.pool), sweepsQueue: sweeping.sweepsQueue, redis: sweeping.connection, queuePrefix: api.services.config.queuePrefix,
      runsQueue: relayedRuns, strandedRuns: createStrandedRuns(sweeping.pool), staleAfterMs: 60_000, maxFailedRounds: 3, intervalMs: 1, logger,
    });
    await whileCut(() => expect(reconciler.reconcile()).rejects.toThrow());
    expect(warnings).toContainEqual(expect.objectContaining({ woken: expect.arrayContaining([stale]) }));
  });

  it("the sweep reconciler's next pass stops the running trials of a sweep it ended coordination_failed while the runs queue was unreachable", async () => {
    const sweep = await sweepUnderWay();
    await sweeping.pool.query("UPDATE sweeps SET failed_rounds = 3, round_error = 'no round', updated_at = now() - interval '1 hour' WHERE id = $1", [sweep.id]);
    const reconciler = reconcilerWith(relayedRuns);
    await whileCut(() => expect(reconciler.reconcile()).rejects.toThrow());
    const { rows: [stored] } = await sweeping.pool.query('SELECT status, result FROM sweeps WHERE id = $1', [sweep.id]);
    expect(stored).toMatchObject({ status: 'failed', result: { reason: 'coordination_failed' } });
    expect(await cancelFlag(sweep.held)).toBeNull();
    expect(await trialOf(sweep.letGo)).toMatchObject({ status: 'running' });
    const heard = await sweepEventsDuring(sweep.id, async () => {
      const pass = await eventually(() => reconciler.reconcile().catch(() => null), (done) => done !== null, { timeoutMs: 10_000, intervalMs: 100 });
      expect(pass!.stopped).toContain(sweep.letGo);
      expect(pass!.stopped).not.toContain(sweep.held);
      await reconciler.reconcile();
    });
    // The end its first pass threw before telling, told once.
    expect(heard).toEqual([{ type: 'sweep', sweepId: sweep.id, status: 'failed', result: expect.objectContaining({ reason: 'coordination_failed' }) }]);
    await expectStopped(sweep);
    expect(await trialOf(sweep.letGo)).toMatchObject({ result: { message: 'Cancelled while no worker was running it: its sweep failed.' } });
  });

  it('a cancel of a sweep that ended otherwise is still refused (409)', async () => {
    const { id } = await queueTrials(api, sweeping, { maxTrials: 8 }, { parallelism: 1 });
    await sweeping.pool.query(`UPDATE sweeps SET status = 'failed', result = '{"reason": "coordination_failed", "message": "…"}', finished_at = now() WHERE id = $1`, [id]);
    const refused = await cancel(id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ detail: `Sweep ${id} is failed; only a queued or running sweep, or one a client cancelled, can be cancelled.` });
  });
});
