/**
 * The parameter server and concurrent replica jobs (downpour, easgd, adaptive-revision on Redis):
 *
 * (a) one downpour exchange (push of a displacement and pull of x̃: a read and a commit per
 *     shard) of 10,000 float64 parameters, on 1 and 4 shards, against a raw SET + GET of the
 *     same 80,000 bytes on the same Redis; then 4 replicas exchanging at once on one shard
 *     (commits refused and recomputed when another landed first) against 4 clients doing raw
 *     SET + GET at once; rounds interleaved, medians;
 * (b) concurrent runs through the service (API, runs queue, two `descent worker` processes taking
 *     the replica jobs, PostgreSQL), 1, 2 and 4 replicas of downpour, easgd and
 *     adaptive-revision, each against the same spec simulated in one process: steps per second,
 *     and the ratios to 1 replica and to the simulation, measured in the same run;
 * (c) one downpour run on 2 worker processes against 1: time until the server reaches a target loss.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
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

export async function parameterServerExchange(rounds = 10, exchanges = 200): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = createRedis(url, 'wait-for-redis');
  // The contended case: `contenders` clients, each on its own connection as replicas on different workers are.
  const contenders = 4;
  const connections = Array.from({ length: contenders }, () => createRedis(url, 'wait-for-redis'));
  const dimension = 10_000;
  const prefix = `bench-${randomUUID()}`;
  const open = (connection: typeof redis, runId: string, shards: number) => new ParameterServer(connection, { prefix, runId, dimension, shards, algorithm: 'downpour' });
  const servers = [1, 4].map((shards) => open(redis, randomUUID(), shards));
  const shared = open(redis, randomUUID(), 1);
  const replicas = connections.map((connection) => open(connection, shared.options.runId, 1));
  for (const server of [...servers, shared]) await server.initialize(ParameterServer.freshState('downpour', new Float64Array(dimension), server.shards, 1e12, contenders), true);
  const displacement = Float64Array.from({ length: dimension }, (_, j) => 1e-6 * (j % 7));
  const into = Array.from({ length: contenders }, () => new Float64Array(dimension));
  const bytes = Buffer.from(displacement.buffer);
  const raw = Array.from({ length: contenders }, (_, c) => `${prefix}:raw:${c}`);
  const seqs = [0, 0, ...replicas.map(() => 0)];
  const perClient = exchanges / contenders;
  // Each candidate does `exchanges` exchanges; the order rotates from round to round, so no candidate always follows the same one (or its garbage).
  const candidates: Record<string, () => Promise<unknown>> = {
    raw: async () => {
      for (let i = 0; i < exchanges; i++) {
        await redis.set(raw[0], bytes);
        await redis.getBuffer(raw[0]);
      }
    },
    shards1: async () => {
      for (let i = 0; i < exchanges; i++) await servers[0].downpour(0, ++seqs[0], 1, 0, 1, displacement, into[0]);
    },
    shards4: async () => {
      for (let i = 0; i < exchanges; i++) await servers[1].downpour(0, ++seqs[1], 1, 0, 1, displacement, into[0]);
    },
    rawContended: () => Promise.all(connections.map(async (connection, c) => {
      for (let i = 0; i < perClient; i++) {
        await connection.set(raw[c], bytes);
        await connection.getBuffer(raw[c]);
      }
    })),
    contended: () => Promise.all(replicas.map(async (replica, c) => {
      for (let i = 0; i < perClient; i++) await replica.downpour(c, ++seqs[2 + c], 1, 0, 1, displacement, into[c]);
    })),
  };
  const names = Object.keys(candidates);
  const timings: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  try {
    for (let round = 0; round < rounds + 1; round++) {
      for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
        const start = performance.now();
        await candidates[name]();
        // The first round warms up.
        if (round > 0) timings[name].push((performance.now() - start) / exchanges);
      }
    }
  } finally {
    await Promise.all([...servers, shared].map((server) => server.remove()));
    await redis.del(...raw);
    await Promise.all([redis, ...connections].map(closeRedis));
  }
  const [rawMs, rawContendedMs] = [median(timings.raw), median(timings.rawContended)];
  const row = (label: string, ms: number, peer: number) => [label, ms.toFixed(3), formatRatio(peer / ms)];
  printTable(
    `Parameter server: one exchange of ${dimension.toLocaleString('en-US')} float64 parameters (median of ${rounds} rounds of ${exchanges}; load average ${loadAverage()})`,
    ['operation', 'ms per exchange', 'throughput vs raw SET + GET'],
    [
      row('raw SET + GET of the same bytes', rawMs, rawMs),
      row('downpour push + pull, 1 shard', median(timings.shards1), rawMs),
      row('downpour push + pull, 4 shards', median(timings.shards4), rawMs),
      row(`raw SET + GET, ${contenders} clients at once (own keys)`, rawContendedMs, rawContendedMs),
      row(`downpour push + pull, ${contenders} replicas at once on 1 shard`, median(timings.contended), rawContendedMs),
    ],
  );
}

function loadAverage(): string {
  return loadavg().map((load) => load.toFixed(1)).join(' / ');
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

/** The spec of the processes race: compute-bound replica steps (an mlp), so that a second process has work to take. */
function raceSpec(lossBelow: number, maxSteps: number) {
  return {
    objective: { type: 'model', model: 'mlp', hidden: [32], activation: 'tanh', data: { builtin: 'spirals', rows: 2000, seed: 5 } },
    optimizer: { name: 'adam', learningRate: 0.01 },
    training: { maxSteps, batchSize: 32, seed: 3 },
    record: { every: 100 },
    stopWhen: { lossBelow },
    parallel: { algorithm: 'downpour', replicas: 2, execution: 'concurrent', communicationPeriod: 8 },
  };
}

/**
 * (c) The same concurrent downpour run (2 replicas) on 1 worker process taking both replicas
 * against 2 worker processes taking one each (real `descent worker` children, each side with
 * its own queue prefix): seconds from submission until the server's parameters reach the target
 * loss (the coordinator's loss on the training sample at a record; the run ends `loss_target`),
 * rounds alternating, medians. The machine's load average is printed with it: on shared cores the
 * second process is only as fast as the cores it gets.
 */
export async function downpourProcesses(
  rounds = Number(process.env.PARALLEL_BENCH_ROUNDS ?? 5),
  lossBelow = Number(process.env.PARALLEL_BENCH_TARGET ?? 0.1),
): Promise<void> {
  const config = await benchConfig();
  const database = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const { key } = await createApiKeyRepository(database).create(`bench-${Date.now()}`);
  const sides = await Promise.all([1, 2].map(async (processes) => {
    const queuePrefix = `${config.queuePrefix}-${processes}`;
    const runsQueue = createRunsQueue(redis, queuePrefix);
    const app = await buildApp({ config: { ...config, queuePrefix }, database, redis, runsQueue }, { logger: false });
    const workers = Array.from({ length: processes }, () => spawn(process.execPath, [binary, 'worker'], {
      env: { ...process.env, DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'silent', REPLICA_CONCURRENCY: String(2 / processes) },
      stdio: 'ignore',
      // Each in a session of its own, as a worker started by a service manager is: where the
      // kernel groups CPU time by session (autogroup), the workers would otherwise share the
      // bench's one share of the cores, and a second process could not get more.
      detached: true,
    }));
    return { processes, runsQueue, app, workers, seconds: [] as number[], steps: [] as number[], endings: new Set<string>() };
  }));
  const loads: number[] = [];
  /** Submit to the end; seconds, steps and why it ended. */
  async function race(app: (typeof sides)[number]['app'], spec: object) {
    const start = performance.now();
    const response = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: `Bearer ${key}` }, payload: spec });
    const id = response.json().id as string;
    for (;;) {
      const view = (await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers: { authorization: `Bearer ${key}` } })).json() as { status: string; result: { steps: number; stopReason: string } | null };
      if (view.status !== 'queued' && view.status !== 'running') return { seconds: (performance.now() - start) / 1000, steps: view.result?.steps ?? 0, ending: view.result?.stopReason ?? view.status };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // A warm-up run on each side (module loading, JIT, connections).
    for (const side of sides) await race(side.app, raceSpec(lossBelow, 2000));
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        loads.push(loadavg()[0]);
        const { seconds, steps, ending } = await race(side.app, raceSpec(lossBelow, 200_000));
        side.seconds.push(seconds);
        side.steps.push(steps);
        side.endings.add(ending);
      }
    }
  } finally {
    for (const side of sides) {
      for (const child of side.workers) child.kill('SIGTERM');
      await side.app.close();
      await side.runsQueue.close();
    }
    await closeRedis(redis);
    await database.$disconnect();
  }
  const one = median(sides[0].seconds);
  printTable(
    `Downpour (2 replicas, τ = 8, Adam, an mlp 2 → 32 tanh → 1 on spirals 2,000 rows, batch 32) on 1 worker process against 2: seconds from submission until the server's loss < ${lossBelow} (median of ${rounds}; load average ${median(loads).toFixed(1)} on ${cpus().length} cores)`,
    ['worker processes', 'seconds to target', 'each round', 'steps to target', 'steps/s', 'ended', 'speed-up vs 1 process'],
    sides.map((side) => [
      String(side.processes), median(side.seconds).toFixed(2), side.seconds.map((seconds) => seconds.toFixed(2)).join(' '), Math.round(median(side.steps)).toLocaleString('en-US'),
      Math.round(median(side.steps.map((steps, i) => steps / side.seconds[i]))).toLocaleString('en-US'), [...side.endings].join(', '), formatRatio(one / median(side.seconds)),
    ]),
  );
}
