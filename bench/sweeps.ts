/**
 * Sweep benchmarks, against Optuna 3.1 measured in the same run (Debian's python3-optuna;
 * python3-psycopg2 for its RDB storage: installed here with apt-get when missing).
 *
 * (a) Overhead per trial: a TPE sweep of trials that do no work (one update of a 2-D
 *     expression), through API → coordinator → runs queue → worker → PostgreSQL, against Optuna's
 *     TPE with its RDB storage on the same PostgreSQL and with its in-memory storage; the three
 *     measured in turn, over several rounds (medians, with the machine's load average), ours on a
 *     service kept up across the rounds, after unmeasured warm-up sweeps (2,000 trials: the
 *     service's CPU per trial falls by about a third over its first couple of thousand trials, as
 *     V8 optimises its hot paths, and is flat after; a deployment serves far more, and the first
 *     and last warm-up sweeps are printed; the run tables are then analyzed, as autovacuum would
 *     have done by then). The sweep's end is awaited on its event stream, as a client
 *     follows it, not by polling the database. With ours, the CPU per trial of this process (the
 *     API, the coordinators, the workers) and of the bench database's backends, as the kernel
 *     counts them: unlike the times, they hardly move with the machine's load.
 * (b) Quality: best value after 25, 50 and 100 trials of our TPE against Optuna's TPE on the same
 *     objective (median over seeds).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/app.ts';
import { createApiKeyRepository } from '../src/db/api-keys.ts';
import { createDatabase } from '../src/db/client.ts';
import { createPool } from '../src/db/pool.ts';
import { closeRedis, createRedis } from '../src/queue/connection.ts';
import { createRunsQueue } from '../src/queue/runs-queue.ts';
import { createSweepsQueue } from '../src/queue/sweeps-queue.ts';
import { sweepChannel } from '../src/queue/sweep-events.ts';
import { createSweepRepository } from '../src/db/sweeps.ts';
import { isFinalSweepStatus } from '../src/contracts/sweep-view.ts';
import { createRunProcessor } from '../src/worker/processors/run.ts';
import { createSweepProcessor } from '../src/worker/processors/sweep.ts';
import { startSweepWorker } from '../src/worker/sweep-worker.ts';
import { startWorker } from '../src/worker/worker.ts';
import { createSampler, searchSpaceSchema, toSearchSpace, trialRandom, type ObservedTrial, type ParameterValues } from '../src/core/sweep/index.ts';
import { benchConfig, benchDatabaseUrl } from './service/environment.ts';
import { createTableStatistics } from '../src/db/table-statistics.ts';
import { CpuMeter } from './support/process-cpu.ts';

const python = '/usr/bin/python3';
const execFileAsync = promisify(execFile);
const peer = fileURLToPath(new URL('./sweeps/optuna-peer.py', import.meta.url));
const overheadTrials = Number(process.env.SWEEP_BENCH_TRIALS ?? 200);
const seeds = Number(process.env.SWEEP_BENCH_SEEDS ?? 7);
const rounds = Number(process.env.SWEEP_BENCH_ROUNDS ?? 3);
/** Warm-up sweeps of `overheadTrials` each, then as many trials again; not counted (see (a) above). */
const warmUpSweeps = Number(process.env.SWEEP_BENCH_WARM_UP_SWEEPS ?? Math.ceil(2_000 / overheadTrials));
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function ensurePeers(): void {
  if (!existsSync('/usr/lib/python3/dist-packages/optuna')) execFileSync('apt-get', ['install', '-y', 'python3-optuna'], { stdio: 'ignore' });
  if (!existsSync('/usr/lib/python3/dist-packages/psycopg2')) execFileSync('apt-get', ['install', '-y', 'python3-psycopg2'], { stdio: 'ignore' });
}

/**
 * Runs Optuna's peer in a child process without blocking this one: the service under test lives
 * in this process, and a deployment's event loop is never held for the seconds a peer takes.
 */
async function optuna(args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(python, [peer, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

/** Per trial: seconds, and the CPU seconds of this process (API, coordinators, workers) and of the database's backends. */
interface Overhead {
  readonly seconds: number;
  readonly serviceCpu: number;
  readonly databaseCpu: number;
}

/**
 * The service under test, kept up across rounds as a deployment is (connections open, statements
 * prepared, code compiled), as Optuna's peer opens its storage before its clock starts: the API,
 * and two worker apps each with a sweep coordinator and a run worker, in this process.
 */
async function startService() {
  const config = await benchConfig();
  const database = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  const workers = await Promise.all([0, 1].map(async () => {
    const pool = createPool(config.databaseUrl, config.workerConcurrency + 2);
    const connection = createRedis(config.redisUrl, 'wait-for-redis');
    const sweepsQueue = createSweepsQueue(connection, config.queuePrefix);
    const coordinator = createSweepProcessor({ pool, redis: connection, queuePrefix: config.queuePrefix, runsQueue, sweepsQueue });
    const sweeps = await startSweepWorker({ config, connection, logger: silent, processor: coordinator });
    const runs = await startWorker({ config, connection, logger: silent, processors: { run: createRunProcessor({ database, pool, redis: connection, queuePrefix: config.queuePrefix, sweepsQueue, sweeps: coordinator }) } });
    return async () => {
      await runs.close();
      await sweeps.close();
      await coordinator.close();
      await sweepsQueue.close();
      await closeRedis(connection);
      await pool.end();
    };
  }));
  const { key } = await createApiKeyRepository(database).create(`bench-${Date.now()}`);
  const events = createRedis(config.redisUrl, 'fail-fast');
  const statusPool = createPool(config.databaseUrl, 1);
  const sweeps = createSweepRepository(statusPool);
  const service = new CpuMeter(() => [process.pid]);
  // The bench database's backends: the service's pools, and the status reads below.
  const backends = new CpuMeter(async () => (await statusPool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((row) => row.pid));

  return {
    /** One sweep of `trials` no-op trials, from its POST to its final status as its event stream tells it. */
    async overhead(trials = overheadTrials): Promise<Overhead> {
      const body = {
        base: { objective: { type: 'expression', expression: 'x^2 + y^2', variables: ['x', 'y'], initial: [1, 1] }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1 } },
        parameters: { 'optimizer.learningRate': { type: 'float', low: 1e-4, high: 1, log: true } },
        sampler: { type: 'tpe', seed: 1 },
        budget: { maxTrials: trials },
        parallelism: 8,
      };
      let ended: () => void = () => undefined;
      const end = new Promise<void>((resolve) => (ended = resolve));
      const onMessage = (_channel: string, message: string) => {
        const event = JSON.parse(message) as { type: string; status?: string };
        if (event.type === 'sweep' && isFinalSweepStatus(event.status ?? '')) ended();
      };
      events.on('message', onMessage);
      await backends.mark();
      await service.mark();
      const start = performance.now();
      const response = await app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: `Bearer ${key}` }, payload: body });
      const id = response.json().id as string;
      await events.subscribe(sweepChannel(id));
      // An end published before the subscription took hold is read from the database instead (and then every second, should an event be lost).
      for (;;) {
        if (isFinalSweepStatus((await sweeps.findById(id))!.status)) break;
        const timedOut = await Promise.race([end.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1_000))]);
        if (!timedOut) break;
      }
      const seconds = (performance.now() - start) / 1000;
      const serviceCpu = await service.elapsed();
      const databaseCpu = await backends.elapsed();
      await events.unsubscribe(sweepChannel(id));
      events.off('message', onMessage);
      return { seconds: seconds / trials, serviceCpu: serviceCpu / trials, databaseCpu: databaseCpu / trials };
    },

    /** The tables' statistics brought up to date by the pass a deployment's workers make every minute (or autovacuum). */
    async analyze(): Promise<void> {
      await createTableStatistics(statusPool).refresh();
    },

    async stop(): Promise<void> {
      await closeRedis(events);
      await statusPool.end();
      for (const close of workers) await close();
      await app.close();
      await runsQueue.obliterate({ force: true });
      await runsQueue.close();
      await closeRedis(redis);
      await database.$disconnect();
    },
  };
}

function objective(values: ParameterValues): number {
  const x = values.x as number;
  const y = values.y as number;
  const z = values.z as number;
  const u = 0.8 * (x - 1) + 0.6 * (y + 2);
  const v = -0.6 * (x - 1) + 0.8 * (y + 2);
  return u * u + 10 * v * v + (z - 0.5) ** 2 + 0.5 * (1 - Math.cos(3 * x));
}

function ourQuality(): Record<'25' | '50' | '100', number[]> {
  const space = toSearchSpace(searchSpaceSchema.parse({ x: { type: 'float', low: -5, high: 5 }, y: { type: 'float', low: -5, high: 5 }, z: { type: 'float', low: -5, high: 5 } }));
  const result: Record<'25' | '50' | '100', number[]> = { 25: [], 50: [], 100: [] };
  for (let seed = 1; seed <= seeds; seed++) {
    const sampler = createSampler({ type: 'tpe', seed, startupTrials: 10, nEiCandidates: 24, gamma: 0.1, gammaMax: 25, considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, multivariate: false, constantLiar: false }, space);
    const trials: ObservedTrial[] = [];
    for (let n = 0; n < 100; n++) {
      const parameters = sampler.suggest({ trialNumber: n, trials, goal: 'minimize', random: trialRandom(seed, n) });
      trials.push({ number: n, state: 'complete', parameters, value: objective(parameters), lastStep: null, lastValue: null });
    }
    for (const budget of [25, 50, 100] as const) result[budget].push(Math.min(...trials.slice(0, budget).map((t) => t.value!)));
  }
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (seconds: number) => `${(seconds * 1000).toFixed(2)} ms`;

ensurePeers();
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`(a) overhead per trial: ${overheadTrials} TPE trials that do no work, ${rounds} round(s) after ${warmUpSweeps} warm-up sweep(s) of as many (not counted); load average ${load()}`);
// The service runs for long: its code is compiled, optimised and warm when a sweep comes, as Optuna's peer has imported everything before its clock starts.
const service = await startService();
for (let sweep = 1; sweep <= warmUpSweeps; sweep++) {
  const { seconds, serviceCpu, databaseCpu } = await service.overhead();
  if (sweep === 1 || sweep === warmUpSweeps) console.log(`  warm-up sweep ${sweep} (not counted): Descent ${ms(seconds)}   Descent's CPU: service ${ms(serviceCpu)}, PostgreSQL ${ms(databaseCpu)}`);
}
// The warm-up's trials would have had autovacuum, or where it is off the workers' statistics pass
// (src/db/table-statistics.ts, which this service of the bench's own does not start), analyze the
// runs table several times over, and PostgreSQL would then have planned the service's prepared
// statements again; one pass here stands for them. Without it their generic plans stay those made
// on the empty table's statistics during the first warm-up sweep, and PostgreSQL's CPU per trial
// grows with the trials served (2.2 to 4.4 ms over 8,000 trials).
await service.analyze();
const figures: { ours: number; rdb: number; memory: number; serviceCpu: number; databaseCpu: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  const { seconds: ours, serviceCpu, databaseCpu } = await service.overhead();
  const rdb = (await optuna(['overhead', String(overheadTrials), benchDatabaseUrl.replace(/^postgresql:/, 'postgresql+psycopg2:')]) as { secondsPerTrial: number }).secondsPerTrial;
  const memory = (await optuna(['overhead', String(overheadTrials), 'memory']) as { secondsPerTrial: number }).secondsPerTrial;
  figures.push({ ours, rdb, memory, serviceCpu, databaseCpu });
  console.log(`  round ${round}: Descent ${ms(ours)}   Optuna-RDB ${ms(rdb)} (ratio ${(ours / rdb).toFixed(3)})   Optuna-memory ${ms(memory)} (ratio ${(ours / memory).toFixed(2)})   `
    + `Descent's CPU: service ${ms(serviceCpu)}, PostgreSQL ${ms(databaseCpu)}   load ${load()}`);
}
await service.stop();
const ours = median(figures.map((f) => f.ours));
const rdb = median(figures.map((f) => f.rdb));
const memory = median(figures.map((f) => f.memory));
console.log(`  medians over ${rounds} round(s):`);
console.log(`  Descent (API, coordinator, 2 workers, PostgreSQL): ${ms(ours)}   CPU per trial: service process ${ms(median(figures.map((f) => f.serviceCpu)))}, PostgreSQL backends ${ms(median(figures.map((f) => f.databaseCpu)))}`);
console.log(`  Optuna, RDB storage on the same PostgreSQL:         ${ms(rdb)}   ratio Descent/Optuna-RDB ${(ours / rdb).toFixed(3)} (per-round median ${median(figures.map((f) => f.ours / f.rdb)).toFixed(3)}; target ≤ 0.1)`);
console.log(`  Optuna, in memory:                                  ${ms(memory)}   ratio Descent/Optuna-memory ${(ours / memory).toFixed(2)} (per-round median ${median(figures.map((f) => f.ours / f.memory)).toFixed(2)}; target ≤ 2)`);

console.log(`\n(b) quality: best value after 25/50/100 trials, median over ${seeds} seeds (lower is better)`);
const ourBest = ourQuality();
const theirBest = (await optuna(['quality', String(seeds)])) as Record<string, number[]>;
for (const budget of ['25', '50', '100'] as const) {
  console.log(`  ${budget.padStart(3)} trials: Descent TPE ${median(ourBest[budget]).toPrecision(4)}   Optuna TPE ${median(theirBest[budget]).toPrecision(4)}`);
}
process.exit(0);
