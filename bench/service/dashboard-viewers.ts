/**
 * (c′) Dashboards watching one live run, and (e) the same dashboards on two API processes.
 *
 * A 1,000,000-step run (2-D Rosenbrock, Adam, every step recorded) is loaded through the
 * worker's writer, then kept growing by a writer process of its own (a slice of 1,000 steps
 * every 250 ms, as a worker slices a live run), while a second run is written as fast as it can
 * by another process. The API runs as real `descent serve` processes, so the viewers' HTTP
 * clients do not share its event loop.
 *
 * (c′) 4, 16 and 64 viewers each poll `GET /v1/runs/{id}/metrics?maxPoints=1000` once a second
 * with `If-None-Match` (what the dashboard does), for BENCH_VIEW_SECONDS (default 15) each. The
 * run's revision changes four times a second, so most polls need a new page: the cost of a
 * revision should be paid once, not once per viewer. Reported: p50/p99/max of every request.
 *
 * (e) 64 viewers asking as fast as they can (closed loop: the run view, the run list and the
 * downsampled metrics, each with its ETag) against one API process, then spread over two;
 * throughput and p99, and whether both processes give the same answer and ETag.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { createDatabase } from '../../src/db/client.ts';
import { createPool } from '../../src/db/pool.ts';
import { formatRate, formatRatio, median, percentile, printTable } from '../support/measure.ts';
import { startApiProcess, type ApiProcess } from './api-processes.ts';
import { benchConfig } from './environment.ts';
import { rosenbrockSpec, writeRun } from './run-writer.ts';

const longRunSteps = Number(process.env.BENCH_QUERY_STEPS ?? 1_000_000);
const viewSeconds = Number(process.env.BENCH_VIEW_SECONDS ?? 15);
const viewerCounts = [4, 16, 64];
const closedLoopViewers = 64;
const writerScript = fileURLToPath(new URL('./run-writer.ts', import.meta.url));

interface Answer {
  readonly ms: number;
  readonly status: number;
  readonly etag: string | null;
  readonly body: string;
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<Answer> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const call = request(url, { agent, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        status: response.statusCode ?? 0,
        etag: (response.headers.etag as string | undefined) ?? null,
        body,
      }));
    });
    call.on('error', reject);
    call.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `viewers` dashboards polling `url` every second with If-None-Match for `seconds`. */
async function pollingViewers(urls: readonly string[], viewers: number, seconds: number, headers: Record<string, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: viewers });
  const samples: number[] = [];
  let modified = 0;
  let notModified = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: viewers }, async (_, viewer) => {
    const url = urls[viewer % urls.length];
    let etag: string | null = null;
    await sleep(Math.random() * 1000);
    while (Date.now() < end) {
      const started = Date.now();
      const answer = await get(agent, url, etag ? { ...headers, 'if-none-match': etag } : headers);
      if (answer.status === 200) modified++;
      else if (answer.status === 304) notModified++;
      else throw new Error(`metrics answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      etag = answer.etag ?? etag;
      samples.push(answer.ms);
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  }));
  agent.destroy();
  return { samples, modified, notModified };
}

/** `viewers` clients asking in a closed loop for `seconds`, round-robin over `bases`. */
async function closedLoop(bases: readonly string[], paths: readonly string[], viewers: number, seconds: number, headers: Record<string, string>) {
  const agents = bases.map(() => new Agent({ keepAlive: true, maxSockets: viewers }));
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: viewers }, async (_, viewer) => {
    const server = viewer % bases.length;
    const etags = new Map<string, string>();
    for (let i = viewer; Date.now() < end; i++) {
      const path = paths[i % paths.length];
      const etag = etags.get(path);
      const answer = await get(agents[server], `${bases[server]}${path}`, etag ? { ...headers, 'if-none-match': etag } : headers);
      if (answer.status !== 200 && answer.status !== 304) throw new Error(`${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      if (answer.etag) etags.set(path, answer.etag);
      samples.push(answer.ms);
    }
  }));
  for (const agent of agents) agent.destroy();
  return { samples, rate: samples.length / seconds };
}

export async function run(): Promise<void> {
  const config = await benchConfig();
  const database = createDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 4);
  const { key, apiKey } = await createApiKeyRepository(database).create(`bench-viewers-${randomUUID()}`);
  const headers = { authorization: `Bearer ${key}` };
  const createRun = async (maxSteps: number) =>
    (await database.run.create({ data: { tenantId: apiKey.tenantId, spec: rosenbrockSpec(maxSteps) as object, status: 'running' } })).id;

  const liveMaxSteps = 50_000_000;
  const liveRun = await createRun(liveMaxSteps);
  const loadStart = process.hrtime.bigint();
  await writeRun(pool, liveRun, rosenbrockSpec(liveMaxSteps), 20_000, (() => {
    let slices = 0;
    return () => slices++ * 20_000 < longRunSteps;
  })());
  await pool.query('ANALYZE run_metrics; ANALYZE metric_rollups');
  console.log(`\n(c′, e) loaded a ${longRunSteps.toLocaleString('en')}-step run in ${(Number(process.hrtime.bigint() - loadStart) / 1e9).toFixed(1)} s`);
  const lastLoaded = Number((await pool.query('SELECT max(step) AS step FROM run_metrics WHERE run_id = $1', [liveRun])).rows[0].step);

  const writers = [
    spawn(process.execPath, [...process.execArgv, writerScript, liveRun, String(liveMaxSteps), '1000', String(lastLoaded), '250'],
      { env: { ...process.env, DATABASE_URL: config.databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] }),
    spawn(process.execPath, [...process.execArgv, writerScript, await createRun(liveMaxSteps), String(liveMaxSteps), '1000'],
      { env: { ...process.env, DATABASE_URL: config.databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] }),
  ];
  const apis: ApiProcess[] = [await startApiProcess(config), await startApiProcess(config)];
  try {
    const metricsPath = `/v1/runs/${liveRun}/metrics?maxPoints=1000`;
    const ms = (value: number) => `${value.toFixed(1)} ms`;

    const rows: string[][] = [];
    for (const viewers of viewerCounts) {
      const { samples, modified, notModified } = await pollingViewers([`${apis[0].url}${metricsPath}`], viewers, viewSeconds, headers);
      rows.push([String(viewers), String(samples.length), `${modified} / ${notModified}`, ms(median(samples)), ms(percentile(samples, 99)), ms(Math.max(...samples))]);
    }
    printTable(`(c′) ${metricsPath.replace(liveRun, '{id}')} on a live ${longRunSteps.toLocaleString('en')}-step run (a slice every 250 ms), each viewer polling once a second with If-None-Match, while another run is written`,
      ['viewers', 'requests', '200 / 304', 'p50', 'p99', 'max'], rows);
    console.log(`target: p99 < 100 ms at 16 viewers: ${rows[1][4]}`);

    const paths = [`/v1/runs/${liveRun}`, '/v1/runs?limit=20', metricsPath];
    const closedSeconds = Math.max(5, Math.round(viewSeconds / 2));
    const one = await closedLoop([apis[0].url], paths, closedLoopViewers, closedSeconds, headers);
    const two = await closedLoop(apis.map((api) => api.url), paths, closedLoopViewers, closedSeconds, headers);
    // Same answer from both processes: a finished query range, asked of each.
    const fixedPath = `/v1/runs/${liveRun}/metrics?maxPoints=1000&to=${lastLoaded}`;
    const agent = new Agent({ keepAlive: false });
    const [first, second] = await Promise.all(apis.map((api) => get(agent, `${api.url}${fixedPath}`, headers)));
    const same = first.status === 200 && first.body === second.body && first.etag === second.etag;
    printTable(`(e) ${closedLoopViewers} dashboards asking in a closed loop (run view, run list, downsampled metrics, with ETags) for ${closedSeconds} s`,
      ['API processes', 'requests/s', 'p50', 'p99', 'against one'],
      [
        ['1', formatRate(one.rate), ms(median(one.samples)), ms(percentile(one.samples, 99)), formatRatio(1)],
        ['2', formatRate(two.rate), ms(median(two.samples)), ms(percentile(two.samples, 99)), formatRatio(two.rate / one.rate)],
      ]);
    console.log(`both processes give the same answer and ETag for the same query: ${same ? 'yes' : 'NO'}`);
  } finally {
    for (const writer of writers) writer.kill('SIGTERM');
    await Promise.all(writers.map((writer) => writer.exitCode === null ? once(writer, 'exit') : undefined));
    await Promise.all(apis.map((api) => api.stop()));
    await database.run.deleteMany({ where: { tenantId: apiKey.tenantId } });
    await pool.end();
    await database.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
