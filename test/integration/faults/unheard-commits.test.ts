/**
 * Faults where a slice's statement commits without the attempt that sent it hearing of it, over a
 * PostgreSQL and a Redis of the test's own: the answer of the slice that ended a run lost with
 * the worker's connection; a killed worker's slice, held in PostgreSQL, committed after the
 * next delivery of its job read the run (before that delivery's first slice was sent, or while
 * it waited for the run's lock). The run's end is announced all the same, and the next delivery
 * goes on from the checkpoint that won at once: the run completes bit-identical, no row written
 * twice, without its job failing and without waiting for the reconciler (which no worker runs here).
 */
import type { PoolClient } from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';
import { runChannel } from '../../../src/queue/run-events.ts';
import { compareTrajectories, getRun, postRun, referenceTrajectory, storedMetrics } from '../runs/support.ts';
import { holdRunningSlices, useFaultServices, useInProcessWorkers, waitingFor } from './support.ts';

const objective = { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] };

/** Ends in its first slice, which is also its attempt's first. */
const short = { objective, optimizer: { name: 'adam', learningRate: 0.001 }, training: { maxSteps: 200 }, record: { every: 1, params: true } };

/**
 * Many slices, each of few rows (a slice lasts a second at most): a slice's rows go in its
 * statement, which commits alone, not in a transaction that a killed worker's would roll back
 * (src/db/metrics-writer.ts).
 */
const long = { objective, optimizer: { name: 'adam', learningRate: 0.001 }, training: { maxSteps: 2_000_000 }, record: { every: 2_000, params: true } };

const slices = { sliceMs: 50, maxRowsPerSlice: 500 };

const locks = { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' };

describe('slices committed without their attempt hearing of it', () => {
  const faults = useFaultServices(locks);
  const workers = useInProcessWorkers(faults, slices);

  /** The messages published on the run's channel from now on. */
  async function heardOf(id: string): Promise<{ type: string; status?: string }[]> {
    const subscriber = createRedis(faults.redis.url, 'wait-for-redis');
    const heard: { type: string; status?: string }[] = [];
    subscriber.on('message', (_channel, message: string) => heard.push(JSON.parse(message)));
    await subscriber.subscribe(runChannel(id));
    onTestFinished(() => closeRedis(subscriber));
    return heard;
  }

  async function submit(spec: unknown): Promise<string> {
    const response = await postRun(faults.app, faults.authorization, spec);
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  }

  const backendOf = async (client: PoolClient) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  const storedRun = async (id: string) => (await faults.reader.query<{ status: string; attempts: number; checkpoints: number[] }>(
    `SELECT status, attempts, array(SELECT step FROM checkpoints WHERE run_id = runs.id ORDER BY step) AS checkpoints FROM runs WHERE id = $1`,
    [id],
  )).rows[0]!;

  /** The run completed with the trajectory of an uninterrupted one, bit for bit, in `attempts` attempts, and left its job and its tenant's place. */
  async function expectCompleted(id: string, ran: typeof long, attempts: number): Promise<void> {
    // Read straight from PostgreSQL until then: the API's rate limit would cut a long wait short.
    await expect.poll(async () => (await storedRun(id)).status, { timeout: 60_000, interval: 250 }).not.toMatch(/^(queued|running)$/);
    const view = await getRun(faults.app, faults.authorization, id);
    const reference = referenceTrajectory(ran);
    expect(view).toMatchObject({ status: 'completed', attempts, result: { stopReason: 'max_steps', steps: ran.training.maxSteps, params: reference.result.params } });
    expect(compareTrajectories(await storedMetrics(faults.reader, id), reference.records)).toEqual([]);
    expect((await storedRun(id)).checkpoints).toEqual([]);
    await expect.poll(() => faults.services.runsQueue.getJob(id)).toBeUndefined();
    const tenantId = (await faults.reader.query<{ tenant_id: string }>('SELECT tenant_id FROM runs WHERE id = $1', [id])).rows[0]!.tenant_id;
    await expect.poll(() => faults.services.redis.sismember(`${faults.services.config.queuePrefix}:tenant-running:${tenantId}`, id)).toBe(0);
  }

  it('the answer of the slice that ended the run lost: the delivery tried again announces the end, and the job completes', async () => {
    const id = await submit(short);
    const heard = await heardOf(id);
    // The test keeps the run's row locked: the worker's slice statement, which locks it first, waits.
    const lock = await faults.reader.connect();
    onTestFinished(() => lock.release(true));
    await lock.query('BEGIN');
    await lock.query('SELECT id FROM runs WHERE id = $1 FOR UPDATE', [id]);
    await workers.start();
    await expect.poll(async () => waitingFor(faults, await backendOf(lock))).toHaveLength(1);
    // The worker's connections drop with the statement in flight; PostgreSQL runs it all the same once the lock is free.
    await workers.proxy.stop();
    onTestFinished(() => workers.proxy.start());
    await lock.query('COMMIT');
    await expect.poll(() => storedRun(id)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(heard).toEqual([]);
    await workers.proxy.start();
    await expect.poll(() => heard, { timeout: 30_000 }).toContainEqual(expect.objectContaining({ type: 'status', status: 'completed', result: expect.objectContaining({ stopReason: 'max_steps' }) }));
    await expectCompleted(id, short, 1);
  }, 180_000);

  /**
   * Starts a worker process on the run `id`, holds its second slice's statement in PostgreSQL
   * (see holdRunningSlices) and kills the worker. Answers the held backend and `release`, which
   * lets the statement commit.
   */
  async function killedWithSliceHeld(id: string): Promise<{ held: number; release(): Promise<void> }> {
    const hold = await holdRunningSlices(faults, id);
    const first = faults.startWorker(locks);
    await expect.poll(() => hold.waiting(), { timeout: 60_000 }).toHaveLength(1);
    const [held] = await hold.waiting();
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // Only that statement waits: the next delivery's slices go through.
    await hold.stop();
    const [step] = (await storedRun(id)).checkpoints;
    expect(step).toBeGreaterThan(0);
    return { held: held!, release: hold.release };
  }

  /** Waits until the held statement committed: the run's checkpoint moved past `step`. */
  async function committedPast(id: string, step: number): Promise<void> {
    await expect.poll(async () => (await storedRun(id)).checkpoints[0]).toBeGreaterThan(step);
  }

  it('a killed worker\'s slice committed after the next delivery read the run, before its first slice: that delivery goes on from it', async () => {
    const id = await submit(long);
    const { release } = await killedWithSliceHeld(id);
    const [readStep] = (await storedRun(id)).checkpoints;
    // The next delivery's slice statement waits for run_metrics behind a lock the test asks for
    // (after the held statement's): it starts, and looks at the fence, once the held one has committed.
    const locker = await faults.reader.connect();
    onTestFinished(() => locker.release(true));
    const lockerPid = await backendOf(locker);
    await locker.query('BEGIN');
    const locked = locker.query('LOCK TABLE run_metrics IN SHARE MODE');
    const { failed } = await workers.start();
    await expect.poll(() => waitingFor(faults, lockerPid), { timeout: 60_000 }).toHaveLength(1);
    await release();
    await locked;
    await committedPast(id, readStep!);
    await locker.query('COMMIT');
    await expectCompleted(id, long, 2);
    expect(failed).toEqual([]);
  }, 180_000);

  it('a killed worker\'s slice committed while the next delivery\'s first slice waited for the run\'s lock: that delivery goes on from it', async () => {
    const id = await submit(long);
    const { held, release } = await killedWithSliceHeld(id);
    const [readStep] = (await storedRun(id)).checkpoints;
    const { failed } = await workers.start();
    // The next delivery read the run and its first slice's statement waits for the held one.
    await expect.poll(() => waitingFor(faults, held), { timeout: 60_000 }).toHaveLength(1);
    await release();
    await committedPast(id, readStep!);
    await expectCompleted(id, long, 2);
    expect(failed).toEqual([]);
  }, 180_000);
});
