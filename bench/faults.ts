/**
 * `npm run bench:faults`: the service through faults, in one run, over a PostgreSQL and a Redis
 * of its own (started here on free ports, crashed and restarted here; the machine's own servers
 * are never touched), with the API on an ephemeral port and two worker processes.
 *
 * (a) Outages: a long run that records every step while PostgreSQL is crashed for
 *     FAULTS_OUTAGE_SECONDS (default 60), then Redis, then one worker is killed; meanwhile a
 *     client keeps submitting small runs, retrying a 503 after `Retry-After` with the same
 *     `Idempotency-Key`. Reports whether each outage was survived (the long run completes with
 *     the parameters of an uninterrupted run) and how many runs were stranded (target 0).
 * (b) Fairness: tenant A queues 500 runs, then tenant B one; reports B's wait in the queue and how
 *     many of A's runs started before it.
 * (c) Load: 32 clients of mixed requests for 15 s; reports p50 and p99 latency and any 5xx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/app.ts';
import { loadConfig, type Config } from '../src/config/config.ts';
import { finalRunStatuses } from '../src/contracts/run-status.ts';
import { runSpecSchema } from '../src/contracts/run-spec.ts';
import { iterateRun } from '../src/core/training/index.ts';
import { createApiKeyRepository } from '../src/db/api-keys.ts';
import { createDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrator.ts';
import { closeRedis, createRedis } from '../src/queue/connection.ts';
import { createRunsQueue } from '../src/queue/runs-queue.ts';
import { startPrivatePostgres, startPrivateRedis } from '../test/integration/support/private-services.ts';
import { median, percentile, printTable } from './support/measure.ts';

const outageSeconds = Number(process.env.FAULTS_OUTAGE_SECONDS ?? 60);
const binary = fileURLToPath(new URL('../bin/descent.js', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Long enough to span both outages, recording every step and its parameters. */
const longSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.0001 },
  training: { maxSteps: 400_000 },
  record: { every: 1, params: true },
};
const smallSpec = { objective: { type: 'benchmark', name: 'sphere' }, optimizer: { name: 'sgd', learningRate: 0.05 }, training: { maxSteps: 2_000 }, record: { every: 100 } };

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
}

function client(base: string, key: string) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, { method, headers: { ...headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
}

function startWorker(config: Config): ChildProcess {
  return spawn(process.execPath, [binary, 'worker'], {
    env: {
      ...process.env, DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.queuePrefix,
      WORKER_CONCURRENCY: '2', WORKER_LOCK_DURATION_MS: '5000', WORKER_STALLED_INTERVAL_MS: '2000', RECONCILE_INTERVAL_MS: '2000', LOG_LEVEL: 'fatal',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function main(): Promise<void> {
  const postgres = await startPrivatePostgres();
  const redisServer = await startPrivateRedis({ persistent: true });
  const config = loadConfig({
    ...process.env, DATABASE_URL: postgres.url, REDIS_URL: redisServer.url, QUEUE_PREFIX: 'bench-faults', LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000', TENANT_MAX_ACTIVE_RUNS: '100000',
  });
  await migrate({ databaseUrl: config.databaseUrl });
  const database = createDatabase(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'fail-fast');
  const runsQueue = createRunsQueue(redis, config.queuePrefix);
  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const keys = createApiKeyRepository(database);
  const tenantA = client(base, (await keys.create(`bench-a-${randomUUID()}`)).key);
  const tenantB = client(base, (await keys.create(`bench-b-${randomUUID()}`)).key);
  const workers = [startWorker(config), startWorker(config)];
  const alive = () => workers.filter((worker) => worker.exitCode === null && worker.signalCode === null).length;
  const view = async (api: typeof tenantA, id: string) => {
    for (;;) {
      const answer = await api('GET', `/v1/runs/${id}`).catch(() => null);
      if (answer?.status === 200) return JSON.parse(answer.body) as { status: string; result: { params: number[] | null } | null; startedAt: string | null; createdAt: string };
      await sleep(500);
    }
  };
  const untilFinal = async (api: typeof tenantA, id: string, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const run = await view(api, id);
      if (finalRunStatuses.includes(run.status as never) || Date.now() > until) return run;
      await sleep(200);
    }
  };

  // (a) Outages, with a client submitting throughout.
  const submitted: string[] = [];
  let submitting = true;
  let refusals = 0;
  const submitter = (async () => {
    while (submitting) {
      const key = randomUUID();
      for (;;) {
        const answer = await tenantA('POST', '/v1/runs', smallSpec, { 'idempotency-key': key }).catch(() => null);
        if (answer?.status === 201) {
          submitted.push((JSON.parse(answer.body) as { id: string }).id);
          break;
        }
        refusals++;
        await sleep(Number(answer?.headers.get('retry-after') ?? 1) * 1000);
      }
      await sleep(250);
    }
  })();
  const long = await tenantA('POST', '/v1/runs', longSpec);
  const longId = (JSON.parse(long.body) as { id: string }).id;
  while ((await view(tenantA, longId)).status !== 'running') await sleep(50);
  await sleep(500);
  await postgres.stop('immediate');
  await sleep(outageSeconds * 1000);
  const aliveAfterPostgres = alive();
  await postgres.start();
  await sleep(2_000);
  await redisServer.kill();
  await sleep(outageSeconds * 1000);
  const aliveAfterRedis = alive();
  await redisServer.start();
  await sleep(2_000);
  workers[0]!.kill('SIGKILL');
  workers.push(startWorker(config));
  await sleep(5_000);
  submitting = false;
  await submitter;
  const longRun = await untilFinal(tenantA, longId, 240_000);
  const reference = iterateRun(runSpecSchema.parse(longSpec));
  for (const _ of reference.records()) void _;
  const identical = longRun.status === 'completed' && JSON.stringify(longRun.result?.params) === JSON.stringify(reference.result!.params);
  const finals = await Promise.all(submitted.map((id) => untilFinal(tenantA, id, 120_000)));
  const stranded = finals.filter((run) => !finalRunStatuses.includes(run.status as never)).length + (finalRunStatuses.includes(longRun.status as never) ? 0 : 1);
  printTable(`(a) outages of ${outageSeconds} s mid-run, a worker killed, a client submitting throughout`, ['fault', 'result'], [
    ['PostgreSQL crashed', `${outageSeconds} s: ${aliveAfterPostgres}/2 workers alive after it`],
    ['Redis crashed', `${outageSeconds} s: ${aliveAfterRedis}/2 workers alive after it`],
    ['long run (400,000 steps, every step recorded)', `${longRun.status}, ${identical ? 'parameters bit-identical to an uninterrupted run' : 'parameters DIFFER from an uninterrupted run'}`],
    ['runs submitted meanwhile', `${submitted.length} (${refusals} answers 503 or unreachable, retried after Retry-After)`],
    ['runs stranded (not final)', String(stranded)],
  ]);

  // (b) Fairness: A's backlog of 500, then B's single run.
  const backlogSpec = { ...smallSpec, training: { maxSteps: 20_000 } };
  const backlog = (await Promise.all(Array.from({ length: 500 }, () => tenantA('POST', '/v1/runs', backlogSpec))))
    .map((answer) => (JSON.parse(answer.body) as { id: string }).id);
  const single = JSON.parse((await tenantB('POST', '/v1/runs', smallSpec)).body) as { id: string };
  const bRun = await untilFinal(tenantB, single.id, 300_000);
  const arrived = Date.parse(bRun.createdAt);
  const bStarted = Date.parse(bRun.startedAt!);
  const aRuns = await Promise.all(backlog.map((id) => untilFinal(tenantA, id, 240_000)));
  const aStarts = aRuns.map((run) => Date.parse(run.startedAt!));
  // A's runs still waiting when B's arrived, and those of them that started before it.
  const waiting = aStarts.filter((start) => start > arrived);
  const startedBefore = waiting.filter((start) => start < bStarted).length;
  const sorted = [...aStarts].sort((x, y) => x - y);
  const perRun = (sorted.at(-1)! - sorted[0]!) / 1000 / (sorted.length - 1);
  printTable("(b) tenant B's single run submitted behind tenant A's 500 (2 workers × 2 slots)", ['measure', 'value'], [
    ["A's runs waiting when B's arrived", String(waiting.length)],
    ["B's wait in the queue", `${((bStarted - arrived) / 1000).toFixed(2)} s`],
    ["A's waiting runs started before it", String(startedBefore)],
    ['its wait in arrival order (behind all of them, at the measured pace)', `about ${(waiting.length * perRun).toFixed(1)} s`],
  ]);

  // (c) 32 clients of mixed requests for 15 s.
  const latencies: number[] = [];
  let serverErrors = 0;
  const until = performance.now() + 15_000;
  const someRuns = backlog.slice(0, 50);
  await Promise.all(Array.from({ length: 32 }, async (_, c) => {
    for (let i = 0; performance.now() < until; i++) {
      const id = someRuns[(c * 7 + i) % someRuns.length]!;
      const requests = [
        () => tenantA('GET', '/v1/runs?limit=20'),
        () => tenantA('GET', `/v1/runs/${id}`),
        () => tenantA('GET', `/v1/runs/${id}/metrics?limit=100`),
        () => tenantA('POST', '/v1/runs', smallSpec),
        () => fetch(`${base}/healthz`).then(async (response) => ({ status: response.status, body: await response.text(), headers: response.headers })),
      ];
      const start = performance.now();
      const answer = await requests[(c + i) % requests.length]!();
      latencies.push(performance.now() - start);
      if (answer.status >= 500) serverErrors++;
    }
  }));
  printTable('(c) 32 clients, mixed reads, submissions and /healthz for 15 s', ['requests', 'per second', 'p50', 'p99', '5xx'], [[
    String(latencies.length), (latencies.length / 15).toFixed(0), `${median(latencies).toFixed(1)} ms`, `${percentile(latencies, 99).toFixed(1)} ms`, String(serverErrors),
  ]]);

  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGTERM');
  await Promise.all(workers.map((worker) => (worker.exitCode === null && worker.signalCode === null ? new Promise((resolve) => worker.once('exit', resolve)) : undefined)));
  await app.close();
  await runsQueue.close();
  await closeRedis(redis);
  await database.$disconnect();
  await redisServer.close();
  await postgres.close();
}

await main();
process.exit(0);
