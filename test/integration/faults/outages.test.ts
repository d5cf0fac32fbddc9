/**
 * Fault injection: a worker process and the API over a PostgreSQL and a Redis of the test's own
 * (test/integration/support/private-services.ts), which the tests crash or freeze mid-run. Every
 * run reaches its final status, and a run interrupted by an outage completes with the trajectory
 * of an uninterrupted one, bit for bit.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, storedMetrics, waitForCheckpoint, waitForRun } from '../runs/support.ts';
import { isDatabaseUnavailable } from '../../../src/db/database-unavailable.ts';
import { minimalSpec } from '../support/services.ts';
import { useFaultServices } from './support.ts';

/** A fast run that records every step and its parameters: each slice writes thousands of rows. */
const spec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 40_000 },
  record: { every: 1, params: true },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runs through crashes of PostgreSQL and Redis', () => {
  /** A statement waits this long for a frozen server's answer. */
  const statementBound = { DATABASE_STATEMENT_TIMEOUT_MS: '3000' };
  const faults = useFaultServices(statementBound);

  const startWorker = (log?: string[]) => faults.startWorker({ RECONCILE_INTERVAL_MS: '1000', ...statementBound, ...(log ? { LOG_LEVEL: 'warn' } : {}) }, log);

  const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

  async function expectBitIdentical(id: string, timeoutMs: number): Promise<void> {
    const { app, authorization, reader } = faults;
    const view = await waitForRun(app, authorization, id, isFinal, timeoutMs);
    const reference = referenceTrajectory(spec);
    expect(view).toMatchObject({ status: 'completed', result: { stopReason: 'max_steps', steps: spec.training.maxSteps, params: reference.result.params } });
    expect(compareTrajectories(await storedMetrics(reader, id), reference.records)).toEqual([]);
  }

  it.each([1, 60])('PostgreSQL crashed for %i s mid-run: the worker lives, the API answers 503, the run completes bit-identical', async (seconds) => {
    const { app, authorization, reader, postgres } = faults;
    const worker = startWorker();
    const id = (await postRun(app, authorization, spec)).json().id as string;
    await waitForCheckpoint(reader, id, 60_000);
    await postgres.stop('immediate');
    const down = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization } });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'database_unavailable' });
    expect(down.headers['retry-after']).toBeDefined();
    await sleep(seconds * 1000);
    expect(alive(worker)).toBe(true);
    await postgres.start();
    await reader.query('SELECT 1').catch(() => undefined);
    await expectBitIdentical(id, 120_000);
    expect(alive(worker)).toBe(true);
    worker.kill('SIGTERM');
  }, 240_000);

  it('PostgreSQL frozen mid-run (SIGSTOP): the API answers 503 instead of waiting, the worker meets its bound and keeps the job, the run completes bit-identical', async () => {
    const { app, authorization, reader, postgres, services } = faults;
    const log: string[] = [];
    const worker = startWorker(log);
    const id = (await postRun(app, authorization, spec)).json().id as string;
    await waitForCheckpoint(reader, id, 60_000);
    postgres.freeze();
    try {
      // The key check, on a connection open before the freeze, gets no answer.
      const down = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization } });
      expect(down.statusCode).toBe(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.json()).toMatchObject({ code: 'database_unavailable' });
      expect(down.headers['retry-after']).toBeDefined();
      // Prisma's statements are bounded and recognised alike.
      const prisma = await services.database.$queryRaw`SELECT 1`.then(() => null, (error: unknown) => error);
      expect(isDatabaseUnavailable(prisma)).toBe(true);
      // Long enough for the worker's statements in flight to time out too.
      await sleep(8_000);
      expect(alive(worker)).toBe(true);
    } finally {
      postgres.thaw();
    }
    const up = await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization } });
    expect(up.statusCode).toBe(200);
    // Kept, not failed: the job (while it is there; a completed one is removed) has spent no attempt.
    expect((await services.runsQueue.getJob(id))?.attemptsMade ?? 0).toBe(0);
    await expectBitIdentical(id, 120_000);
    expect(alive(worker)).toBe(true);
    // The job's wait for PostgreSQL met a bound (unbounded, it would have waited the freeze out), and the job was kept:
    // a statement in flight at the freeze meets the statement bound; a connection opened during it, the connection bound.
    const lines = log.map((line) => JSON.parse(line) as { msg?: string; err?: { message?: string } });
    const kept = lines.filter((line) => line.msg === 'database or Redis unreachable; keeping the job and retrying');
    expect(kept.map((line) => line.err?.message)).toContainEqual(expect.stringMatching(/^(PostgreSQL gave no answer to a statement within 3000 ms|timeout exceeded when trying to connect)/));
    expect(lines.filter((line) => line.msg === 'job failed')).toEqual([]);
    worker.kill('SIGTERM');
  }, 240_000);

  it('Redis crashed for 60 s mid-run: the worker lives, the run completes bit-identical', async () => {
    const { app, authorization, reader, redis } = faults;
    const worker = startWorker();
    const id = (await postRun(app, authorization, spec)).json().id as string;
    await waitForCheckpoint(reader, id, 60_000);
    await redis.kill();
    await sleep(60_000);
    expect(alive(worker)).toBe(true);
    await redis.start();
    await expectBitIdentical(id, 120_000);
    expect(alive(worker)).toBe(true);
    worker.kill('SIGTERM');
  }, 240_000);

  it('Redis restarted empty: queued runs, and one stored while Redis was down, are enqueued again and complete', async () => {
    const { app, authorization, reader, redis } = faults;
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push((await postRun(app, authorization, { ...minimalSpec, training: { maxSteps: 100 + i } })).json().id as string);
    await redis.kill({ wipe: true });
    const idempotencyKey = randomUUID();
    const refused = await app.inject({
      method: 'POST', url: '/v1/runs', payload: minimalSpec, headers: { authorization, 'idempotency-key': idempotencyKey },
    });
    expect(refused.statusCode).toBe(503);
    const { rows } = await reader.query<{ id: string }>('SELECT id FROM runs WHERE idempotency_key = $1', [idempotencyKey]);
    expect(rows).toHaveLength(1);
    queued.push(rows[0]!.id);
    await redis.start();

    startWorker();
    for (const id of queued) {
      expect(await waitForRun(app, authorization, id, isFinal, 60_000)).toMatchObject({ status: 'completed' });
    }
    expect((await getRun(app, authorization, queued[0]!)).attempts).toBe(1);
  }, 120_000);
});
