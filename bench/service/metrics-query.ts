/**
 * (c) Latency of `GET /v1/runs/{id}/metrics?maxPoints=1000` on a 1,000,000-step run while a
 * second run is being written by the worker's metrics writer, over real HTTP. The ceiling it is
 * compared with, measured in the same run: a plain SQL bucket aggregate over the same 1M rows
 * (what a query without ingest-time rollups would have to do per request).
 *
 * Both runs' rows come from the real core (2-D Rosenbrock, Adam, every step recorded with its
 * parameters) and go through the worker's writer (COPY + rollups + checkpoint per slice); the
 * second run is written by a process of its own, as a worker would, as fast as it can.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/api/app.ts';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { createMetricsQuery } from '../../src/db/metrics-query.ts';
import { metricFields } from '../../src/contracts/metric-fields.ts';
import { formatRatio, median, percentile, printTable } from '../support/measure.ts';
import { openServices } from '../support/services.ts';
import { benchConfig } from './environment.ts';
import { rosenbrockSpec, writeRun } from './run-writer.ts';

const longRunSteps = Number(process.env.BENCH_QUERY_STEPS ?? 1_000_000);
const requests = Number(process.env.BENCH_QUERY_REQUESTS ?? 300);
const concurrency = 4;

export async function run(): Promise<void> {
  const config = await benchConfig();
  const services = openServices(config, 4);
  const { database, pool, redis, runsQueue } = services;
  const { key, apiKey } = await createApiKeyRepository(database).create(`bench-query-${randomUUID()}`);
  const createRun = async (maxSteps: number) =>
    (await database.run.create({ data: { tenantId: apiKey.tenantId, spec: rosenbrockSpec(maxSteps) as object, status: 'running' } })).id;

  const longRun = await createRun(longRunSteps);
  const loadStart = process.hrtime.bigint();
  await writeRun(pool, longRun, rosenbrockSpec(longRunSteps), 20_000);
  // What autovacuum would have done by now on a server that has been up for a while.
  await pool.query('ANALYZE run_metrics; ANALYZE metric_rollups');
  const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
  console.log(`\n(c) metrics query: loaded a ${longRunSteps.toLocaleString('en')}-step run in ${loadSeconds.toFixed(1)} s`);

  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${base}/v1/runs/${longRun}/metrics?maxPoints=1000`;
  // A distinct query string per request (`to` past the last step changes nothing in the answer)
  // defeats the page cache, so these requests measure the query itself.
  let coldQueries = 0;
  const coldUrl = () => `${url}&to=${longRunSteps + ++coldQueries}`;
  const headers = { authorization: `Bearer ${key}` };

  // The second run, written continuously by a process of its own while the queries run.
  const secondRun = await createRun(50_000_000);
  const writerProcess = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./run-writer.ts', import.meta.url)), secondRun, '50000000', '1000'],
    { env: { ...process.env, DATABASE_URL: config.databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  let writerOutput = '';
  writerProcess.stdout.on('data', (chunk) => (writerOutput += chunk));
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const timed = async (init?: RequestInit, target = url): Promise<{ ms: number; status: number; etag: string | null; points: number }> => {
    const start = process.hrtime.bigint();
    const response = await fetch(target, { headers, ...init });
    const text = await response.text();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, status: response.status, etag: response.headers.get('etag'), points: response.status === 200 ? JSON.parse(text).points.length : 0 };
  };
  for (let i = 0; i < 10; i++) await timed(undefined, coldUrl());

  const sequential: number[] = [];
  let points = 0;
  for (let i = 0; i < requests; i++) {
    const result = await timed(undefined, coldUrl());
    if (result.status !== 200) throw new Error(`metrics query answered ${result.status}`);
    points = result.points;
    sequential.push(result.ms);
  }
  const concurrent: number[] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < requests / concurrency; i++) concurrent.push((await timed(undefined, coldUrl())).ms);
  }));
  // The query's SQL alone, through the same module the route uses.
  const metricsQuery = createMetricsQuery(pool);
  const sqlAlone: number[] = [];
  for (let i = 0; i < requests / 3; i++) {
    const start = process.hrtime.bigint();
    await metricsQuery.downsample(longRun, { fields: [...metricFields].filter((f) => f !== 'params'), from: 1, to: longRunSteps, maxPoints: 1000 });
    sqlAlone.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const repeated: number[] = [];
  for (let i = 0; i < requests; i++) repeated.push((await timed()).ms);
  const { etag } = await timed();
  const notModified: number[] = [];
  for (let i = 0; i < requests; i++) {
    const result = await timed({ headers: { ...headers, 'if-none-match': etag ?? '' } });
    if (result.status !== 304) throw new Error(`conditional query answered ${result.status}`);
    notModified.push(result.ms);
  }

  // The ceiling: one plain aggregate of 1,000 buckets over every row of the long run.
  const scan: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = process.hrtime.bigint();
    await pool.query(
      `SELECT width_bucket(step, 1, $2 + 1, 1000) AS b, min(step), max(step), avg(loss), min(loss), max(loss),
              avg(grad_norm), min(grad_norm), max(grad_norm)
         FROM run_metrics WHERE run_id = $1 GROUP BY b ORDER BY b`, [longRun, longRunSteps]);
    if (i >= 2) scan.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  writerProcess.kill('SIGTERM');
  await once(writerProcess, 'exit');
  const secondRows = Number(writerOutput.trim()) || 0;
  await app.close();

  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const row = (name: string, samples: number[]) => [name, String(samples.length), ms(median(samples)), ms(percentile(samples, 99)), ms(Math.max(...samples))];
  printTable(`(c) GET /v1/runs/{id}/metrics?maxPoints=1000 on ${longRunSteps.toLocaleString('en')} steps (${points} buckets) while another run is written`,
    ['request', 'samples', 'p50', 'p99', 'max'],
    [
      row('new query, sequential', sequential),
      row(`new query, ${concurrency} concurrent clients`, concurrent),
      row('repeated query (page cache)', repeated),
      row('its SQL alone (downsample)', sqlAlone),
      row('If-None-Match → 304', notModified),
      row('plain SQL aggregate (ceiling)', scan),
    ]);
  console.log(`ratio plain aggregate p50 / API p50 (new query): ${formatRatio(median(scan) / median(sequential))}; `
    + `API p99 ${ms(percentile(sequential, 99))} for a new query, ${ms(percentile(repeated, 99))} repeated (target < 100 ms); `
    + `second run wrote ${secondRows.toLocaleString('en')} rows meanwhile`);

  await database.run.deleteMany({ where: { id: { in: [longRun, secondRun] } } });
  await services.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
