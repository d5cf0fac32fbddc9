/**
 * Pages computed once for every API process, against the real Redis: concurrent viewers on
 * several processes cost one computation per key; a failed computation does not hold the others
 * back; with Redis gone, pages are still served. And two API processes over one database give a
 * dashboard the same metrics page and ETag.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { iterateRun } from '../../../src/core/training/index.ts';
import { createMetricsWriter } from '../../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createSharedPages, type StoredPage } from '../../../src/queue/shared-pages.ts';
import { toMetricBatch } from '../../../src/worker/metric-batch.ts';
import { buildTestApp, createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const page = (body: string): StoredPage => ({ contentType: 'application/json', body, nextCursor: null });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared pages', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'fail-fast');
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    await Promise.all(connections.map(closeRedis));
  });

  it('computes a page once for 30 concurrent viewers spread over three processes', async () => {
    const namespace = `test-${randomUUID()}`;
    const processes = [1, 2, 3].map(() => createSharedPages(connect(), { namespace }));
    let computations = 0;
    const compute = async () => {
      computations++;
      await pause(100);
      return page('{"points":[1,2,3]}');
    };
    const pages = await Promise.all(Array.from({ length: 30 }, (_, viewer) => processes[viewer % 3].getOrCompute('run-a|42|q', compute)));
    expect(computations).toBe(1);
    expect(new Set(pages.map((p) => p.body))).toEqual(new Set(['{"points":[1,2,3]}']));
    expect(processes.reduce((sum, p) => sum + p.stats.computed, 0)).toBe(1);
    // A later viewer on any process reads the stored page.
    await processes[2].getOrCompute('run-a|42|q', compute);
    expect(computations).toBe(1);
    // The next revision is a new key: computed once more.
    await Promise.all(processes.map((p) => p.getOrCompute('run-a|43|q', compute)));
    expect(computations).toBe(2);
  });

  it('keeps the next cursor and content type of a stored page', async () => {
    const namespace = `test-${randomUUID()}`;
    const [first, second] = [createSharedPages(connect(), { namespace }), createSharedPages(connect(), { namespace })];
    const csv: StoredPage = { contentType: 'text/csv; charset=utf-8', body: 'step,loss\n1,2\n', nextCursor: '1' };
    await first.getOrCompute('k', async () => csv);
    expect(await second.getOrCompute('k', async () => page('other'))).toEqual(csv);
  });

  it('lets waiters compute for themselves at once when the lock holder fails', async () => {
    const namespace = `test-${randomUUID()}`;
    const [holder, waiter] = [createSharedPages(connect(), { namespace, lockMs: 600_000 }), createSharedPages(connect(), { namespace, lockMs: 600_000 })];
    const failing = holder.getOrCompute('k', async () => {
      await pause(50);
      throw new Error('database went away');
    });
    await pause(10);
    // Were the waiter to wait out the ten-minute lock, the test would time out.
    const waiting = waiter.getOrCompute('k', async () => page('computed by the waiter'));
    await expect(failing).rejects.toThrow('database went away');
    expect((await waiting).body).toBe('computed by the waiter');
  });

  it('serves pages when Redis is unreachable', async () => {
    const redis = createRedis('redis://127.0.0.1:1', 'fail-fast');
    connections.push(redis);
    const pages = createSharedPages(redis, { namespace: 'unreachable' });
    let computations = 0;
    const result = await pages.getOrCompute('k', async () => {
      computations++;
      return page('still served');
    });
    expect(result.body).toBe('still served');
    expect(computations).toBe(1);
  });
});

describe('two API processes', () => {
  const test = useTestApp();
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(test.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('give the same downsampled page and ETag for the same run and query', async () => {
    const second = await buildTestApp(test.services);
    try {
      const { authorization } = await createTenantKey(test.services.database);
      const created = await test.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
      const runId = created.json().id as string;
      const spec = runSpecSchema.parse({ ...minimalSpec, training: { maxSteps: 3000 }, record: { every: 1 } });
      const engine = iterateRun(spec);
      const records = engine.advance({ maxSteps: 3000 });
      await pool.query(`UPDATE runs SET status = 'running' WHERE id = $1`, [runId]);
      await createMetricsWriter(pool).write({
        runId, fromStep: 0, metrics: toMetricBatch(records, { fromStep: 0, toStep: 3000, fromSeconds: 0, toSeconds: 1 }, false),
        rollups: true, checkpoint: { step: 3000, state: engine.checkpoint() },
      });
      const url = `/v1/runs/${runId}/metrics?maxPoints=100&fields=loss,gradNorm`;
      const [a, b] = await Promise.all([test.app, second].map((app) => app.inject({ method: 'GET', url, headers: { authorization } })));
      expect(a.statusCode).toBe(200);
      expect(a.json().downsampled).toBe(true);
      expect(b.body).toBe(a.body);
      expect(b.headers.etag).toBe(a.headers.etag);
      const notModified = await second.inject({ method: 'GET', url, headers: { authorization, 'if-none-match': String(a.headers.etag) } });
      expect(notModified.statusCode).toBe(304);
    } finally {
      await second.close();
    }
  });
});
