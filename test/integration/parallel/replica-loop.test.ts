/**
 * Replicas of a concurrent downpour or easgd run against the real Redis, run in this process: a
 * stop reaches a replica in the middle of its τ steps, which pushes the steps it made and ends;
 * the run's time limit counts from when its replicas began; a stop outlives a server Redis lost;
 * a run whose replica jobs no worker takes or begins ends (failed after its bound, at once on a
 * cancel or the time limit), time Redis is away not counted; a replica job failed for good fails
 * the run at once, one gone while its replica is not done is added again; a replica whose job's
 * delivery lost its lock stops. A replica a worker is starting or running beats its heartbeat, so
 * a slow start or a long τ is waited for; one whose delivery stops beating (its start or loop
 * hangs), or whose job no worker resumes, fails the run after its bound, naming the worker holding
 * it; one whose worker died, or run by a worker of an earlier release, is no stall; what was
 * counted outlives a move of the coordinator; a run that ends leaves no heartbeat behind.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { DistributedRun } from '../../../src/concurrent-runs/distributed-run.ts';
import { removeHeartbeats, replicaBeats, replicaHeartbeat, workerName } from '../../../src/concurrent-runs/replica-heartbeat.ts';
import { ReplicaInterrupted, ReplicaSuperseded, runReplica, type ReplicaLoopOptions } from '../../../src/concurrent-runs/replica-loop.ts';
import { createBenchmarkObjective } from '../../../src/core/objectives/create-objective.ts';
import { createObjective, type Objective, type ResolvedObjectiveSpec } from '../../../src/core/objectives/index.ts';
import { resolveParallelSettings } from '../../../src/core/parallel/index.ts';
import { ParameterServer, ServerLostError } from '../../../src/parameter-server/parameter-server.ts';
import type { RunCheckpoint } from '../../../src/core/training/checkpoint.ts';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createReplicaProcessor, type ReplicaProcessor } from '../../../src/concurrent-runs/replica-processor.ts';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { createReplicasQueue, replicasQueueName, type ReplicaJobData } from '../../../src/queue/replicas-queue.ts';
import { cancelFlagKey } from '../../../src/queue/run-cancellation.ts';
import { startReplicaWorker } from '../../../src/worker/replica-worker.ts';
import { eventually } from '../../support/eventually.ts';
import { postRun, useTestApi } from '../runs/support.ts';
import { startPrivateRedis } from '../support/private-services.ts';
import { commandAfter } from '../support/late-commands.ts';
import { relayTo } from '../support/tcp-proxy.ts';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
const servers: ParameterServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.remove()));
  await closeRedis(redis);
});

const objectiveSpec = { type: 'benchmark', name: 'rosenbrock', dimensions: 3000 } as const;

describe.each(['downpour', 'easgd'] as const)('a concurrent %s replica', (algorithm) => {
  it('stops in the middle of a τ of 1,000,000 steps within a moment of the server\'s stop, and pushes the steps it made', async () => {
    const replicas = 2;
    const parallel = { algorithm, replicas, execution: 'concurrent', communicationPeriod: 1_000_000 } as const;
    const config = runSpecSchema.parse({ objective: objectiveSpec, optimizer: { name: 'sgd', learningRate: 0.0001 }, training: { maxSteps: 1_000_000_000 }, parallel });
    const settings = resolveParallelSettings(config.parallel!);
    const objective = createBenchmarkObjective(objectiveSpec);
    const server = new ParameterServer(redis, { prefix: `test-${randomUUID()}`, runId: randomUUID(), dimension: objective.dimension, shards: 1, algorithm });
    servers.push(server);
    await server.initialize(ParameterServer.freshState(algorithm, objective.initial, 1, 1_000_000_000, replicas), false);
    const runs = Array.from({ length: replicas }, (_, replica) =>
      runReplica({ config, settings, objective, server, replica, interrupted: () => false, running: () => Promise.resolve(true) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.stop();
    await Promise.all(runs);
    // Each replica noticed at its next check, not after its 1,000,000 steps (below).
    const meta = await server.accounting();
    for (let replica = 0; replica < replicas; replica++) {
      expect(meta[`finished:${replica}`]).toBe('1');
      const steps = Number(meta[`steps:${replica}`]);
      expect(steps).toBeGreaterThan(0);
      expect(steps).toBeLessThan(1_000_000);
      // The second exchange pushed them and was given none.
      expect(meta[`seq:${replica}`]).toBe('2');
      expect(meta[`grant:${replica}`]).toBe('0');
    }
  }, 30_000);
});

/** An objective whose every gradient takes at least `ms` milliseconds, however fast the machine. */
function slowed(objective: Objective, ms: number): Objective {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return Object.assign(Object.create(objective) as Objective, {
    valueAndGradient(params: Float64Array, gradient: Float64Array): number {
      Atomics.wait(pause, 0, 0, ms);
      return objective.valueAndGradient(params, gradient);
    },
  });
}

describe('a concurrent replica whose server does not answer whether the run stopped (Redis away)', () => {
  it('computes its steps on, asking again only once the question has an answer', async () => {
    const steps = 400;
    const parallel = { algorithm: 'downpour', replicas: 1, execution: 'concurrent', communicationPeriod: steps } as const;
    const config = runSpecSchema.parse({ objective: objectiveSpec, optimizer: { name: 'sgd', learningRate: 0.0001 }, training: { maxSteps: steps }, parallel });
    const settings = resolveParallelSettings(config.parallel!);
    // Each step blocks for at least 1 ms, however fast the machine: its steps span several checks' time (100 ms each).
    const objective = slowed(createBenchmarkObjective(objectiveSpec), 1);
    const server = new ParameterServer(redis, { prefix: `test-${randomUUID()}`, runId: randomUUID(), dimension: objective.dimension, shards: 1, algorithm: 'downpour' });
    servers.push(server);
    await server.initialize(ParameterServer.freshState('downpour', objective.initial, 1, steps, 1), false);
    // Its connection waits for Redis to come back: the answer never comes.
    let asked = 0;
    const silent: ParameterServer = Object.assign(Object.create(server) as ParameterServer, {
      stopped: () => {
        asked++;
        return new Promise<boolean>(() => {});
      },
    });
    await runReplica({ config, settings, objective, server: silent, replica: 0, interrupted: () => false, running: () => Promise.resolve(true) });
    expect((await server.replicaStatus(0)).steps).toBe(steps);
    // Its steps took at least four checks' time, and one question was ever on its way.
    expect(asked).toBe(1);
  }, 30_000);
});

interface DownpourRunOptions {
  replicas: number; communicationPeriod: number; dimensions: number; learningRate: number; training: { maxSteps: number; timeLimitSeconds?: number };
  /** The run's stop rule and record period (none, and every 1,000,000 steps, when absent). */
  stopWhen?: { lossBelow: number }; recordEvery?: number;
  /** REPLICA_START_TIMEOUT_MS and REPLICA_STALL_TIMEOUT_MS of the coordinator (their defaults when absent). */
  replicaStartTimeoutMs?: number;
  replicaStallTimeoutMs?: number;
  /** Another Redis than the suite's (one the test stops). */
  redis?: Redis;
  /** The run's id (a run stored in the database, whose replicas the real processor runs); a fresh one when absent. */
  runId?: string;
  /** The objective of the coordinator (and of replicas run here), the one the stored run's spec names (rosenbrock over `dimensions` when absent). */
  objective?: Objective;
  /** The parameter server's shards (1 when absent). */
  shards?: number;
}

/** The spec of a concurrent downpour run of rosenbrock over `dimensions`. */
function downpourSpec(options: DownpourRunOptions) {
  const { replicas, communicationPeriod, dimensions, learningRate, training } = options;
  return {
    objective: { type: 'benchmark', name: 'rosenbrock', dimensions } as const,
    optimizer: { name: 'sgd', learningRate },
    training,
    record: { every: options.recordEvery ?? 1_000_000 },
    parallel: { algorithm: 'downpour', replicas, execution: 'concurrent', communicationPeriod, ...(options.shards ? { shards: options.shards } : {}) } as const,
    ...(options.stopWhen ? { stopWhen: options.stopWhen } : {}),
  };
}

/** Rethrows what is not a ServerLostError (a server the run removed as it ended answers so). */
function unlessLost(error: unknown): void {
  if (!(error instanceof ServerLostError)) throw error;
}

/** A concurrent downpour run of rosenbrock over `dimensions`, its coordinator and replicas run in this process. */
function downpourRun(options: DownpourRunOptions) {
  const prefix = `test-${randomUUID()}`;
  const runId = options.runId ?? randomUUID();
  const { replicas, replicaStartTimeoutMs, replicaStallTimeoutMs } = options;
  const connection = options.redis ?? redis;
  const input = downpourSpec(options);
  const config = runSpecSchema.parse(input);
  const settings = resolveParallelSettings(config.parallel!);
  const objective = options.objective ?? createBenchmarkObjective(input.objective);
  const server = new ParameterServer(connection, { prefix, runId, dimension: objective.dimension, shards: settings.shards, algorithm: 'downpour' });
  if (!options.redis) servers.push(server);
  const runs: DistributedRun[] = [];
  return {
    server,
    prefix,
    runId,
    /** The main shard's meta key. */
    meta: server.allKeys().at(-1)!,
    /** The run's replica jobs in the queue, by replica (null: none). */
    async replicaJobs(): Promise<(string | null)[]> {
      const queue = createReplicasQueue(connection, prefix);
      try {
        return await Promise.all(Array.from({ length: replicas }, async (_, replica) => (await queue.getJob(`${runId}-r${replica}`))?.id ?? null));
      } finally {
        await queue.close();
      }
    },
    /** The run's coordinator (resumed from `checkpoint`). */
    coordinator(checkpoint?: RunCheckpoint): DistributedRun {
      const run = new DistributedRun(config, settings, objective, {
        clock: () => performance.now(), redis: connection, queuePrefix: prefix, runId, checkpoint,
        ...(replicaStartTimeoutMs !== undefined ? { replicaStartTimeoutMs } : {}),
        ...(replicaStallTimeoutMs !== undefined ? { replicaStallTimeoutMs } : {}),
      });
      runs.push(run);
      return run;
    },
    /** Replica `replica` (every replica when absent), to its end. */
    replicas(replica?: number, interrupted = () => false): Promise<unknown> {
      const indices = replica === undefined ? Array.from({ length: replicas }, (_, i) => i) : [replica];
      return Promise.all(indices.map((i) => this.replica(i, { interrupted })));
    },
    /** Replica `replica`, to its end, with what a delivery of its job gives its loop (`delivery`; a server or objective of its own too). */
    replica(replica: number, delivery: Partial<Pick<ReplicaLoopOptions, 'server' | 'objective' | 'interrupted' | 'holdsJob' | 'heartbeat'>>): Promise<void> {
      return runReplica({ config, settings, objective, server, replica, interrupted: () => false, running: () => Promise.resolve(true), ...delivery });
    },
    async close(): Promise<void> {
      for (const run of runs) await run.close();
      const keys = await connection.keys(`${prefix}*`);
      if (keys.length > 0) await connection.del(...keys);
    },
  };
}

describe('a concurrent run\'s time limit', () => {
  it('counts from when a replica began, not while the replica jobs wait for a worker', async () => {
    await withDownpour({ training: { maxSteps: 1_000_000_000, timeLimitSeconds: 0.5 } }, async (setup, run) => {
      const coordinating = (async () => {
        while (!run.done) await run.settle(performance.now() + 100);
      })();
      // The replicas' jobs are taken a second after the run began (every worker busy, or starting).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const began = performance.now();
      await setup.replicas();
      await coordinating;
      const result = run.result!;
      expect(result.stopReason).toBe('time_limit');
      // The replicas had their half second: many steps, not none.
      expect(result.steps).toBeGreaterThan(100);
      // The run's time (what stepsPerSecond divides by) is the replicas' alone.
      expect(run.checkpoint().elapsedMilliseconds).toBeGreaterThanOrEqual(500);
      expect(run.checkpoint().elapsedMilliseconds).toBeLessThanOrEqual(performance.now() - began);
    });
  }, 30_000);

  it('counts the replicas\' time when they began and ended between two of the coordinator\'s polls', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 500, learningRate: 0.00001, training: { maxSteps: 20_000 } });
    const run = setup.coordinator();
    try {
      await run.settle(performance.now()); // the first slice: the server written, the jobs added
      // Between two slices (the worker storing a slice's checkpoint and rows), the replicas run.
      const began = performance.now();
      await setup.replicas();
      const took = performance.now() - began;
      while (!run.done) await run.settle(performance.now() + 100);
      const result = run.result!;
      expect(result.steps).toBe(20_000);
      const elapsed = run.checkpoint().elapsedMilliseconds;
      expect(elapsed).toBeGreaterThanOrEqual(took - 100);
      expect(elapsed).toBeLessThanOrEqual(performance.now() - began + 100);
      // stepsPerSecond divides by the replicas' time, not by the moments the coordinator saw of it.
      expect(result.parallel!.stepsPerSecond).toBeLessThanOrEqual((20_000 / (took - 100)) * 1000);
    } finally {
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run resumed from the checkpoint of a server that gave steps first come, first served', () => {
  it('makes exactly maxSteps, a replica past its share given no more', async () => {
    const setup = downpourRun({ replicas: 3, communicationPeriod: 700, dimensions: 20, learningRate: 0.00001, training: { maxSteps: 3001 } });
    const first = setup.coordinator();
    try {
      await first.settle(performance.now());
      await redis.hdel(setup.server.allKeys().at(-1)!, 'replicas'); // as a server written before replicas had shares
      // Replica 0 alone takes 2100 steps, 700 at a time, and is handed back (its worker stopping).
      let exchanges = 0;
      await expect(setup.replicas(0, () => ++exchanges > 4)).rejects.toThrow(/handed back/);
      await first.settle(performance.now());
      const checkpoint = first.checkpoint();
      await setup.server.remove();
      const run = setup.coordinator(checkpoint);
      await run.settle(performance.now());
      await setup.replicas();
      while (!run.done) await run.settle(performance.now() + 100);
      expect(run.result!.steps).toBe(3001);
      expect(run.result!.parallel!.perReplica.map((replica) => replica.steps).reduce((a, b) => a + b, 0)).toBe(3001);
    } finally {
      await setup.close();
    }
  }, 60_000);
});

/** A concurrent run's checkpoint's server part (with what its coordinator keeps). */
type CoordinatorPart = { replicasWaitedMs?: number; nonFinite?: unknown; stopping?: { reason: string; message: string | null }; stop?: { reason: string; message: string | null } };
function coordinatorPart(checkpoint: RunCheckpoint): CoordinatorPart {
  return (checkpoint as { concurrent: CoordinatorPart }).concurrent;
}

/** What the coordinator had counted of each replica that gave no sign (replica-stalls.ts), as a checkpoint's server keeps it. */
function quietCounts(checkpoint: RunCheckpoint): ({ kind: string; holder: string | null; ms: number } | undefined)[] {
  const meta = (checkpoint as { concurrent: { server: { meta: Record<string, string>[] } } }).concurrent.server.meta[0]!;
  return Array.from({ length: Number(meta.replicas) }, (_, i) => {
    const value = meta[`quiet:${i}`];
    if (value === undefined) return undefined;
    const [kind, holder, ms] = JSON.parse(value) as [string, string | null, number];
    return { kind, holder, ms };
  });
}

/** A promise that stays pending until `release` is called (a worker's slot held meanwhile). */
function gate(): { released: Promise<void>; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { released, release };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What most runs here share: 2 replicas exchanging every 10 steps, over rosenbrock in 20 dimensions. */
const twoReplicas = { replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001 } as const;

/** Runs `test` on a downpour run of `options` (over twoReplicas) and its coordinator, then removes what the run left in Redis. */
async function withDownpour(
  options: Partial<DownpourRunOptions> & Pick<DownpourRunOptions, 'training'>,
  test: (setup: ReturnType<typeof downpourRun>, run: DistributedRun) => Promise<void>,
): Promise<void> {
  const setup = downpourRun({ ...twoReplicas, ...options });
  try {
    await test(setup, setup.coordinator());
  } finally {
    await setup.close();
  }
}

/** Drives the coordinator's slices until its run ends or `ms` pass (a run that never ends fails the test, not hangs it). */
async function drive(run: DistributedRun, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!run.done && performance.now() < until) await run.settle(performance.now() + 100);
}

describe('a stop sent before Redis lost the parameter server', () => {
  it('is written back with the server: a replica taken afterwards is given no steps', async () => {
    await withDownpour({ training: { maxSteps: 200_000 } }, async (setup, run) => {
      await run.settle(performance.now()); // the server written, the jobs added
      // Both replicas are on a worker and about to exchange; the next slice reads the server so.
      await Promise.all([0, 1].map((replica) => setup.server.register(replica, `worker:${replica}`)));
      await run.settle(performance.now());
      run.cancel();
      // A slice that sends the stop, and Redis loses the server before the slice reads it again.
      const slice = run.settle(performance.now() + 1_000);
      expect(await eventually(() => redis.hget(setup.meta, 'stopped'), (stopped) => stopped === '1', { intervalMs: 1 })).toBe('1');
      await redis.del(...setup.server.allKeys());
      await slice;
      expect(await redis.hget(setup.meta, 'stopped')).toBe('1');
      await setup.replicas();
      await drive(run, 10_000);
      expect(run.result).toMatchObject({ stopReason: 'cancelled', steps: 0 });
    });
  }, 30_000);
});

describe('a concurrent run whose replica jobs no worker takes', () => {
  it('fails once REPLICA_START_TIMEOUT_MS passes, naming the replica and where its job is; the replicas that ran stop and keep their steps', async () => {
    await withDownpour({ training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000 }, async (setup, run) => {
      await run.settle(performance.now());
      // Replica 0's job is taken; replica 1's stays in the queue (no worker left to take it).
      const replica = setup.replicas(0);
      await drive(run, 10_000);
      const ended = run.done;
      await setup.server.stop().catch(unlessLost); // a run that did not end lets its replica go (one that ended removed its server)
      await replica;
      expect(ended).toBe(true);
      const result = run.result!;
      expect(result.stopReason).toBe('error');
      expect(result.message).toBe(
        'Replica 1 did not begin within REPLICA_START_TIMEOUT_MS (1 s counted, not while its job waited its turn for a worker or a worker was starting the replica): '
        + 'replica 1\'s job is waiting in the replicas queue, which no worker process serves. The run stopped with the steps of the replicas that ran.',
      );
      // The whole bound was counted (a checkpoint keeps it).
      expect(coordinatorPart(run.checkpoint()).replicasWaitedMs).toBeGreaterThanOrEqual(1_000);
      expect(result.steps).toBeGreaterThan(0);
      expect(result.parallel!.perReplica.map((report) => report.steps)).toEqual([result.steps, 0]);
      // Replica 1's job, which no worker took, is gone with the run (replica 0's was never taken from the queue here).
      expect((await setup.replicaJobs())[1]).toBeNull();
    });
  }, 30_000);

  it('ends at once when cancelled', async () => {
    await withDownpour({ training: { maxSteps: 1_000_000_000 } }, async (setup, run) => {
      await run.settle(performance.now());
      run.cancel();
      await drive(run, 5_000);
      expect(run.result).toMatchObject({ stopReason: 'cancelled', steps: 0 });
      expect(await setup.replicaJobs()).toEqual([null, null]);
    });
  }, 30_000);

  it('ends by its time limit with the steps of the replicas that ran', async () => {
    await withDownpour({ training: { maxSteps: 1_000_000_000, timeLimitSeconds: 0.5 } }, async (setup, run) => {
      await run.settle(performance.now());
      const replica = setup.replicas(0);
      await drive(run, 5_000);
      await replica;
      expect(run.result?.stopReason).toBe('time_limit');
      expect(run.result!.steps).toBeGreaterThan(0);
      expect(run.result!.parallel!.perReplica.map((report) => report.steps)).toEqual([run.result!.steps, 0]);
    });
  }, 30_000);

  it('counts at most a second of the time Redis was away: the replicas taken after an outage longer than the bound run to the end', async () => {
    const privateRedis = await startPrivateRedis({ persistent: true });
    const connection = createRedis(privateRedis.url, 'wait-for-redis');
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 20_000 }, replicaStartTimeoutMs: 2_500, redis: connection });
    const run = setup.coordinator();
    let worker: Worker | null = null;
    try {
      await run.settle(performance.now());
      const coordinating = drive(run, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await privateRedis.kill();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await privateRedis.start();
      // A worker takes the replicas' jobs (one that runs them outside their jobs would leave begun
      // replicas' jobs waiting in a queue no worker serves, which counts).
      worker = new Worker(replicasQueueName, async (job: Job<{ replica: number }>) => {
        await setup.replicas(job.data.replica);
      }, { connection, prefix: setup.prefix, concurrency: 2 });
      await coordinating;
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 20_000 });
    } finally {
      await worker?.close();
      await setup.close();
      await closeRedis(connection);
      await privateRedis.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica jobs wait behind other runs\' replicas', () => {
  it('is not failed while a worker serves the replicas queue, and runs to its end once a slot frees', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 4_000 }, replicaStartTimeoutMs: 1_000 });
    const queue = createReplicasQueue(redis, setup.prefix);
    const { released, release } = gate();
    const otherRun = randomUUID();
    // One replica slot, which another run's replica holds until released.
    const worker = new Worker(replicasQueueName, async (job) => {
      if (job.data.runId === otherRun) await released;
      else await setup.replicas(job.data.replica);
    }, { connection: redis, prefix: setup.prefix, concurrency: 1 });
    const run = setup.coordinator();
    try {
      await worker.waitUntilReady();
      await queue.add('replica', { runId: otherRun, replica: 0 });
      await eventually(() => queue.getActiveCount(), (count) => count === 1);
      await run.settle(performance.now());
      await drive(run, 3_000);
      expect(run.done).toBe(false);
      expect(coordinatorPart(run.checkpoint()).replicasWaitedMs ?? 0).toBe(0);
      release();
      await drive(run, 30_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 4_000 });
    } finally {
      release();
      await worker.close();
      await queue.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose coordinator\'s event loop is held over a second at a time', () => {
  it('still fails once REPLICA_START_TIMEOUT_MS of waiting for a replica no worker takes is counted', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000 });
    const run = setup.coordinator();
    let hog: NodeJS.Timeout | undefined;
    try {
      await run.settle(performance.now());
      // A heavy step of something else in the worker process holds the loop for 1.1 s, again and again.
      hog = setInterval(() => {
        const until = performance.now() + 1_100;
        while (performance.now() < until) { /* computing */ }
      }, 20);
      await drive(run, 20_000);
      clearInterval(hog);
      expect(run.result).toMatchObject({ stopReason: 'error', steps: 0 });
      expect(run.result!.message).toMatch(/^Replicas 0 and 1 did not begin within REPLICA_START_TIMEOUT_MS/);
    } finally {
      clearInterval(hog);
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose coordinator moves to another worker just after a stop rule stopped the server', () => {
  /** A run whose stop rule (any loss) stopped the server with replica 1 not begun; its first coordinator's checkpoint just after. */
  async function stoppedByRule(setup: ReturnType<typeof downpourRun>): Promise<RunCheckpoint> {
    const first = setup.coordinator();
    await first.settle(performance.now());
    const replica = setup.replicas(0);
    while ((await redis.hget(setup.meta, 'stopped')) !== '1') await first.settle(performance.now());
    const checkpoint = first.checkpoint();
    await replica;
    return checkpoint;
  }
  const stopRuleRun = () => downpourRun({
    replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000,
    recordEvery: 100, stopWhen: { lossBelow: 1e30 },
  });

  it('ends by that rule under the new coordinator, not waiting for the replica not begun by then', async () => {
    const setup = stopRuleRun();
    try {
      const checkpoint = await stoppedByRule(setup);
      expect(coordinatorPart(checkpoint).stopping).toMatchObject({ reason: 'loss_target' });
      const resumed = setup.coordinator(checkpoint);
      await drive(resumed, 10_000);
      expect(resumed.result?.stopReason).toBe('loss_target');
      expect(resumed.result!.steps).toBeGreaterThan(0);
    } finally {
      await setup.close();
    }
  }, 30_000);

  it('resumed from a checkpoint of the previous release, which kept the stop\'s reason and message alone, ends by that rule', async () => {
    const setup = stopRuleRun();
    try {
      const checkpoint = await stoppedByRule(setup);
      const { stopping, ...rest } = coordinatorPart(checkpoint);
      const previous = { ...rest, stop: { reason: stopping!.reason, message: stopping!.message } };
      const resumed = setup.coordinator({ ...checkpoint, concurrent: previous } as RunCheckpoint);
      await drive(resumed, 10_000);
      expect(resumed.result?.stopReason).toBe('loss_target');
      expect(resumed.result!.message).toMatch(/^The loss \S+ fell below 1e\+30 at step \d+\.$/);
    } finally {
      await setup.close();
    }
  }, 30_000);

  it('resumed from a checkpoint written before stops were kept, with Redis having lost the server, ends by the rule its last record meets: the checkpoint\'s server says the stop was sent', async () => {
    const setup = stopRuleRun();
    try {
      const checkpoint = await stoppedByRule(setup);
      const { stopping: _stopping, nonFinite: _nonFinite, replicasWaitedMs: _waited, ...older } = coordinatorPart(checkpoint);
      await redis.del(...setup.server.allKeys());
      const resumed = setup.coordinator({ ...checkpoint, concurrent: older } as RunCheckpoint);
      await resumed.settle(performance.now()); // the server written back, the jobs added again
      await setup.replicas(0); // replica 0 again, from the server written back: given no steps
      await drive(resumed, 10_000);
      // Why the stop was sent, that checkpoint does not say: the rule its last record meets does.
      expect(resumed.result?.stopReason).toBe('loss_target');
      expect(resumed.result!.message).toMatch(/^The loss \S+ fell below 1e\+30 at step \d+\./);
    } finally {
      await setup.close();
    }
  }, 30_000);

  /** The checkpoint of a run whose first coordinator stopped it for `stop` (its replica 0 run to its end), as a release that kept no reason wrote it. */
  async function olderStoppedCheckpoint(setup: ReturnType<typeof downpourRun>, stop: (run: DistributedRun) => void): Promise<RunCheckpoint> {
    const first = setup.coordinator();
    await first.settle(performance.now());
    const replica = setup.replicas(0);
    await setup.server.register(0, 'worker:0');
    stop(first);
    while ((await redis.hget(setup.meta, 'stopped')) !== '1') await first.settle(performance.now());
    await replica;
    const checkpoint = first.checkpoint();
    const { stop: _stop, stopping: _stopping, nonFinite: _nonFinite, replicasWaitedMs: _waited, ...older } = coordinatorPart(checkpoint);
    return { ...checkpoint, concurrent: older } as RunCheckpoint;
  }

  it('resumed from a checkpoint written before stops were kept, of a run its client cancelled, ends cancelled (the run\'s cancel flag)', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 } });
    try {
      const checkpoint = await olderStoppedCheckpoint(setup, (run) => run.cancel());
      await redis.set(cancelFlagKey(setup.prefix, setup.runId), '1', 'EX', 60);
      const resumed = setup.coordinator(checkpoint);
      await drive(resumed, 10_000);
      expect(resumed.result?.stopReason).toBe('cancelled');
    } finally {
      await setup.close();
    }
  }, 30_000);

  it('resumed from a checkpoint written before stops were kept, whose stop nothing explains, says so instead of claiming every step was made', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 } });
    try {
      // Stopped by something the run does not keep (a cancel whose flag has expired).
      const checkpoint = await olderStoppedCheckpoint(setup, (run) => run.cancel());
      const resumed = setup.coordinator(checkpoint);
      await drive(resumed, 10_000);
      expect(resumed.result?.stopReason).toBe('error');
      expect(resumed.result!.message).toBe(
        `An earlier coordinator of the run stopped it by step ${resumed.result!.steps}; its checkpoint, written by an earlier release, does not say why. `
        + 'The run ended with the steps its replicas had made.',
      );
    } finally {
      await setup.close();
    }
  }, 30_000);
});

describe('a concurrent run whose coordinator\'s worker died after it sent a stop and before that slice\'s checkpoint', () => {
  it('resumed from the checkpoint before, with the server saying the stop was sent, never ends as if it had made all its steps', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 } });
    try {
      const first = setup.coordinator();
      await first.settle(performance.now());
      const replica = setup.replicas(0);
      await setup.server.register(0, 'worker:0');
      while (first.progress.step === 0) await first.settle(performance.now() + 10);
      // The last checkpoint written: a slice before the stop.
      const checkpoint = first.checkpoint();
      expect(coordinatorPart(checkpoint).stopping).toBeUndefined();
      // A cancel whose flag has expired by the resume: nothing the run keeps explains the stop.
      first.cancel();
      while ((await redis.hget(setup.meta, 'stopped')) !== '1') await first.settle(performance.now());
      await replica;
      const resumed = setup.coordinator(checkpoint);
      await drive(resumed, 10_000);
      expect(resumed.result?.stopReason).toBe('error');
      expect(resumed.result!.message).toBe(
        `An earlier coordinator of the run stopped it by step ${resumed.result!.steps}; its worker stopped before a checkpoint said why. `
        + 'The run ended with the steps its replicas had made.',
      );
    } finally {
      await setup.close();
    }
  }, 30_000);
});

describe('a replica the coordinator saw finished after it last read the server, which Redis then lost', () => {
  it('is written back finished: the run ends once the other replica does', async () => {
    await withDownpour({ training: { maxSteps: 4_000 } }, async (setup, run) => {
      await run.settle(performance.now());
      await setup.server.register(1, 'worker:1');
      await run.settle(performance.now()); // replica 1 seen on a worker, the server read
      // A slice polling the accounting (no record due: no full read) sees replica 0 run its whole share and finish.
      const slice = run.settle(performance.now() + 5_000);
      await setup.replicas(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Redis loses the server; the slice's next poll writes it back from the state read before.
      await redis.del(...setup.server.allKeys());
      const other = setup.replicas(1);
      await slice;
      await drive(run, 15_000);
      await setup.server.stop().catch(unlessLost); // a run that did not end lets its replica go (one that ended removed its server)
      await other;
      expect(run.done).toBe(true);
      expect(run.result?.stopReason).toBe('max_steps');
      expect(run.result!.parallel!.perReplica[1]!.steps).toBe(2_000);
    });
  }, 30_000);
});

describe('a replica job taken while PostgreSQL is unreachable', () => {
  it('is kept and tried again, spending none of its attempts; a worker stopping meanwhile hands it back', async () => {
    const prefix = `test-${randomUUID()}`;
    const unreachable = createDatabase('postgresql://postgres@127.0.0.1:1/none');
    const queue = createReplicasQueue(redis, prefix);
    const warnings: string[] = [];
    const log = () => undefined;
    const worker = await startReplicaWorker({
      config: { queuePrefix: prefix, replicaConcurrency: 1, workerLocks: { lockDurationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 3 } },
      connection: redis,
      processor: createReplicaProcessor({ database: unreachable, redis, queuePrefix: prefix }),
      logger: { error: log, info: log, warn: (_: unknown, message?: string) => void warnings.push(message ?? '') },
      outageDelays: { firstMs: 20, maxMs: 50 },
    });
    let closed = false;
    try {
      const job = await queue.add('replica', { runId: randomUUID(), replica: 0 });
      await eventually(() => Promise.resolve(warnings), (seen) => seen.length > 0, { timeoutMs: 15_000 });
      expect(warnings[0]).toMatch(/unreachable; keeping the job/);
      const taken = (await queue.getJob(job.id!))!;
      expect(await taken.getState()).toBe('active');
      expect(taken.attemptsMade).toBe(0);
      await worker.close();
      closed = true;
      expect(await (await queue.getJob(job.id!))!.getState()).toBe('waiting');
    } finally {
      if (!closed) await worker.close();
      await queue.close();
      await unreachable.$disconnect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 30_000);
});

describe('a replica registering or finishing after its run ended and removed the server', () => {
  it('is told the server is gone, and writes no key (which would have no time to live)', async () => {
    const objective = createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', dimensions: 20 });
    const server = new ParameterServer(redis, { prefix: `test-${randomUUID()}`, runId: randomUUID(), dimension: objective.dimension, shards: 1, algorithm: 'downpour' });
    servers.push(server);
    await server.initialize(ParameterServer.freshState('downpour', objective.initial, 1, 1_000, 2), false);
    await server.register(0, 'worker:0');
    await server.remove();
    await expect(server.register(1, 'worker:1')).rejects.toBeInstanceOf(ServerLostError);
    await expect(server.finishReplica(0, 0.5)).rejects.toBeInstanceOf(ServerLostError);
    expect(await redis.exists(...server.allKeys())).toBe(0);
  });
});

describe('a replica job its worker stops', () => {
  it('goes back to the queue without spending an attempt', async () => {
    const prefix = `test-${randomUUID()}`;
    const queue = createReplicasQueue(redis, prefix);
    const log = () => undefined;
    let began = false;
    const worker = await startReplicaWorker({
      config: { queuePrefix: prefix, replicaConcurrency: 1, workerLocks: { lockDurationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 3 } },
      connection: redis,
      // As the replica loop does at its next exchange with the server once its worker stops.
      processor: async (_job, stopping) => {
        began = true;
        await new Promise((resolve) => stopping!.addEventListener('abort', resolve, { once: true }));
        throw new ReplicaInterrupted('Replica 0 handed back before it was done.');
      },
      logger: { error: log, info: log, warn: log },
    });
    try {
      const job = await queue.add('replica', { runId: randomUUID(), replica: 0 }, { attempts: 50, backoff: { type: 'fixed', delay: 60_000 } });
      await eventually(() => Promise.resolve(began), (seen) => seen);
      await worker.close();
      const handedBack = (await queue.getJob(job.id!))!;
      expect(await handedBack.getState()).toBe('waiting');
      expect(handedBack.attemptsMade).toBe(0);
    } finally {
      await queue.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 30_000);
});

describe('a replica job whose delivery lost its lock (its job taken over by another worker)', () => {
  it('stops its replica in the middle of its steps, pushing nothing more, and leaves the job to the other delivery', async () => {
    const prefix = `test-${randomUUID()}`;
    const runId = randomUUID();
    const spec = { type: 'benchmark', name: 'rosenbrock', dimensions: 20 } as const;
    const parallel = { algorithm: 'downpour', replicas: 1, execution: 'concurrent', communicationPeriod: 1_000_000 } as const;
    const config = runSpecSchema.parse({ objective: spec, optimizer: { name: 'sgd', learningRate: 0.0001 }, training: { maxSteps: 1_000_000_000 }, parallel });
    const settings = resolveParallelSettings(config.parallel!);
    const objective = createBenchmarkObjective(spec);
    const server = new ParameterServer(redis, { prefix, runId, dimension: objective.dimension, shards: 1, algorithm: 'downpour' });
    servers.push(server);
    await server.initialize(ParameterServer.freshState('downpour', objective.initial, 1, 1_000_000_000, 1), false);
    const queue = createReplicasQueue(redis, prefix);
    const log = () => undefined;
    let ended: unknown = null;
    const worker = await startReplicaWorker({
      // The lock renewed every quarter second: its loss is found within about that.
      config: { queuePrefix: prefix, replicaConcurrency: 1, workerLocks: { lockDurationMs: 1_000, stalledIntervalMs: 60_000, maxStalledCount: 3 } },
      connection: redis,
      processor: (job, stopping, holdsJob) => runReplica({
        config, settings, objective, server, replica: job.data.replica,
        interrupted: () => stopping?.aborted ?? false, ...(holdsJob ? { holdsJob } : {}), running: () => Promise.resolve(true),
      }).then(() => {
        ended = 'returned';
      }, (error: unknown) => {
        ended = error;
        throw error;
      }),
      logger: { error: log, info: log, warn: log },
    });
    try {
      const job = await queue.add('replica', { runId, replica: 0 });
      // The replica is in the middle of its 1,000,000 steps (its first exchange made).
      expect((await eventually(() => server.replicaStatus(0), (status) => status.seq === 1)).seq).toBe(1);
      // Another worker took the job over: the lock is that delivery's.
      const lock = `${prefix}:${replicasQueueName}:${job.id}:lock`;
      await redis.set(lock, 'another-delivery', 'PX', 60_000);
      expect(await eventually(() => ended, (value) => value !== null, { timeoutMs: 15_000 })).toBeInstanceOf(ReplicaSuperseded);
      const status = await server.replicaStatus(0);
      expect(status).toMatchObject({ seq: 1, steps: 0, done: false });
      expect(await (await queue.getJob(job.id!))!.getState()).toBe('active');
      expect(await redis.get(lock)).toBe('another-delivery');
    } finally {
      await worker.close();
      await queue.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 30_000);
  it('taken again by the same worker while the old delivery still runs: the new delivery keeps its lock after the old one stops', async () => {
    const prefix = `test-${randomUUID()}`;
    const queue = createReplicasQueue(redis, prefix);
    const log = () => undefined;
    const deliveries: string[] = [];
    const worker = await startReplicaWorker({
      config: { queuePrefix: prefix, replicaConcurrency: 2, workerLocks: { lockDurationMs: 1_000, stalledIntervalMs: 60_000, maxStalledCount: 3 } },
      connection: redis,
      // As the replica loop does between its steps; the first delivery, its event loop held, asks
      // only once the job was taken again.
      processor: async (_job, stopping, holdsJob) => {
        const delivery = deliveries.length + 1;
        deliveries.push('running');
        if (delivery === 1) await eventually(() => Promise.resolve(deliveries.length), (count) => count === 2);
        while (await holdsJob!()) {
          if (stopping!.aborted) throw new ReplicaInterrupted('handed back');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        deliveries[delivery - 1] = 'stopped';
        throw new ReplicaSuperseded('taken over');
      },
      logger: { error: log, info: log, warn: log },
    });
    const checker = new Worker(replicasQueueName, async () => {}, { connection: redis, prefix, autorun: false, maxStalledCount: 1_000 });
    /** Another worker's check for stalled jobs, at once. */
    const checkStalled = async () => {
      await redis.del(`${prefix}:${replicasQueueName}:stalled-check`);
      await (checker as unknown as { moveStalledJobsToWait(): Promise<unknown> }).moveStalledJobsToWait();
    };
    try {
      const job = await queue.add('replica', { runId: randomUUID(), replica: 0 });
      const lock = `${prefix}:${replicasQueueName}:${job.id}:lock`;
      await eventually(() => Promise.resolve(deliveries.length), (count) => count === 1);
      // The first delivery's lock lapsed (its event loop held past it): the job goes back to wait, and this worker takes it again.
      await redis.del(lock);
      await checkStalled();
      await checkStalled();
      await eventually(() => Promise.resolve(deliveries[0]), (how) => how === 'stopped', { timeoutMs: 10_000 });
      const held = await redis.get(lock);
      expect(held).not.toBeNull();
      // Five lock durations on, with stalled checks between: the second delivery still holds the job, renewing its lock.
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await checkStalled();
      }
      expect(await redis.get(lock)).toBe(held);
      expect(deliveries).toEqual(['stopped', 'running']);
      expect(await (await queue.getJob(job.id!))!.getState()).toBe('active');
    } finally {
      await worker.close();
      await checker.close();
      await queue.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  }, 30_000);
});

describe('a replica whose exchange lost to another replica\'s commit and whose delivery lost its job meanwhile (a shard over 1,024 entries)', () => {
  it('commits nothing when it tries again: each try checks the job\'s lock, as the first does', async () => {
    const dimensions = 2_048;
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions, learningRate: 0.00001, training: { maxSteps: 1_000_000 } });
    await setup.coordinator().settle(performance.now()); // the server written, the jobs added
    // Replica 0's first push reaches Redis after replica 1 has committed (its read is stale), and
    // after another delivery took replica 0's job over.
    let lost = false;
    const late = commandAfter(redis, 'psDownpourCommit', async () => {
      if (lost) return;
      await setup.server.downpour(1, 1, 0, 0, 10, new Float64Array(dimensions).fill(1e-3), new Float64Array(dimensions));
      lost = true;
    });
    const server = new ParameterServer(late, { prefix: setup.prefix, runId: setup.runId, dimension: dimensions, shards: 1, algorithm: 'downpour' });
    try {
      await expect(setup.replica(0, { server, holdsJob: () => Promise.resolve(!lost) })).rejects.toBeInstanceOf(ReplicaSuperseded);
      expect(lost).toBe(true);
      // Its first exchange (nothing to push) counted, its push of 10 steps not.
      expect(await setup.server.replicaStatus(0)).toMatchObject({ seq: 1, steps: 0 });
    } finally {
      await setup.close();
    }
  }, 30_000);
});

describe('a replica whose delivery lost its job while an exchange over two shards (each over 1,024 entries) was tried again', () => {
  it('lands the exchange the main shard committed on the other shard too: the delivery resuming the replica goes on after it, and both shards hold every push once', async () => {
    const dimensions = 4_096;
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions, shards: 2, learningRate: 0.00001, training: { maxSteps: 40 } });
    await setup.coordinator().settle(performance.now()); // the server written, the jobs added
    const initial = (await setup.server.snapshot()).vectors[0]!;
    // Every displacement pushed, whoever pushed it (replica 1's below).
    const pushes: Float64Array[] = [Float64Array.from({ length: dimensions }, () => 1e-3)];
    const recording = (connection: Redis): ParameterServer => {
      const server = new ParameterServer(connection, setup.server.options);
      return Object.assign(server, {
        downpour(this: ParameterServer, ...args: Parameters<ParameterServer['downpour']>) {
          if (args[5]) pushes.push(Float64Array.from(args[5]));
          return ParameterServer.prototype.downpour.apply(this, args);
        },
      });
    };
    // Replica 0's push (its second exchange) commits on shard 0 (its commit goes first), and on
    // shard 1 only after replica 1 has committed there (its read is stale) and another delivery
    // took replica 0's job over.
    let lost = false;
    const late = commandAfter(redis, 'psDownpourCommit', async (call) => {
      if (call !== 2) return;
      await setup.server.downpour(1, 1, 0, 0, 10, pushes[0]!, new Float64Array(dimensions));
      lost = true;
    });
    try {
      await expect(setup.replica(0, { server: recording(late), holdsJob: () => Promise.resolve(!lost) })).rejects.toBeInstanceOf(ReplicaSuperseded);
      expect(lost).toBe(true);
      expect(pushes).toHaveLength(2);
      // The delivery now holding the job resumes the replica from the main shard: it makes again
      // the steps it was given and pushes them, to its share of 20.
      await setup.replica(0, { server: recording(redis), holdsJob: () => Promise.resolve(true) });
      expect(pushes).toHaveLength(3);
      const { vectors, meta } = await setup.server.snapshot();
      expect(await setup.server.replicaStatus(0)).toMatchObject({ steps: 20, done: true });
      // Both shards at the same version, each push applied once on each.
      expect(meta.map((shard) => shard.version)).toEqual(['3', '3']);
      expect(meta.map((shard) => shard['seq:0'])).toEqual(['4', '4']);
      const expected = initial.map((value, j) => pushes.reduce((sum, push) => sum + push[j]!, value));
      const worst = Math.max(...vectors[0]!.map((value, j) => Math.abs(value - expected[j]!)));
      expect(worst).toBeLessThan(1e-12);
    } finally {
      await setup.close();
    }
  }, 30_000);
});

/** A BullMQ worker on the run's replicas queue, running each replica job as `process` does (two at a time); `options` adds to its settings. */
function replicasWorker(prefix: string, process: (replica: number) => Promise<unknown>, options: Partial<WorkerOptions> = {}): Worker {
  return new Worker(replicasQueueName, async (job: Job<{ replica: number }>) => {
    await process(job.data.replica);
  }, { connection: redis, prefix, concurrency: 2, ...options });
}

describe('a concurrent run whose replica began and whose job then failed for good', () => {
  it('fails at once, naming the replica, how far it got and its job\'s error; the other replica stops and keeps its steps', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 } });
    const worker = replicasWorker(setup.prefix, async (replica) => {
      if (replica === 0) return setup.replicas(0);
      await setup.server.register(1, 'worker:1');
      throw new UnrecoverableError('replica 1 broke');
    });
    const run = setup.coordinator();
    try {
      await drive(run, 15_000);
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe('Replica 1\'s job failed for good after the replica pushed 0 steps: replica 1 broke. The run stopped with the steps of the replicas that ran.');
      expect(run.result!.parallel!.perReplica.map((report) => report.steps)).toEqual([run.result!.steps, 0]);
    } finally {
      await worker.close();
      await setup.close();
    }
  }, 30_000);
});

/**
 * A replica worker as every worker process runs it, on the run's queue, with locks of a second
 * (`lockDurationMs`: its beats last twice that) and outages retried within 200 ms; it checks for
 * jobs of dead workers every `stalledIntervalMs`.
 */
function replicaWorker(prefix: string, processor: ReplicaProcessor, { lockDurationMs = 1_000, stalledIntervalMs = 30_000 } = {}) {
  const log = () => undefined;
  return startReplicaWorker({
    config: { queuePrefix: prefix, replicaConcurrency: 2, workerLocks: { lockDurationMs, stalledIntervalMs, maxStalledCount: 3 } },
    connection: redis,
    processor,
    logger: { error: log, info: log, warn: log },
    outageDelays: { firstMs: 20, maxMs: 200 },
  });
}

/**
 * What `setup`'s replica jobs run on a worker of this release: the replica's loop, handed the
 * delivery's lock and heartbeat (some replicas with a server of their own, all with `objective`).
 */
function runsReplicas(setup: ReturnType<typeof downpourRun>, servers: Record<number, ParameterServer> = {}, objective?: Objective): ReplicaProcessor {
  return (job, stopping, holdsJob, heartbeat) => setup.replica(job.data.replica, {
    ...(servers[job.data.replica] ? { server: servers[job.data.replica] } : {}), ...(objective ? { objective } : {}),
    interrupted: () => stopping!.aborted, holdsJob: holdsJob!, heartbeat: heartbeat!,
  });
}

/** `setup`'s server, whose exchanges from the `from`th on wait for `until` (a connection that does not answer). */
function hangingFrom(setup: ReturnType<typeof downpourRun>, from: number, until: Promise<unknown>): ParameterServer {
  let exchanges = 0;
  return Object.assign(Object.create(setup.server) as ParameterServer, {
    downpour: async (...args: Parameters<ParameterServer['downpour']>) => {
      if (++exchanges >= from) await until;
      return setup.server.downpour(...args);
    },
  });
}

/**
 * `setup`'s replicas on a worker of this release, replica 1's second exchange never answered (a
 * connection that never answers: its loop awaits it for good); `close` answers it and ends all.
 */
async function replicaOneHanging(setup: ReturnType<typeof downpourRun>) {
  const { released, release } = gate();
  const worker = await replicaWorker(setup.prefix, runsReplicas(setup, { 1: hangingFrom(setup, 2, released) }));
  return {
    async close(): Promise<void> {
      release();
      await worker.close();
      await setup.close();
    },
  };
}

/** Replica `replica`'s heartbeat in Redis: the delivery whose beat is fresh, and the last that beat. */
const beatsOf = async (setup: ReturnType<typeof downpourRun>, replica: number) => (await replicaBeats(redis, setup.prefix, setup.runId, [replica]))[0]!;

describe('a concurrent run whose replica job a worker holds without beginning the replica', () => {
  it('fails once REPLICA_START_TIMEOUT_MS passes, naming the replica and the worker holding its job: a start that hangs stops beating', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000 });
    const { released, release } = gate();
    // Replica 1's job is taken (its lock renewed) and its start beats once, then hangs.
    const worker = await replicaWorker(setup.prefix, async (job, _stopping, _holdsJob, beat) => {
      beat!();
      await (job.data.replica === 0 ? setup.replicas(0) : released);
    });
    const run = setup.coordinator();
    try {
      await drive(run, 15_000);
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe(
        'Replica 1 did not begin within REPLICA_START_TIMEOUT_MS (1 s counted, not while its job waited its turn for a worker or a worker was starting the replica): '
        + 'replica 1\'s job is held by a worker that has not begun the replica and shows no sign of starting it. The run stopped with the steps of the replicas that ran.',
      );
      expect(run.result!.parallel!.perReplica.map((report) => report.steps)).toEqual([run.result!.steps, 0]);
    } finally {
      release();
      await worker.close();
      await setup.close();
    }
  }, 30_000);
});

describe('a concurrent run whose replicas\' worker is cut off from PostgreSQL as it starts them', () => {
  const api = useTestApi();

  it('waits past REPLICA_START_TIMEOUT_MS while the worker shows it starting them, and runs to its end once PostgreSQL is back', async () => {
    const options = { replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 4_000 }, replicaStartTimeoutMs: 1_000 };
    const posted = await postRun(api.app, api.authorization, downpourSpec(options));
    expect(posted.statusCode, posted.body).toBe(201);
    const setup = downpourRun({ ...options, runId: posted.json().id });
    const { proxy, url } = await relayTo(api.services.config.databaseUrl);
    const database = createDatabase(url);
    await proxy.stop();
    const worker = await replicaWorker(setup.prefix, createReplicaProcessor({ database, redis, queuePrefix: setup.prefix }));
    const run = setup.coordinator();
    try {
      // Five times the bound: the worker holds both jobs and tries again and again to read the run.
      await drive(run, 5_000);
      expect(run.done).toBe(false);
      expect(await setup.server.accounting()).not.toHaveProperty('began');
      await proxy.start();
      await drive(run, 30_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 4_000 });
    } finally {
      await worker.close();
      await proxy.close();
      await database.$disconnect();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replicas\' worker reads PostgreSQL slowly as it starts them', () => {
  const api = useTestApi();
  const options = { replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 4_000 }, replicaStartTimeoutMs: 1_000 };

  /** A stored run of a stored logistic objective over a stored dataset, and the same objective with its rows inline (the coordinator's). */
  async function storedRun(): Promise<{ runId: string; objective: Objective }> {
    const headers = { authorization: api.authorization };
    const features = Array.from({ length: 40 }, (_, r) => [r / 10, ((r * 7) % 10) / 10]);
    const targets = features.map((_, r) => r % 2);
    const csv = ['a,b,y', ...features.map((row, r) => `${row.join(',')},${targets[r]}`)].join('\n');
    const dataset = await api.app.inject({ method: 'POST', url: '/v1/datasets', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
    expect(dataset.statusCode, dataset.body).toBe(201);
    const stored = await api.app.inject({
      method: 'POST', url: '/v1/objectives', headers, payload: { objective: { type: 'model', model: 'logistic', data: { id: dataset.json().id } } },
    });
    expect(stored.statusCode, stored.body).toBe(201);
    const posted = await postRun(api.app, api.authorization, { ...downpourSpec(options), objective: { id: stored.json().id } });
    expect(posted.statusCode, posted.body).toBe(201);
    const inline = runSpecSchema.parse({ ...downpourSpec(options), objective: { type: 'model', model: 'logistic', data: { features, targets } } }).objective;
    return { runId: posted.json().id, objective: createObjective(inline as ResolvedObjectiveSpec) };
  }

  it('beats after each read of the start, the last one right before the objective\'s build', async () => {
    const { runId } = await storedRun();
    const events: string[] = [];
    const logged = api.services.database.$extends({
      query: {
        $allModels: {
          async $allOperations({ model, args, query }) {
            const result = await query(args);
            events.push(`read:${model}`);
            return result;
          },
        },
      },
    }) as unknown as Database;
    const prefix = `test-${randomUUID()}`;
    // The build is where the start ends here: the replica's loop is not this test's.
    const processor = createReplicaProcessor({ database: logged, redis, queuePrefix: prefix, build: () => {
      events.push('build');
      throw new Error('built');
    } });
    const job = { data: { runId, replica: 0 } } as Job<ReplicaJobData>;
    await expect(processor(job, undefined, undefined, () => void events.push('beat'))).rejects.toThrow('built');
    // A beat as it begins, after each read (one statement each) and right before the build: no
    // two reads, nor a read and the build, without a beat between them.
    expect(events).toEqual(['beat', 'read:Run', 'beat', 'read:Objective', 'beat', 'read:Dataset', 'beat', 'build']);
  });

  it('waits past REPLICA_START_TIMEOUT_MS while each step of the start beats, each longer than the bound, together longer than a beat lasts', async () => {
    const { runId, objective } = await storedRun();
    const setup = downpourRun({ ...options, runId, objective });
    // Each read of the start (the run, its stored objective, its dataset) is answered 5 s late; a
    // beat lasts 6 s (locks of 3 s): the start's 15 s outlast a beat, each of its steps does not.
    const slow = api.services.database.$extends({
      query: {
        $allModels: {
          async $allOperations({ model, args, query }) {
            if (model === 'Objective' || model === 'Dataset' || (model === 'Run' && (args as { select?: { spec?: boolean } }).select?.spec)) await sleep(5_000);
            return query(args);
          },
        },
      },
    }) as unknown as Database;
    const worker = await replicaWorker(setup.prefix, createReplicaProcessor({ database: slow, redis, queuePrefix: setup.prefix }), { lockDurationMs: 3_000 });
    const run = setup.coordinator();
    try {
      await drive(run, 40_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 4_000 });
    } finally {
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica\'s loop hangs while its worker keeps the job\'s lock', () => {
  it('fails once REPLICA_STALL_TIMEOUT_MS passes without a sign of the loop, naming the replica and its worker; the other replica stops and keeps its steps', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStallTimeoutMs: 1_000 });
    const hanging = await replicaOneHanging(setup);
    const run = setup.coordinator();
    try {
      await drive(run, 20_000);
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe(
        `Replica 1 made no progress within REPLICA_STALL_TIMEOUT_MS (1 s counted) after it pushed 0 steps: its worker ${workerName()} holds its job, and gave no sign of running the replica. `
        + 'The run stopped with the steps of the replicas that ran.',
      );
      expect(run.result!.parallel!.perReplica.map((report) => report.steps)).toEqual([run.result!.steps, 0]);
      expect(run.result!.steps).toBeGreaterThan(0);
      // The whole bound was counted of replica 1 (the server's accounting, in the checkpoint, keeps it), nothing of replica 0.
      const counted = quietCounts(run.checkpoint());
      expect(counted[0]).toBeUndefined();
      expect(counted[1]).toMatchObject({ kind: 'stall' });
      expect(counted[1]!.ms).toBeGreaterThanOrEqual(1_000);
      // Its worker still holds its job: the run did not wait for it.
      const queue = createReplicasQueue(redis, setup.prefix);
      expect(await (await queue.getJob(`${setup.runId}-r1`))!.getState()).toBe('active');
      await queue.close();
    } finally {
      await hanging.close();
    }
  }, 60_000);

  it('does not fail a replica computing a long τ without an exchange, longer than the bound: its loop beats between its steps', async () => {
    const setup = downpourRun({ replicas: 1, communicationPeriod: 1_000_000, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 4_000 }, replicaStallTimeoutMs: 1_000 });
    // Its 4,000 steps, given in one exchange, take at least 8 s.
    const objective = slowed(createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', dimensions: 20 }), 2);
    const worker = await replicaWorker(setup.prefix, runsReplicas(setup, {}, objective));
    const run = setup.coordinator();
    try {
      await drive(run, 40_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 4_000 });
      expect(run.result!.parallel!.perReplica[0]!.exchanges).toBe(2);
    } finally {
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica\'s exchanges keep losing to the other replicas\' (a shard over 1,024 entries)', () => {
  it('does not take the replica for one whose loop hangs: it beats at each try of its exchange', async () => {
    const dimensions = 2_048;
    const setup = downpourRun({ replicas: 2, communicationPeriod: 1, dimensions, learningRate: 0.00001, training: { maxSteps: 1_000_000_000, timeLimitSeconds: 10 }, replicaStallTimeoutMs: 1_000 });
    // Replica 1's commits reach Redis 30 ms after its read (a slower path to Redis): replica 0 commits in between, again and again.
    let commits = 0;
    const late = commandAfter(redis, 'psDownpourCommit', () => {
      commits++;
      return sleep(30);
    });
    const slow = new ParameterServer(late, { prefix: setup.prefix, runId: setup.runId, dimension: dimensions, shards: 1, algorithm: 'downpour' });
    const worker = await replicaWorker(setup.prefix, runsReplicas(setup, { 1: slow }));
    const run = setup.coordinator();
    try {
      await drive(run, 30_000);
      expect(run.result?.stopReason, run.result?.message ?? '').toBe('time_limit');
      // Its commits lost far more often than they landed.
      expect(commits).toBeGreaterThan(run.result!.parallel!.perReplica[1]!.exchanges + 20);
    } finally {
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica\'s worker dies mid-run', () => {
  it('is no stall: the job\'s lock lapses before the beat does, and another worker resumes the replica; the run ends with every step', async () => {
    const setup = downpourRun({ replicas: 1, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 2_000 }, replicaStallTimeoutMs: 1_000 });
    const run = setup.coordinator();
    await run.settle(performance.now()); // the server written, the job added
    // A worker takes the job and runs the replica, its lock renewed and its heartbeat beaten by the
    // replica's loop alone; at its fifth exchange the worker dies: neither is renewed again.
    const dead = gate();
    const taker = new Worker(replicasQueueName, null, { connection: redis, prefix: setup.prefix, lockDuration: 1_000 });
    const token = randomUUID();
    const job = (await taker.getNextJob(token))!;
    let renewedAt = -Infinity;
    const holdsJob = async () => {
      if (performance.now() - renewedAt < 250) return true;
      renewedAt = performance.now();
      return (await job.extendLock(token, 1_000)) === 1;
    };
    const heartbeat = replicaHeartbeat(redis, setup.prefix, setup.runId, 0, token, { lockDurationMs: 1_000, outageRetryMs: 200 });
    const dying = setup.replica(0, { server: hangingFrom(setup, 5, dead.released), holdsJob, heartbeat }).catch(() => undefined);
    let worker: Awaited<ReturnType<typeof replicaWorker>> | null = null;
    try {
      expect(await eventually(() => beatsOf(setup, 0), ({ fresh }) => fresh === null)).toMatchObject({ fresh: null, last: { token } });
      // Three times the bound past the beat's lapse, no worker taking the job: the run waits for the replica.
      await drive(run, 3_000);
      expect(run.done).toBe(false);
      expect((await setup.server.accounting())['seq:0']).toBe('4');
      // Another worker moves the dead worker's job back to the queue and resumes the replica.
      worker = await replicaWorker(setup.prefix, runsReplicas(setup), { stalledIntervalMs: 500 });
      await drive(run, 30_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 2_000 });
    } finally {
      dead.release();
      await dying;
      await taker.close();
      await worker?.close();
      await setup.close();
    }
  }, 60_000);
});

/** A run whose coordinator wrote the server and added the jobs, and whose replica `replica` was begun by `worker`, gone since (its job back in the queue). */
async function begunOnGoneWorker(options: DownpourRunOptions, replica: number, worker: string) {
  const setup = downpourRun(options);
  const run = setup.coordinator();
  await run.settle(performance.now());
  await setup.server.register(replica, worker);
  return { setup, run };
}

describe('a concurrent run whose begun replica\'s job waits in a queue no worker serves (its worker died, and no other is left)', () => {
  it('fails once REPLICA_START_TIMEOUT_MS passes, naming the replica, how far it got and where its job is', async () => {
    const { setup, run } = await begunOnGoneWorker({ replicas: 1, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000 }, 0, 'gone:1');
    try {
      await drive(run, 10_000);
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe(
        'Replica 0 was not resumed within REPLICA_START_TIMEOUT_MS (1 s counted) after it pushed 0 steps: its job is waiting in the replicas queue, which no worker process serves. '
        + 'The run stopped with the steps of the replicas that ran.',
      );
    } finally {
      await setup.close();
    }
  }, 30_000);
});

/**
 * A worker of an earlier release, which does not beat: it runs each replica job as `process` does
 * (two at a time). Its process is another than this one's: `asIt(server)` registers replicas as it.
 */
function earlierReleaseWorker(prefix: string, process: (replica: number) => Promise<unknown>): Worker {
  return replicasWorker(prefix, process, { lockDuration: 1_000 });
}

/** `server`, registering replicas as the process of a worker of an earlier release. */
function asEarlierRelease(server: ParameterServer): ParameterServer {
  return Object.assign(Object.create(server) as ParameterServer, { register: (replica: number) => server.register(replica, 'earlier:1') });
}

describe('a concurrent run whose begun replicas a worker of an earlier release (which does not beat) resumes', () => {
  /**
   * Runs the replicas on a worker of this release until replica 1 has made three exchanges and
   * `run`'s coordinator has looked at it (its looks once a second), then stops that worker: the
   * jobs go back to the queue.
   */
  async function begunOnThisRelease(setup: ReturnType<typeof downpourRun>, run: DistributedRun, objective?: Objective): Promise<void> {
    const worker = await replicaWorker(setup.prefix, runsReplicas(setup, {}, objective));
    while (Number((await setup.server.accounting().catch(() => ({} as Record<string, string>)))['seq:1'] ?? 0) < 3) await run.settle(performance.now() + 20);
    await run.settle(performance.now() + 1_100);
    await worker.close();
    expect(await setup.server.accounting()).not.toHaveProperty('finished:1');
  }

  it.each([
    ['as it resumes a replica slowly (4 s), which counts against REPLICA_START_TIMEOUT_MS alone', 0, 4_000, 1_000, 600_000],
    ['once it has resumed the replica, however long its loop gives no sign (4 s): that counts against neither bound', 4_000, 0, 1_000, 1_000],
  ] as const)('is waited for %s', async (_when, loopSilentMs, resumingMs, replicaStallTimeoutMs, replicaStartTimeoutMs) => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 8_000 }, replicaStallTimeoutMs, replicaStartTimeoutMs });
    // Each replica's 4,000 steps take at least 4 s.
    const objective = slowed(createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', dimensions: 20 }), 1);
    const run = setup.coordinator();
    let worker: Worker | null = null;
    try {
      await begunOnThisRelease(setup, run, objective);
      // Replica 1's resumption takes `resumingMs` (a large objective); its second exchange then waits `loopSilentMs` (Redis slow to answer).
      worker = earlierReleaseWorker(setup.prefix, async (replica) => {
        if (replica === 0) return setup.replica(0, { objective, server: asEarlierRelease(setup.server) });
        await sleep(resumingMs);
        return setup.replica(1, { objective, server: asEarlierRelease(hangingFrom(setup, 2, sleep(loopSilentMs))) });
      });
      await drive(run, 40_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 8_000 });
      expect(run.result!.parallel!.perReplica.map((report) => [report.steps, report.worker])).toEqual([[4_000, 'earlier:1'], [4_000, 'earlier:1']]);
    } finally {
      await worker?.close();
      await setup.close();
    }
  }, 60_000);

  it('counts against REPLICA_START_TIMEOUT_MS while it has not resumed the replica, and fails the run past it', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStallTimeoutMs: 60_000, replicaStartTimeoutMs: 1_000 });
    const run = setup.coordinator();
    const { released, release } = gate();
    let worker: Worker | null = null;
    try {
      await begunOnThisRelease(setup, run);
      // Its resumption of replica 1 hangs.
      worker = earlierReleaseWorker(setup.prefix, (replica) => (replica === 0 ? setup.replica(0, { server: asEarlierRelease(setup.server) }) : released));
      await drive(run, 30_000);
      expect(run.result?.stopReason).toBe('error');
      const steps = run.result!.parallel!.perReplica[1]!.steps;
      expect(steps).toBeGreaterThan(0);
      expect(run.result!.message).toBe(
        `Replica 1 was not resumed within REPLICA_START_TIMEOUT_MS (1 s counted) after it pushed ${steps} steps: its job is held by a worker that shows no sign of resuming it. `
        + 'The run stopped with the steps of the replicas that ran.',
      );
    } finally {
      release();
      await worker?.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica not begun a worker of an earlier release takes after one of this release handed it back', () => {
  it('counts its wait at once: the beat of the delivery that handed it back is not the one holding the job', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStartTimeoutMs: 1_000 });
    const run = setup.coordinator();
    const driving = drive(run, 10_000);
    const { released, release } = gate();
    let old: Worker | null = null;
    // A worker of this release (locks of 10 s: its beats last 20 s) starts replica 1 and, stopping, hands it back before it began.
    const worker = await replicaWorker(setup.prefix, async (job, stopping, holdsJob, heartbeat) => {
      if (job.data.replica === 0) return runsReplicas(setup)(job, stopping, holdsJob, heartbeat);
      heartbeat!();
      await new Promise((resolve) => stopping!.addEventListener('abort', resolve));
      throw new ReplicaInterrupted('handed back');
    }, { lockDurationMs: 10_000 });
    try {
      await eventually(() => beatsOf(setup, 1), ({ fresh }) => fresh !== null);
      await worker.close();
      // A worker of an earlier release takes both: it resumes replica 0 and never begins replica 1
      // (the beat of the delivery that handed replica 1 back lasts 20 s more).
      old = earlierReleaseWorker(setup.prefix, (replica) => (replica === 0 ? setup.replica(0, {}) : released));
      await driving;
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe(
        'Replica 1 did not begin within REPLICA_START_TIMEOUT_MS (1 s counted, not while its job waited its turn for a worker or a worker was starting the replica): '
        + 'replica 1\'s job is held by a worker that has not begun the replica and shows no sign of starting it. The run stopped with the steps of the replicas that ran.',
      );
    } finally {
      release();
      await driving;
      await worker.close();
      await old?.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica, last run by a worker of an earlier release, a worker of this release resumes', () => {
  it('fails once REPLICA_STALL_TIMEOUT_MS passes after the resumption stops beating, naming the worker holding the job, not the earlier one', async () => {
    // Replica 1 ran on a worker of an earlier release, since gone.
    const { setup, run } = await begunOnGoneWorker({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStallTimeoutMs: 1_000 }, 1, 'oldhost:1');
    const { released, release } = gate();
    // The resumption of replica 1 beats once, then hangs.
    const worker = await replicaWorker(setup.prefix, async (job, stopping, holdsJob, heartbeat) => {
      if (job.data.replica === 1) {
        heartbeat!();
        await released;
      }
      return runsReplicas(setup)(job, stopping, holdsJob, heartbeat);
    });
    try {
      await drive(run, 20_000);
      expect(run.result?.stopReason).toBe('error');
      expect(run.result!.message).toBe(
        `Replica 1 made no progress within REPLICA_STALL_TIMEOUT_MS (1 s counted) after it pushed 0 steps: its worker ${workerName()} holds its job, and gave no sign of running the replica. `
        + 'The run stopped with the steps of the replicas that ran.',
      );
    } finally {
      release();
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run whose replica\'s loop hangs, its coordinator taken over by another worker', () => {
  it('goes on from the time the first coordinator had counted, which the server\'s accounting and the checkpoint keep in fields every release reads', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStallTimeoutMs: 4_000 });
    const hanging = await replicaOneHanging(setup);
    const first = setup.coordinator();
    const counted = async () => {
      const value = (await setup.server.accounting())['quiet:1'];
      return value === undefined ? 0 : (JSON.parse(value) as [string, string, number])[2];
    };
    try {
      // The first coordinator counts two seconds of the stall, then its worker dies.
      await first.settle(performance.now()); // the server written, the jobs added
      while ((await counted()) < 2_000) await first.settle(performance.now() + 100);
      const checkpoint = first.checkpoint();
      const atMove = await counted();
      expect(quietCounts(checkpoint)[1]).toMatchObject({ kind: 'stall' });
      // A worker of the release before refuses a checkpoint with a field it does not know: this one has none.
      const part = (checkpoint as { concurrent: Record<string, unknown> & { server: Record<string, unknown> } }).concurrent;
      expect(Object.keys(part).filter((key) => !['algorithm', 'server', 'stop', 'stopping', 'nonFinite', 'replicasWaitedMs'].includes(key))).toEqual([]);
      expect(Object.keys(part.server).filter((key) => !['vectors', 'meta', 'nonFinite'].includes(key))).toEqual([]);
      const second = setup.coordinator(checkpoint);
      await second.settle(performance.now());
      expect(await counted()).toBeGreaterThanOrEqual(atMove);
      await drive(second, 20_000);
      expect(second.result?.stopReason).toBe('error');
      expect(second.result!.message).toMatch(/^Replica 1 made no progress within REPLICA_STALL_TIMEOUT_MS \(4 s counted\)/);
    } finally {
      await hanging.close();
    }
  }, 60_000);
});

describe('a concurrent run that ends', () => {
  it.each([['at its last step', false], ['cancelled', true]] as const)('leaves no heartbeat of its replicas in Redis, %s', async (_how, cancel) => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: cancel ? 1_000_000_000 : 20_000 } });
    const worker = await replicaWorker(setup.prefix, runsReplicas(setup), { lockDurationMs: 10_000 });
    const run = setup.coordinator();
    try {
      while ((await beatsOf(setup, 1)).fresh === null) await run.settle(performance.now() + 100);
      if (cancel) run.cancel();
      await drive(run, 30_000);
      expect(run.result?.stopReason).toBe(cancel ? 'cancelled' : 'max_steps');
      expect(await Promise.all([0, 1].map((replica) => beatsOf(setup, replica)))).toEqual([{ fresh: null, last: null }, { fresh: null, last: null }]);
      expect(await redis.keys(`*${setup.prefix}:ps:${setup.runId}:*`)).toEqual([]);
    } finally {
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

describe('a concurrent run that ends while a replica\'s loop hangs', () => {
  it('leaves no heartbeat of it in Redis once the loop is released: a beat after the run ended writes nothing', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 1_000_000_000 }, replicaStallTimeoutMs: 1_000 });
    const { released, release } = gate();
    let beats = 0;
    // Replica 1's second exchange hangs until the run has ended.
    const worker = await replicaWorker(setup.prefix, (job, stopping, holdsJob, heartbeat) => runsReplicas(setup, { 1: hangingFrom(setup, 2, released) })(job, stopping, holdsJob, () => {
      if (job.data.replica === 1) beats++;
      heartbeat!();
    }));
    const run = setup.coordinator();
    try {
      await drive(run, 20_000);
      expect(run.result?.stopReason).toBe('error');
      expect(await beatsOf(setup, 1)).toEqual({ fresh: null, last: null });
      // Released, the loop finds the server gone and beats before it tries again (a lock's quarter since its last beat).
      const before = beats;
      release();
      await eventually(() => Promise.resolve(beats), (count) => count > before);
      await worker.close();
      // The beat went on this connection before these reads.
      expect(await beatsOf(setup, 1)).toEqual({ fresh: null, last: null });
      expect(await redis.keys(`*${setup.prefix}:ps:${setup.runId}:*`)).toEqual([]);
    } finally {
      release();
      await worker.close();
      await setup.close();
    }
  }, 60_000);
});

/** Until what was sent on the suite's connection before has been answered, and the continuations of those answers have run. */
async function answered(): Promise<void> {
  await redis.ping();
  await new Promise((resolve) => setImmediate(resolve));
}

describe('a replica\'s heartbeat while Redis has lost its run\'s server', () => {
  it('beats at the next call once the server is written back: a beat not written does not count toward its quarter of the lock', async () => {
    const setup = downpourRun({ ...twoReplicas, training: { maxSteps: 1_000 } });
    // Locks of a minute: a beat at most every 15 s.
    const heartbeat = replicaHeartbeat(redis, setup.prefix, setup.runId, 0, 'a-delivery', { lockDurationMs: 60_000, outageRetryMs: 200 });
    try {
      heartbeat();
      await answered();
      expect(await beatsOf(setup, 0)).toEqual({ fresh: null, last: null });
      await setup.coordinator().settle(performance.now()); // the server written (back)
      heartbeat();
      await answered();
      expect((await beatsOf(setup, 0)).fresh).toMatchObject({ token: 'a-delivery' });
    } finally {
      await setup.close();
    }
  });
});

describe('a replica reporting a non-finite value, or a coordinator stopping its run, after the run\'s server was removed', () => {
  it('is told the server is lost and writes nothing: a beat that comes after lands on nothing either', async () => {
    const setup = downpourRun({ ...twoReplicas, training: { maxSteps: 1_000 } });
    const beat = () => replicaHeartbeat(redis, setup.prefix, setup.runId, 0, 'a-delivery', { lockDurationMs: 60_000, outageRetryMs: 200 })();
    try {
      await setup.coordinator().settle(performance.now()); // the server written
      beat();
      await answered();
      expect((await beatsOf(setup, 0)).fresh).toMatchObject({ token: 'a-delivery' });
      // The run ended: its server and heartbeats removed.
      await setup.server.remove();
      await removeHeartbeats(redis, setup.prefix, setup.runId, 2);
      await expect(setup.server.reportBroken(3)).rejects.toBeInstanceOf(ServerLostError);
      await expect(setup.server.stop()).rejects.toBeInstanceOf(ServerLostError);
      beat();
      await answered();
      expect(await redis.keys(`*${setup.prefix}:ps:${setup.runId}:*`)).toEqual([]);
      // A worker of an earlier release reports with a plain write, which makes an accounting without
      // the server's version: a beat does not take it for the server.
      await redis.hset(setup.meta, 'broken', '4', 'stopped', '1');
      beat();
      await answered();
      expect(await beatsOf(setup, 0)).toEqual({ fresh: null, last: null });
    } finally {
      await setup.close();
    }
  });
});

describe('a replica whose finish Redis lost with the server before the coordinator saw it', () => {
  it('is run again from the server written back (its job added again): the run ends with every step made', async () => {
    const setup = downpourRun({ replicas: 2, communicationPeriod: 10, dimensions: 20, learningRate: 0.0001, training: { maxSteps: 4_000 } });
    const run = setup.coordinator();
    let worker: Worker | null = null;
    try {
      await run.settle(performance.now()); // the server written, the jobs added
      await Promise.all([0, 1].map((replica) => setup.server.register(replica, `worker:${replica}`)));
      await run.settle(performance.now()); // both replicas seen begun, the server read
      // Both replicas run their shares and finish, their jobs done and removed, with no poll of the coordinator's between.
      worker = replicasWorker(setup.prefix, (replica) => setup.replicas(replica));
      expect(await eventually(() => setup.replicaJobs(), (jobs) => jobs.every((job) => job === null))).toEqual([null, null]);
      // Redis loses the server: the coordinator writes it back from the state it read, neither replica finished.
      await redis.del(...setup.server.allKeys());
      await drive(run, 20_000);
      expect(run.result).toMatchObject({ stopReason: 'max_steps', steps: 4_000 });
      expect(run.result!.parallel!.perReplica.map((report) => report.steps)).toEqual([2_000, 2_000]);
    } finally {
      await worker?.close();
      await setup.close();
    }
  }, 60_000);
});
