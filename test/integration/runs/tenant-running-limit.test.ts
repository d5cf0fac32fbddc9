/**
 * TENANT_MAX_RUNNING_RUNS: a tenant's runs beyond its limit wait parked in the queue without
 * holding a worker, another tenant's run goes past them, and each parked run starts when one of
 * its tenant's runs ends (promoted by it, not by a timer: the timer here is ten minutes long).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { createRunProcessor } from '../../../src/worker/processors/run.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import { createTenantKey, useTestApp } from '../support/services.ts';
import { isFinal, postRun, waitForRun } from './support.ts';

/** About half a second of work each. */
const spec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 0.001 },
  training: { maxSteps: 1_000_000_000, timeLimitSeconds: 0.5 },
};

describe('TENANT_MAX_RUNNING_RUNS', () => {
  const context = useTestApp({ TENANT_MAX_RUNNING_RUNS: '1', WORKER_CONCURRENCY: '3' });

  /** A worker as `descent worker` starts it, whose parked jobs would wait ten minutes for their timer; `parked` collects its parkings. */
  async function startParkingWorker(parked: unknown[]) {
    const logger = { info: (fields: unknown, message: string) => void (message.startsWith('run parked') && parked.push(fields)), warn: () => undefined, error: () => undefined };
    const pool = createPool(context.services.config.databaseUrl, 4);
    const connection = createRedis(context.services.config.redisUrl, 'wait-for-redis');
    const worker = await startWorker({
      config: context.services.config,
      connection,
      processors: { run: createRunProcessor({ database: context.services.database, pool, redis: connection, queuePrefix: context.services.config.queuePrefix }) },
      logger,
      parkedMs: 600_000,
    });
    return {
      async close() {
        await worker.close();
        await closeRedis(connection);
        await pool.end();
      },
    };
  }

  it("runs one of a tenant's runs at a time while its others wait parked, and another tenant's run meanwhile", async () => {
    const busy = await createTenantKey(context.services.database, 'busy');
    const other = await createTenantKey(context.services.database, 'other');
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push((await postRun(context.app, busy.authorization, spec)).json().id as string);
    const single = (await postRun(context.app, other.authorization, spec)).json().id as string;

    const parked: unknown[] = [];
    const worker = await startParkingWorker(parked);
    let mostRunning = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const running = await context.services.database.run.count({ where: { id: { in: queued }, status: 'running' } });
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await waitForRun(context.app, other.authorization, single, isFinal, 60_000);
      for (const id of queued) await waitForRun(context.app, busy.authorization, id, isFinal, 60_000);
    } finally {
      watching = false;
      await watch;
      await worker.close();
    }
    const runs = await context.services.database.run.findMany({ where: { id: { in: [...queued, single] } } });
    expect(runs.map((run) => run.status)).toEqual(new Array(4).fill('completed'));
    expect(mostRunning).toBe(1);
    // The busy tenant's runs ran one after the other: each started after the one before ended.
    const busyRuns = runs.filter((run) => run.id !== single).sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
    for (let i = 1; i < busyRuns.length; i++) expect(busyRuns[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(busyRuns[i - 1]!.finishedAt!.getTime());
    // The other tenant's run did not wait for them.
    const otherRun = runs.find((run) => run.id === single)!;
    expect(otherRun.startedAt!.getTime()).toBeLessThan(busyRuns[1]!.startedAt!.getTime());
    // Parked once each, or twice when a place was taken again before it got there: no polling.
    expect(parked.length).toBeGreaterThanOrEqual(2);
    expect(parked.length).toBeLessThanOrEqual(6);
  }, 120_000);

  it('drops a place whose job is no longer active (a worker that died holding it) instead of waiting for it forever', async () => {
    const tenant = await createTenantKey(context.services.database, 'healed');
    const { id: tenantId } = await context.services.database.tenant.findUniqueOrThrow({ where: { name: tenant.tenantName } });
    await context.services.redis.sadd(`${context.services.config.queuePrefix}:tenant-running:${tenantId}`, randomUUID());
    const runId = (await postRun(context.app, tenant.authorization, spec)).json().id as string;
    const parked: unknown[] = [];
    const worker = await startParkingWorker(parked);
    try {
      expect((await waitForRun(context.app, tenant.authorization, runId, isFinal, 60_000)).status).toBe('completed');
    } finally {
      await worker.close();
    }
    expect(parked).toEqual([]);
  }, 120_000);
});
