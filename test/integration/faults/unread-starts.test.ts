/**
 * Faults around a run started from the spec its job carries, without reading the run
 * (src/worker/processors/run.ts), over a PostgreSQL and a Redis of the test's own: the first
 * slice's fenced write failing because PostgreSQL is down, or committed without the worker
 * hearing of it; Redis lost while that write is in flight; the worker killed right after it.
 * Each time the run ends completed, with the trajectory of an uninterrupted run bit for bit and
 * no row written twice.
 */
import type { PoolClient } from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunningWorker } from '../../../src/worker/worker.ts';
import { compareTrajectories, isFinal, postRun, referenceTrajectory, storedMetrics, waitForRun } from '../runs/support.ts';
import { holdRunningSlices, useFaultServices, useInProcessWorkers, waitingFor } from './support.ts';

/** Small enough to travel in its job; every step recorded, with its parameters. */
const spec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 20_000 },
  record: { every: 1, params: true },
};

/** Slices of at most this many rows go in the slice statement itself: one statement, no transaction (src/db/metrics-writer.ts). */
const slices = { sliceMs: 50, maxRowsPerSlice: 500 };

const lockDurationMs = 2_000;

describe('a run started from its job\'s spec, through faults', () => {
  const faults = useFaultServices({ WORKER_LOCK_DURATION_MS: String(lockDurationMs), WORKER_STALLED_INTERVAL_MS: '1000' });
  const workers = useInProcessWorkers(faults, slices);

  /** The tenant of the runs submitted, whose running places the workers take. */
  let tenantId: string | undefined;

  /** Submits the run with no worker running: its job waits, carrying the spec. */
  async function submit(): Promise<string> {
    const response = await postRun(faults.app, faults.authorization, spec);
    expect(response.statusCode).toBe(201);
    const id = response.json().id as string;
    const job = await faults.services.runsQueue.getJob(id);
    expect(job!.data.spec).toMatchObject(spec);
    tenantId = job!.data.tenantId;
    return id;
  }

  const holdsPlace = (id: string) => faults.services.redis.sismember(`${faults.services.config.queuePrefix}:tenant-running:${tenantId}`, id);

  /** Backends of PostgreSQL waiting for a lock that the test's connection `holder` holds. */
  async function waitingForHolder(holder: PoolClient): Promise<number[]> {
    const { rows: [{ pid }] } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return waitingFor(faults, pid);
  }

  /**
   * Starts an in-process worker on the submitted run `id` with its first slice's write held in
   * flight: the test keeps the run's row locked, and the slice statement, which locks it first,
   * waits. `release` lets it go on and waits until the slice is stored, answering its checkpoint's step.
   */
  async function startWithFirstSliceHeld(id: string): Promise<{ worker: RunningWorker['worker']; release(): Promise<number> }> {
    const lock = await faults.reader.connect();
    let worker: RunningWorker['worker'];
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [id]);
      ({ worker } = await workers.start());
    } finally {
      // Registered after the worker's close, so run before it (in reverse): the worker then has no write held.
      onTestFinished(() => lock.release(true));
    }
    await expect.poll(() => waitingForHolder(lock)).toHaveLength(1);
    return {
      worker,
      async release() {
        await lock.query('COMMIT');
        return firstSliceStored(id);
      },
    };
  }

  /**
   * Waits until the run's first slice alone is stored (the run running, one attempt counted, one
   * checkpoint with the rows up to it) and answers the checkpoint's step.
   */
  async function firstSliceStored(id: string): Promise<number> {
    await expect.poll(() => storedRun(id)).toMatchObject({ status: 'running', attempts: 1, checkpoints: [expect.any(Number)] });
    const [step] = (await storedRun(id)).checkpoints;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(spec.training.maxSteps);
    expect(await storedMetrics(faults.reader, id)).toHaveLength(step!);
    return step!;
  }

  const storedRun = async (id: string) => (await faults.reader.query<{ status: string; attempts: number; checkpoints: number[] }>(
    `SELECT status, attempts, array(SELECT step FROM checkpoints WHERE run_id = runs.id ORDER BY step) AS checkpoints FROM runs WHERE id = $1`,
    [id],
  )).rows[0]!;

  /**
   * The run completed with the trajectory `ran` gives uninterrupted, bit for bit (`attempts` of
   * them, when given), kept no checkpoint, and left neither its job nor its tenant's place.
   */
  async function expectCompleted(id: string, ran: typeof spec, attempts?: number): Promise<void> {
    const view = await waitForRun(faults.app, faults.authorization, id, isFinal, 120_000);
    const reference = referenceTrajectory(ran);
    expect(view).toMatchObject({ status: 'completed', result: { stopReason: 'max_steps', steps: ran.training.maxSteps, params: reference.result.params } });
    if (attempts !== undefined) expect(view.attempts).toBe(attempts);
    expect(compareTrajectories(await storedMetrics(faults.reader, id), reference.records)).toEqual([]);
    expect((await storedRun(id)).checkpoints).toEqual([]);
    await expect.poll(() => faults.services.runsQueue.getJob(id)).toBeUndefined();
    await expect.poll(() => holdsPlace(id)).toBe(0);
  }

  it('PostgreSQL down at the first slice\'s write: the delivery tried again reads the run once PostgreSQL is back', async () => {
    const id = await submit();
    // Were the run not read, the job's spec would run: 20,000 steps instead of the 300 stored here.
    const stored = { ...spec, training: { maxSteps: 300 } };
    await faults.reader.query(`UPDATE runs SET spec = jsonb_set(spec, '{training,maxSteps}', '300') WHERE id = $1`, [id]);
    // A clean stop: a crash could lose the submission itself, which the server committed without waiting for its WAL.
    await faults.postgres.stop('fast');
    const log: string[] = [];
    await workers.start(log);
    onTestFinished(() => faults.postgres.start());
    // Started without reading the run, the attempt's first statement is its first slice's write.
    await expect.poll(() => log.some((line) => line.includes('database or Redis unreachable') && line.includes(id))).toBe(true);
    await faults.postgres.start();
    await faults.reader.query('SELECT 1').catch(() => undefined);
    await expectCompleted(id, stored, 1);
  }, 180_000);

  it('the first slice committed while the worker lost PostgreSQL: the delivery tried again resumes from it', async () => {
    const id = await submit();
    const held = await startWithFirstSliceHeld(id);
    // The worker's connections drop with the statement in flight; PostgreSQL runs it all the same once the lock is free.
    await workers.proxy.stop();
    onTestFinished(() => workers.proxy.start());
    await held.release();
    await workers.proxy.start();
    await expectCompleted(id, spec, 2);
  }, 180_000);

  it('Redis lost while the first slice\'s write is in flight, past the job\'s lock: the run completes once, bit-identical', async () => {
    const id = await submit();
    const held = await startWithFirstSliceHeld(id);
    const stalled: string[] = [];
    held.worker.on('stalled', (jobId) => stalled.push(jobId));
    await faults.redis.kill();
    onTestFinished(() => faults.redis.start());
    await held.release();
    // Down longer than the job's lock: once Redis is back, the job is found stalled and
    // delivered again while its first attempt, which waited for Redis, goes on.
    await new Promise((resolve) => setTimeout(resolve, 2 * lockDurationMs));
    await faults.redis.start();
    await expect.poll(() => stalled).toContain(id);
    // Either attempt may end it: the other's next write is refused.
    await expectCompleted(id, spec);
  }, 180_000);

  it('a worker killed right after the first slice committed: the next delivery resumes from it, bit-identical', async () => {
    const id = await submit();
    // The first slice makes the run running; the second slice's update of the running run waits,
    // so the worker dies between the two.
    const hold = await holdRunningSlices(faults, id);
    const first = faults.startWorker();
    await expect.poll(() => hold.waiting(), { timeout: 60_000 }).toHaveLength(1);
    const [held] = await hold.waiting();
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // The dead worker's second slice is rolled back, as a crash of its machine would leave it.
    await faults.reader.query('SELECT pg_terminate_backend($1)', [held]);
    await expect.poll(async () => (await faults.reader.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [held])).rowCount).toBe(0);
    await hold.stop();
    await hold.release();
    await firstSliceStored(id);

    faults.startWorker();
    await expectCompleted(id, spec, 2);
  }, 180_000);
});
