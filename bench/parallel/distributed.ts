/**
 * The parameter server and concurrent replica jobs (downpour, easgd, adaptive-revision on Redis):
 *
 * (a) one downpour exchange (push of a displacement and pull of x̃, one Lua script per shard) of
 *     10,000 float64 parameters, on 1 and 4 shards, against a raw SET + GET of the same 80,000
 *     bytes on the same Redis; rounds interleaved, medians;
 * (b) concurrent runs through the service (API, runs queue, two `descent worker` processes taking
 *     the replica jobs, PostgreSQL), 1, 2 and 4 replicas of downpour, easgd and
 *     adaptive-revision, each against the same spec simulated in one process: steps per second,
 *     and the ratios to 1 replica and to the simulation, measured in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/api/app.ts';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { iterateRun } from '../../src/core/training/index.ts';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { createDatabase } from '../../src/db/client.ts';
import { ParameterServer } from '../../src/parameter-server/parameter-server.ts';
import { closeRedis, createRedis } from '../../src/queue/connection.ts';
import { createRunsQueue } from '../../src/queue/runs-queue.ts';
import { benchConfig } from '../service/environment.ts';
import { formatRatio, median, printTable } from '../support/measure.ts';

const binary = fileURLToPath(new URL('../../bin/descent.js', import.meta.url));

export async function parameterServerExchange(rounds = 5, exchanges = 200): Promise<void> {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'wait-for-redis');
  const dimension = 10_000;
  const prefix = `bench-${randomUUID()}`;
  const servers = [1, 4].map((shards) => new ParameterServer(redis, { prefix, runId: randomUUID(), dimension, shards, algorithm: 'downpour' }));
  for (const server of servers) await server.initialize(ParameterServer.freshState('downpour', new Float64Array(dimension), server.shards, 1e12), true);
  const displacement = Float64Array.from({ length: dimension }, (_, j) => 1e-6 * (j % 7));
  const into = new Float64Array(dimension);
  const bytes = Buffer.from(displacement.buffer);
  const raw = `${prefix}:raw`;
  const timings = { raw: [] as number[], shards1: [] as number[], shards4: [] as number[] };
  const seqs = [0, 0];
  try {
    for (let round = 0; round < rounds; round++) {
      let start = performance.now();
      for (let i = 0; i < exchanges; i++) {
        await redis.set(raw, bytes);
        await redis.getBuffer(raw);
      }
      timings.raw.push((performance.now() - start) / exchanges);
      for (const [k, server] of servers.entries()) {
        start = performance.now();
        for (let i = 0; i < exchanges; i++) await server.downpour(0, ++seqs[k], 1, 0, 1, displacement, into);
        (k === 0 ? timings.shards1 : timings.shards4).push((performance.now() - start) / exchanges);
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.remove()));
    await redis.del(raw);
    await closeRedis(redis);
  }
  const rawMs = median(timings.raw);
  printTable(
    `Parameter server: one exchange of ${dimension.toLocaleString('en-US')} float64 parameters (median of ${rounds} rounds of ${exchanges})`,
    ['operation', 'ms per exchange', 'throughput vs raw SET + GET'],
    [
      ['raw SET + GET of the same bytes', rawMs.toFixed(3), formatRatio(1)],
      ['downpour push + pull, 1 shard (one Lua script)', median(timings.shards1).toFixed(3), formatRatio(rawMs / median(timings.shards1))],
      ['downpour push + pull, 4 shards (four Lua scripts)', median(timings.shards4).toFixed(3), formatRatio(rawMs / median(timings.shards4))],
    ],
  );
}

const cases = [
  { algorithm: 'downpour', optimizer: { name: 'momentum', learningRate: 0.02 }, parallel: { communicationPeriod: 8 } },
  { algorithm: 'easgd', optimizer: { name: 'nesterov', learningRate: 0.02 }, parallel: { communicationPeriod: 8 } },
  { algorithm: 'adaptive-revision', optimizer: { name: 'adagrad', learningRate: 0.3 }, parallel: {} },
] as const;

function specOf(algorithm: string, optimizer: object, parallel: object, replicas: number, execution: 'concurrent' | 'simulated', maxSteps: number) {
  return {
    objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 4000, seed: 5 }, validationSplit: 0.2 },
    optimizer,
    training: { maxSteps, batchSize: 32, seed: 3 },
    record: { every: Math.max(1, Math.floor(maxSteps / 20)) },
    parallel: { algorithm, replicas, execution, ...parallel },
  };
}

export async function concurrentReplicas(maxSteps = Number(process.env.PARALLEL_BENCH_STEPS ?? 40_000)): Promise<void> {
  const config = await benchConfig();
  const database = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  const { key } = await createApiKeyRepository(database).create(`bench-${Date.now()}`);
  const workers: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, [binary, 'worker'], {
    env: { ...process.env, DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.queuePrefix, LOG_LEVEL: 'silent', REPLICA_CONCURRENCY: '4' },
    stdio: 'ignore',
  }));
  const rows: string[][] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const { algorithm, optimizer, parallel } of cases) {
      const simulated = runSpecSchema.parse(specOf(algorithm, optimizer, parallel, 4, 'simulated', maxSteps));
      const simulationStart = performance.now();
      const simulation = iterateRun(simulated).runToEnd();
      const simulationRate = simulation.steps / ((performance.now() - simulationStart) / 1000);
      let oneReplica = NaN;
      for (const replicas of [1, 2, 4]) {
        const start = performance.now();
        const response = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: `Bearer ${key}` }, payload: specOf(algorithm, optimizer, parallel, replicas, 'concurrent', maxSteps) });
        const id = response.json().id as string;
        let view: { status: string; result: { steps: number; finalValLoss: number | null; parallel?: { staleness: { mean: number } | null } } | null };
        for (;;) {
          view = (await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization: `Bearer ${key}` } })).json();
          if (view.status !== 'queued' && view.status !== 'running') break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const seconds = (performance.now() - start) / 1000;
        const rate = (view.result?.steps ?? 0) / seconds;
        if (replicas === 1) oneReplica = rate;
        rows.push([
          algorithm, String(replicas), view.status, seconds.toFixed(2), Math.round(rate).toLocaleString('en-US'),
          formatRatio(rate / oneReplica), formatRatio(rate / simulationRate),
          view.result?.parallel?.staleness ? view.result.parallel.staleness.mean.toFixed(2) : '—',
          view.result?.finalValLoss != null ? view.result.finalValLoss.toFixed(4) : '—',
        ]);
      }
      rows.push([algorithm, '4 simulated', 'completed', (simulation.steps / simulationRate).toFixed(2), Math.round(simulationRate).toLocaleString('en-US'), '', formatRatio(1), '', simulation.finalValLoss?.toFixed(4) ?? '—']);
    }
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await app.close();
    await runsQueue.close();
    await closeRedis(redis);
    await database.$disconnect();
  }
  printTable(
    `Concurrent replicas on the parameter server: ${maxSteps.toLocaleString('en-US')} steps of logistic regression (moons 4,000 rows, batch 32), 2 worker processes, submit to completed`,
    ['algorithm', 'replicas', 'status', 'seconds', 'steps/s', 'vs 1 replica', 'vs simulation', 'mean staleness', 'final val loss'],
    rows,
  );
}
