/**
 * Concurrent runs on a parameter server (downpour, easgd, adaptive-revision) resumed in the middle
 * of their stop, against the real Redis: the coordinator has sent the stop, one replica has pushed
 * its last steps and another (taken by a worker, descheduled) has not, when the coordinator's
 * worker dies and the run's job is redelivered with the checkpoint of that slice. The resumed run
 * must end as the run would have without the restart: status and reason, sentence, steps, the rows
 * after the checkpoint and the result, bit for bit (but for the time, which the restart takes).
 * Each stop kind is its own case; the coordinator and replicas run in this process.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { DistributedRun } from '../../../src/concurrent-runs/distributed-run.ts';
import { runReplica } from '../../../src/concurrent-runs/replica-loop.ts';
import { createBenchmarkObjective } from '../../../src/core/objectives/create-objective.ts';
import { resolveParallelSettings } from '../../../src/core/parallel/index.ts';
import type { RunCheckpoint } from '../../../src/core/training/checkpoint.ts';
import type { StepRecord } from '../../../src/core/training/step-record.ts';
import { ParameterServer } from '../../../src/parameter-server/parameter-server.ts';
import { closeRedis, createRedis } from '../../../src/queue/connection.ts';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await closeRedis(redis);
});

const objectiveSpec = { type: 'benchmark', name: 'rosenbrock', dimensions: 20 } as const;

const algorithms = [
  { algorithm: 'downpour', optimizer: { name: 'sgd', learningRate: 0.0001 }, parallel: { communicationPeriod: 10 } },
  { algorithm: 'easgd', optimizer: { name: 'sgd', learningRate: 0.0001 }, parallel: { communicationPeriod: 10, movingRate: 0.2 } },
  { algorithm: 'adaptive-revision', optimizer: { name: 'adagrad', learningRate: 0.01 }, parallel: {} },
] as const;

const pruning = { prune: true, rule: 'median', step: 100, value: 0.7, cutoff: 0.6, rung: null, rank: 2, competitors: 3, message: 'Pruned at step 100.' };

/** How each stop comes: the spec's settings, or what the worker tells the run (a cancel, a pruner's decision, the quota). */
const stops = [
  { stop: 'the time limit', reason: 'time_limit', settings: { training: { maxSteps: 1_000_000_000, timeLimitSeconds: 0.3 } }, cancel: null },
  { stop: 'a cancel', reason: 'cancelled', settings: {}, cancel: { pruning: undefined, atQuota: false } },
  { stop: 'a pruner', reason: 'cancelled', settings: {}, cancel: { pruning, atQuota: false } },
  { stop: 'the metric-rows quota', reason: 'cancelled', settings: {}, cancel: { pruning: undefined, atQuota: true } },
  { stop: 'a stop rule', reason: 'loss_target', settings: { stopWhen: { lossBelow: 1e30 } }, cancel: null },
  { stop: 'early stopping', reason: 'early_stopping', settings: { earlyStopping: { monitor: 'loss', patience: 100, minDelta: 1e6 } }, cancel: null },
  // A step of 10³⁰⁶ times the gradient overflows: the replica's parameters, and the server's, are not finite.
  { stop: 'a divergence', reason: 'diverged', settings: { optimizer: { learningRate: 1e306 } }, cancel: null },
] as const;

const cases = algorithms.flatMap((algorithm) => stops.map((stop) => ({ ...algorithm, ...stop, name: algorithm.algorithm })));

/** A run of 2 replicas of `algorithm`, its coordinators and replicas in this process. */
function serverRun({ algorithm, optimizer, parallel, settings }: (typeof cases)[number]) {
  const prefix = `test-${randomUUID()}`;
  prefixes.push(prefix);
  const runId = randomUUID();
  const config = runSpecSchema.parse({
    objective: objectiveSpec,
    training: { maxSteps: 1_000_000_000 },
    record: { every: 100 },
    parallel: { algorithm, replicas: 2, execution: 'concurrent', ...parallel },
    ...settings,
    optimizer: { ...optimizer, ...('optimizer' in settings ? settings.optimizer : {}) },
  });
  const parallelSettings = resolveParallelSettings(config.parallel!);
  const objective = createBenchmarkObjective(objectiveSpec);
  const server = new ParameterServer(redis, { prefix, runId, dimension: objective.dimension, shards: 1, algorithm });
  return {
    server,
    coordinator: (checkpoint?: RunCheckpoint) => new DistributedRun(config, parallelSettings, objective, { clock: () => performance.now(), redis, queuePrefix: prefix, runId, checkpoint }),
    replica: (replica: number) => runReplica({ config, settings: parallelSettings, objective, server, replica, interrupted: () => false, running: () => Promise.resolve(true) }),
  };
}

/** One slice of the coordinator as the worker drives it: its wait, then the rows it hands over. */
async function slice(run: DistributedRun, rows: StepRecord[], ms = 0): Promise<void> {
  await run.settle(performance.now() + ms);
  rows.push(...run.advance());
}

/** The coordinator's slices to the run's end (a run that never ends fails the test, not hangs it). */
async function drive(run: DistributedRun): Promise<StepRecord[]> {
  const rows: StepRecord[] = [];
  const until = performance.now() + 20_000;
  while (!run.done && performance.now() < until) await slice(run, rows, 50);
  expect(run.done).toBe(true);
  return rows;
}

/** A run's result but for its speed and duration, which the restart takes. */
const ending = (result: DistributedRun['result']) => ({ ...result!, parallel: { ...result!.parallel!, stepsPerSecond: 0, elapsedMilliseconds: 0 } });

const stoppingOf = (checkpoint: RunCheckpoint) => ('concurrent' in checkpoint && 'stopping' in checkpoint.concurrent ? checkpoint.concurrent.stopping : undefined);

describe('a concurrent run on a parameter server resumed in the middle of its stop', () => {
  it.each(cases)('$name, stopped by $stop, ends as it would have without the restart', async (testCase) => {
    const setup = serverRun(testCase);
    const run = setup.coordinator();
    const rows: StepRecord[] = [];
    await slice(run, rows); // the server written, the jobs added
    // Replica 1 is taken by a worker that is descheduled: the stop cannot end before it pushes.
    await setup.server.register(1, 'worker:1');
    const first = setup.replica(0);
    while (run.progress.step === 0) await slice(run, rows, 10);
    if (testCase.cancel) run.cancel(testCase.cancel.pruning, testCase.cancel.atQuota);
    // Slices until the server is stopped (by the coordinator, or by a replica that met a value not finite).
    const meta = setup.server.allKeys().at(-1)!;
    const until = performance.now() + 20_000;
    while ((await redis.hget(meta, 'stopped')) !== '1' && performance.now() < until) await slice(run, rows, 10);
    // Replica 0 has pushed its last steps, which the slice of the checkpoint reads.
    await first;
    await slice(run, rows);
    expect(run.done).toBe(false);
    const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as RunCheckpoint;
    expect(stoppingOf(checkpoint)).toMatchObject({ reason: testCase.reason });
    // The replica's steps overflowed, and the server's parameters are not finite: kept aside, as JSON has no NaN or ±Infinity.
    if (testCase.reason === 'diverged') expect(JSON.stringify(checkpoint)).toContain('"nonFinite"');
    // The worker of the run dies here. Replica 1 goes on, is given no steps and ends.
    await setup.replica(1);
    const server = await setup.server.snapshot();

    const rest = await drive(run);
    await run.close();
    expect(run.result!.stopReason).toBe(testCase.reason);

    // The run's job is redelivered: its coordinator resumes from the checkpoint, with the server as the replicas left it.
    await setup.server.initialize(server, false);
    const resumed = setup.coordinator(checkpoint);
    const after = await drive(resumed);
    await resumed.close();
    expect(ending(resumed.result)).toEqual(ending(run.result));
    expect(after).toEqual(rest);
    expect(resumed.pruning).toEqual(testCase.cancel?.pruning ?? null);
    expect(resumed.atQuota).toBe(testCase.cancel?.atQuota ?? false);
    if (testCase.reason === 'diverged') expect(resumed.result!.message).toMatch(/^Diverged: x\d+ \(parameter \d+\) became (NaN|-?Infinity) at step \d+\.$/);
  }, 60_000);
});
