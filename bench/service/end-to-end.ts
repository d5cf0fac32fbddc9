/**
 * (a) End-to-end runs per second: 2,000 small runs (200-step Rosenbrock, every 10th step
 * recorded) posted by 32 concurrent HTTP clients to the API listening on an ephemeral port,
 * queued, run by a separate `descent worker` process and stored in PostgreSQL; finished when
 * PostgreSQL holds the last run's final status (asked every 10 ms). Nobody follows the runs'
 * events, as nobody follows two thousand runs at once. The peer is raw BullMQ in the same run:
 * 2,000 no-op jobs added by 32 concurrent producers and taken by a Worker of the same concurrency.
 *
 * The HTTP clients are node:http requests over 32 keep-alive connections: they share the API's
 * process (and the machine's cores), so a heavier client (fetch costs about a third more CPU
 * per request) would be counted against the service, whose peer's producers pay nothing of the kind.
 *
 * Both are warmed up first with untimed runs or jobs (the JIT, prepared statements, pooled
 * connections: a worker serves for hours, not seconds), the service staying up throughout. The
 * service's warm-up, BENCH_RUNS runs of another tenant, stays in the tables as the finished runs
 * a deployment holds, analyzed as the workers' statistics pass would: the plans PostgreSQL keeps
 * for the service's prepared statements are made for tables of that size, as in a deployment, not
 * for the empty tables a round would otherwise start from (where reading a run by its id scans
 * the table, growing with the round's runs). Each round then deletes its own runs; then
 * they alternate for BENCH_ROUNDS rounds (default 3), so that a change in the machine's load hits
 * both alike; medians are reported. BENCH_RUNS, BENCH_WORKER_PROCESSES and
 * BENCH_WORKER_CONCURRENCY change the load; BENCH_WORKER_NODE_ARGS passes options to the worker
 * processes' Node.js (`--cpu-prof` to profile them); BENCH_API_PROFILE=FILE writes a CPU profile
 * of the API's process (with its HTTP clients) over the measured service rounds only.
 *
 * Each round also reports the CPU time per run of each process of the service, as the kernel
 * counts it: the API's (with its clients), the worker processes', the PostgreSQL backends serving
 * each, and Redis's; and, for both peers, the scripts and commands Redis ran per run or job (its
 * own count, INFO commandstats). Unlike the rates, these hardly move with the machine's load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { buildApp } from '../../src/api/app.ts';
import type { Config } from '../../src/config/config.ts';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { finalRunStatuses } from '../../src/contracts/run-status.ts';
import { formatRate, formatRatio, median, printTable } from '../support/measure.ts';
import { clientPortsTo, CpuMeter } from '../support/process-cpu.ts';
import { RedisCommandMeter } from '../support/redis-commands.ts';
import { openServices } from '../support/services.ts';
import { benchConfig, runTables } from './environment.ts';

const runCount = Number(process.env.BENCH_RUNS ?? 2_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** Raw BullMQ's untimed jobs before its rounds. */
const warmupRuns = 500;
const clients = 32;
const workerConcurrency = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16);
const workerProcesses = Number(process.env.BENCH_WORKER_PROCESSES ?? 1);
const binary = fileURLToPath(new URL('../../bin/descent.js', import.meta.url));

const smallRun = {
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 200 },
  record: { every: 10 },
};

/** Runs `task` `total` times with `parallel` of them in flight at once. */
async function concurrently(total: number, parallel: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < total) await task(next++);
  }));
}

/** POSTs `body` (JSON) over `agent`; resolves to the status and the response text. */
function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** What a round asked of Redis per run or job (see RedisCommandMeter). */
type RedisUse = Awaited<ReturnType<RedisCommandMeter['perUnit']>>;

/**
 * Raw BullMQ: `count` no-op jobs added by `clients` concurrent producers and taken by one Worker;
 * resolves to jobs per second and what each job asked of Redis.
 */
async function rawBullmq(config: Config, count: number): Promise<{ rate: number; redis: RedisUse }> {
  // Plain ioredis as BullMQ's documentation sets it up: the peer owes nothing to the service's settings.
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const prefix = `${config.queuePrefix}-raw`;
  const queue = new Queue('noop', { connection, prefix });
  let completed = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker('noop', async () => undefined, { connection, prefix, concurrency: workerConcurrency * workerProcesses });
  worker.on('completed', () => {
    if (++completed === count) finished();
  });
  await worker.waitUntilReady();
  const redisUse = new RedisCommandMeter(connection);
  await redisUse.mark();
  const start = performance.now();
  await concurrently(count, clients, async (index) => {
    await queue.add('noop', { index }, { removeOnComplete: true });
  });
  await done;
  const seconds = (performance.now() - start) / 1000;
  const redis = await redisUse.perUnit(count);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return { rate: count / seconds, redis };
}

function startWorkerProcess(config: Config): ChildProcess {
  return spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), binary, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      WORKER_CONCURRENCY: String(workerConcurrency),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

interface ServiceRound {
  /** Runs per second, from the first POST to the last run's final status. */
  readonly rate: number;
  readonly completed: number;
  readonly metricRows: number;
  /** CPU milliseconds per run of each part of the service (see cpuParts). */
  readonly cpuPerRun: readonly number[];
  readonly redis: RedisUse;
}

/** The processes whose CPU a round counts, as the kernel does: robust to the machine's load, it explains the rate. */
const cpuParts = [
  'API (+ the HTTP clients)', 'worker process(es)', 'PostgreSQL serving the API', 'PostgreSQL serving the worker(s)', 'Redis server (all its clients)',
];

/** The service under test: the API on an ephemeral port and separate worker processes, kept up across rounds. */
async function startService(config: Config) {
  const services = openServices(config, 1);
  const { database, pool, redis, runsQueue } = services;
  const workers = Array.from({ length: workerProcesses }, () => startWorkerProcess(config));
  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const { key, apiKey } = await createApiKeyRepository(database).create(`bench-${randomUUID()}`);
  // The warm-up's tenant, whose runs stay as the deployment's history.
  const history = await createApiKeyRepository(database).create(`bench-history-${randomUUID()}`);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const body = JSON.stringify(smallRun);

  while ((await runsQueue.getWorkers()).length < workerProcesses) await new Promise((resolve) => setTimeout(resolve, 100));
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const postgresPort = Number(new URL(config.databaseUrl).port || 5432);
  // The backend of the benchmark's own polling connection is no part of the service.
  const pollingBackend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const workerPids = () => workers.map((worker) => worker.pid ?? 0);
  /** The PostgreSQL backends serving the connections of `pids`. */
  const backendsOf = async (pids: readonly number[]) => (await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> $2', [clientPortsTo(pids, postgresPort), pollingBackend])).rows.map((row) => row.pid);
  const meters = [
    new CpuMeter(() => [process.pid]),
    new CpuMeter(workerPids),
    new CpuMeter(() => backendsOf([process.pid])),
    new CpuMeter(() => backendsOf(workerPids())),
    new CpuMeter(() => [redisPid]),
  ];
  const redisUse = new RedisCommandMeter(redis);

  return {
    /**
     * Posts `count` runs from `clients` concurrent clients and waits for every final status;
     * `profileFile` receives a CPU profile of this process meanwhile. The runs are deleted after,
     * unless `kept` (the warm-up, whose runs are of the history tenant).
     */
    async round(count: number, { profileFile, kept = false }: { profileFile?: string; kept?: boolean } = {}): Promise<ServiceRound> {
      const tenant = kept ? history : { key, apiKey };
      const ids: string[] = [];
      const profiler = profileFile ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      await redisUse.mark();
      // The API's own meter is read last before and first after, so that reading the others is not counted in it.
      for (const meter of [...meters].reverse()) await meter.mark();
      const start = performance.now();
      await concurrently(count, clients, async () => {
        const response = await post(agent, `${base}/v1/runs`, { authorization: `Bearer ${tenant.key}` }, body);
        if (response.status !== 201) throw new Error(`POST /v1/runs answered ${response.status}: ${response.text}`);
        ids.push((JSON.parse(response.text) as { id: string }).id);
      });
      // Done when every run's final status is stored, as PostgreSQL says (asked every 10 ms).
      const finished = async () => Number((await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM runs WHERE tenant_id = $1 AND status = ANY($2::run_status[])', [tenant.apiKey.tenantId, finalRunStatuses])).rows[0].n);
      while ((await finished()) < count) await new Promise((resolve) => setTimeout(resolve, 10));
      const seconds = (performance.now() - start) / 1000;
      const cpuPerRun: number[] = [];
      for (const meter of meters) cpuPerRun.push((await meter.elapsed()) * 1000 / count);
      const redisPerRun = await redisUse.perUnit(count);
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        await writeFile(profileFile!, JSON.stringify(profile));
      }
      const runIds = ids;
      const completed = await database.run.count({ where: { id: { in: runIds }, status: 'completed' } });
      const metricRows = await database.runMetric.count({ where: { runId: { in: runIds } } });
      if (!kept) await database.run.deleteMany({ where: { id: { in: runIds } } });
      // Every round starts from tables without the previous round's dead rows, their statistics those of the history.
      await database.$executeRawUnsafe(`VACUUM (ANALYZE) ${runTables}`);
      return { rate: count / seconds, completed, metricRows, cpuPerRun, redis: redisPerRun };
    },

    async stop(): Promise<void> {
      agent.destroy();
      for (const worker of workers) worker.kill('SIGTERM');
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
      await app.close();
      await services.close();
    },
  };
}

export async function run(): Promise<void> {
  const config = await benchConfig();
  const service = await startService(config);
  // Both warm up first (JIT, prepared statements, connections), untimed; the service's runs stay as its history.
  await rawBullmq(config, warmupRuns);
  await service.round(runCount, { kept: true });
  const raw: number[] = [];
  const rates: number[] = [];
  const checks: string[] = [];
  const cpu: (readonly number[])[] = [];
  const rawCpu: number[] = [];
  const redisUses: { readonly service: RedisUse; readonly raw: RedisUse }[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    const rawRound = await rawBullmq(config, runCount);
    raw.push(rawRound.rate);
    const used = process.cpuUsage(before);
    rawCpu.push((used.user + used.system) / 1000 / runCount);
    const profileFile = process.env.BENCH_API_PROFILE && (rounds > 1 ? `${process.env.BENCH_API_PROFILE}.${round}` : process.env.BENCH_API_PROFILE);
    const measured = await service.round(runCount, { profileFile: profileFile || undefined });
    rates.push(measured.rate);
    cpu.push(measured.cpuPerRun);
    redisUses.push({ service: measured.redis, raw: rawRound.redis });
    checks.push(`${measured.completed}/${runCount} completed, ${measured.metricRows} metric rows (expected ${runCount * 20})`);
  }
  await service.stop();
  const ratio = median(rates) / median(raw);
  printTable(
    `(a) ${runCount} small runs, ${clients} concurrent clients, ${workerProcesses} worker process(es) × concurrency ${workerConcurrency} (API listening on an ephemeral port; median of ${rounds} alternating rounds)`,
    ['pipeline', 'per second', 'vs raw BullMQ', 'rounds'],
    [
      ['raw BullMQ no-op jobs', formatRate(median(raw)), formatRatio(1), raw.map(formatRate).join(', ')],
      ['API → queue → worker → Postgres runs', formatRate(median(rates)), formatRatio(ratio), rates.map(formatRate).join(', ')],
    ],
  );
  console.log(`per round: ${rates.map((rate, i) => `${(rate / raw[i]).toFixed(2)}×`).join(', ')}`);
  printTable(
    'CPU per run (median of the rounds)',
    ['process', 'CPU ms per run', 'rounds'],
    [
      ...cpuParts.map((part, i) => [part, median(cpu.map((round) => round[i])).toFixed(2), cpu.map((round) => round[i].toFixed(2)).join(', ')]),
      ['raw BullMQ: its producers and worker (per job)', median(rawCpu).toFixed(2), rawCpu.map((ms) => ms.toFixed(2)).join(', ')],
    ],
  );
  const redisRows = (peer: 'service' | 'raw', name: string) => (['scripts', 'commands'] as const).map((kind) => [
    `${name}: ${kind === 'scripts' ? 'scripts called (EVALSHA)' : 'commands, the scripts\' own included'}`,
    median(redisUses.map((use) => use[peer][kind])).toFixed(2),
    redisUses.map((use) => use[peer][kind].toFixed(2)).join(', '),
  ]);
  printTable('Redis per run or job, as INFO commandstats counts it (median of the rounds)', ['peer', 'per run', 'rounds'], [
    ...redisRows('service', 'API → queue → worker'),
    ...redisRows('raw', 'raw BullMQ'),
  ]);
  for (const check of checks) console.log(`checked: ${check}`);
  console.log(`target: runs ≥ 0.2× raw BullMQ → ${ratio.toFixed(2)}×`);
}
