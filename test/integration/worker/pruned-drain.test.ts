/**
 * A sweep trial on concurrent hogwild threads that its pruner stopped, or a run its tenant's
 * metric-rows quota stopped, takes its threads' last rows over several slices (a run on a
 * parameter server waits for its replicas' last pushes): a worker that resumes it from the
 * checkpoint of one of them (the previous worker died in the middle) ends it pruned with the
 * pruner's decision, or at the quota, not cancelled.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../../src/contracts/run-spec.ts';
import { objectiveSpecSchema } from '../../../src/core/objectives/index.ts';
import type { PruningDecision } from '../../../src/core/sweep/index.ts';
import { createMetricsWriter } from '../../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { ConcurrentHogwildRun } from '../../../src/hogwild/concurrent-hogwild.ts';
import { DistributedRun } from '../../../src/concurrent-runs/distributed-run.ts';
import { runReplica } from '../../../src/concurrent-runs/replica-loop.ts';
import { createBenchmarkObjective } from '../../../src/core/objectives/create-objective.ts';
import { resolveParallelSettings } from '../../../src/core/parallel/index.ts';
import type { RunCheckpoint } from '../../../src/core/training/checkpoint.ts';
import { ParameterServer } from '../../../src/parameter-server/parameter-server.ts';
import type { RecordReader } from '../../../src/hogwild/record-ring.ts';
import { createRunAnnouncer } from '../../../src/queue/run-announcer.ts';
import { defaultSliceSettings, driveRun } from '../../../src/worker/processors/run-slices.ts';
import type { TrialPruning } from '../../../src/worker/sweeps/trial-pruning.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

let services: TestServices;
let pool: Pool;
let tenantId: string;

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 2);
  const { tenantName } = await createTenantKey(services.database, 'pruned-drain');
  tenantId = (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
});

afterAll(async () => {
  await pool?.end();
  await services?.close();
});

/** Waits until `condition` holds, looking every 5 ms at most 2,000 times. */
async function until(condition: () => boolean): Promise<void> {
  for (let looks = 0; !condition(); looks++) {
    if (looks === 2000) throw new Error('the condition did not come to hold');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const decision: PruningDecision = { prune: true, rule: 'median', step: 10, value: 0.7, cutoff: 0.6, rung: null, rank: 2, competitors: 3, message: 'Pruned at step 10: its best loss 0.7 is worse than the median 0.6 of 3 trials.' };
const { prune: _prune, ...pruning } = decision;

const input: RunSpecInput = {
  objective: { type: 'model', model: 'logistic', data: { builtin: 'sparse-text', rows: 3000, seed: 4 } },
  optimizer: { name: 'sgd', learningRate: 0.05 },
  training: { maxSteps: 3000, batchSize: 1, seed: 2 },
  record: { every: 10 },
  parallel: { algorithm: 'hogwild', replicas: 1, execution: 'concurrent' },
};
const config = runSpecSchema.parse(input);
const objective = objectiveSpecSchema.parse(input.objective);

const start = (checkpoint?: ReturnType<ConcurrentHogwildRun['checkpoint']>) =>
  new ConcurrentHogwildRun(config, objective, { clock: () => performance.now(), maximumThreads: 2, ...(checkpoint ? { checkpoint } : {}) });

const readerOf = (run: ConcurrentHogwildRun) => (run as unknown as { reader: RecordReader }).reader;

const dependencies = () => ({ writer: createMetricsWriter(pool), announcer: createRunAnnouncer(services.redis, services.config.queuePrefix), clock: () => performance.now(), settings: defaultSliceSettings });

/** A running run of `input` in the database; its id. */
async function insertRun(): Promise<string> {
  const runId = randomUUID();
  await pool.query(`INSERT INTO runs (id, tenant_id, status, spec, started_at) VALUES ($1, $2, 'running', $3::jsonb, now())`, [runId, tenantId, JSON.stringify(input)]);
  return runId;
}

describe('a concurrent hogwild run stopped by its pruner or its tenant\'s quota, resumed while it takes its last rows', () => {
  it.each([
    { stop: 'its pruner', cancel: { pruning: decision, atQuota: false }, ending: { status: 'pruned', result: { stopReason: 'pruned', message: decision.message, pruning } } },
    // The tenant's rows left are not the worker's concern at the resume (rows may have been freed meanwhile): the run ends as it was stopped.
    { stop: 'the metric-rows quota', cancel: { pruning: undefined, atQuota: true }, ending: { status: 'cancelled', result: { stopReason: 'metric_rows_quota' } } },
  ])('ends as $stop stopped it before the restart, not cancelled', async ({ cancel, ending: expected }) => {
    // The worker before the restart: the run was stopped, and the slice after stored a checkpoint
    // with one row taken, the others of the updates made still to take.
    const first = start();
    first.advance({ deadline: performance.now(), maxSteps: 10 });
    // Its thread has made every update (all the run's rows fit its ring) when the stop comes.
    await until(() => readerOf(first).threadStates()[0] === 'done');
    first.cancel(cancel.pruning, cancel.atQuota);
    first.advance({ deadline: performance.now(), maxSteps: 10 });
    expect(first.done).toBe(false);
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint())) as ReturnType<ConcurrentHogwildRun['checkpoint']>;
    await first.close();

    const runId = await insertRun();
    await pool.query('INSERT INTO checkpoints (run_id, step, state) VALUES ($1, $2, $3::jsonb)', [runId, checkpoint.step, JSON.stringify(checkpoint)]);

    // The worker after it: a new attempt resumed from that checkpoint.
    const engine = start(checkpoint);
    const ending = await driveRun(dependencies(), { runId, startedAt: new Date(), engine, recordEvery: engine.recordEvery, recordParams: false, fromStep: checkpoint.step, elapsedSeconds: 0 });
    await engine.close();
    expect(ending).toMatchObject(expected);
    const stored = (await pool.query('SELECT status, result FROM runs WHERE id = $1', [runId])).rows[0];
    expect(stored).toMatchObject({ status: expected.status, result: { stopReason: expected.result.stopReason } });
  }, 60_000);

  it('a pruned trial ends with its pruner\'s first decision: the pruner is not asked again while the run takes its last rows', async () => {
    const engine = start();
    const decisions: PruningDecision[] = [];
    // Decides at every 100 updates, pruning each time; the first decision waits until the thread
    // has made every update, so that the rows left take several slices of 10 rows.
    const pruner: TrialPruning = {
      stepsToNextCheck: (step) => 100 - (step % 100),
      decideAt: async (step) => {
        await until(() => readerOf(engine).threadStates()[0] === 'done');
        decisions.push({ ...decision, step, message: `Pruned at step ${step}.` });
        return decisions.at(-1)!;
      },
    };
    const runId = await insertRun();
    const ending = await driveRun(dependencies(), { runId, startedAt: new Date(), engine, recordEvery: engine.recordEvery, recordParams: false, fromStep: 0, elapsedSeconds: 0, pruning: pruner });
    await engine.close();
    expect(decisions.length).toBe(1);
    expect(ending).toMatchObject({ status: 'pruned', result: { stopReason: 'pruned', message: decisions[0].message, pruning: { step: decisions[0].step } } });
  }, 60_000);
});

describe.each(['downpour', 'easgd', 'adaptive-revision'] as const)('a concurrent %s run stopped by its pruner or its tenant\'s quota, resumed while its replicas push their last steps', (algorithm) => {
  const serverInput: RunSpecInput = {
    objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 20 },
    optimizer: algorithm === 'adaptive-revision' ? { name: 'adagrad', learningRate: 0.01 } : { name: 'sgd', learningRate: 0.0001 },
    training: { maxSteps: 1_000_000_000 },
    record: { every: 100 },
    parallel: { algorithm, replicas: 2, execution: 'concurrent', ...(algorithm === 'adaptive-revision' ? {} : { communicationPeriod: 10 }) },
  };
  const serverConfig = runSpecSchema.parse(serverInput);
  const settings = resolveParallelSettings(serverConfig.parallel!);
  const benchmark = createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', dimensions: 20 });

  it.each([
    { stop: 'its pruner', cancel: { pruning: decision, atQuota: false }, ending: { status: 'pruned', result: { stopReason: 'pruned', message: decision.message, pruning } } },
    { stop: 'the metric-rows quota', cancel: { pruning: undefined, atQuota: true }, ending: { status: 'cancelled', result: { stopReason: 'metric_rows_quota' } } },
  ])('ends as $stop stopped it before the restart, not cancelled', async ({ cancel, ending: expected }) => {
    const runId = await insertRun();
    const prefix = `${services.config.queuePrefix}-${randomUUID()}`;
    const server = new ParameterServer(services.redis, { prefix, runId, dimension: benchmark.dimension, shards: 1, algorithm });
    const coordinator = (checkpoint?: RunCheckpoint) => new DistributedRun(serverConfig, settings, benchmark, { clock: () => performance.now(), redis: services.redis, queuePrefix: prefix, runId, checkpoint });
    const replica = (index: number) => runReplica({ config: serverConfig, settings, objective: benchmark, server, replica: index, interrupted: () => false, running: () => Promise.resolve(true) });
    // The worker before the restart: the run was stopped while replica 1, taken by a worker, was descheduled.
    const first = coordinator();
    await first.settle(performance.now());
    await server.register(1, 'worker:1');
    const pushing = replica(0);
    while (first.progress.step === 0) await first.settle(performance.now() + 10);
    first.cancel(cancel.pruning, cancel.atQuota);
    for (let slices = 0; (await services.redis.hget(server.allKeys().at(-1)!, 'stopped')) !== '1'; slices++) {
      if (slices === 2000) throw new Error('the run was not stopped');
      await first.settle(performance.now() + 10);
    }
    await pushing;
    await first.settle(performance.now());
    first.advance();
    expect(first.done).toBe(false);
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint())) as RunCheckpoint;
    await first.close();
    await pool.query('INSERT INTO checkpoints (run_id, step, state) VALUES ($1, $2, $3::jsonb)', [runId, checkpoint.step, JSON.stringify(checkpoint)]);

    // The worker after it: a new attempt resumed from that checkpoint, with the rows the tenant has left now; replica 1 goes on and ends.
    const engine = coordinator(checkpoint);
    const ending = driveRun(dependencies(), { runId, startedAt: new Date(), engine, recordEvery: engine.recordEvery, recordParams: false, fromStep: checkpoint.step, elapsedSeconds: 0 });
    await replica(1);
    expect(await ending).toMatchObject(expected);
    await engine.close();
    const stored = (await pool.query('SELECT status, result FROM runs WHERE id = $1', [runId])).rows[0];
    expect(stored).toMatchObject({ status: expected.status, result: { stopReason: expected.result.stopReason } });
  }, 60_000);
});
