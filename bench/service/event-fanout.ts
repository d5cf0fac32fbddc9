/**
 * (d) Live viewers on server-sent events: 1,000 subscribers of one running run, then 100 runs
 * with 10 subscribers each, on one API process (a real `descent serve`, so the subscribers'
 * clients do not share its event loop). Slices are written as the worker writes them (the
 * metrics writer's commit, then the worker's announcement of the slice on the run's channel);
 * each subscriber notes when the slice's `metrics` event reaches it. Reported: the time from
 * the commit to the LAST subscriber's event per slice (p50/p99), and the API's resident memory
 * per subscriber (RSS with the subscribers connected, minus before, over their number).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { createMetricsWriter } from '../../src/db/metrics-writer.ts';
import { createRunAnnouncer } from '../../src/queue/run-announcer.ts';
import { iterateRun } from '../../src/core/training/iterate-run.ts';
import { toMetricBatch } from '../../src/worker/metric-batch.ts';
import { ProgressPublisher } from '../../src/worker/progress-publisher.ts';
import { median, percentile, printTable } from '../support/measure.ts';
import { startApiProcess } from './api-processes.ts';
import { openServices } from '../support/services.ts';
import { benchConfig } from './environment.ts';
import { rosenbrockSpec } from './run-writer.ts';

const slices = Number(process.env.BENCH_FANOUT_SLICES ?? 40);
const sliceRows = 1000;

interface Subscriber {
  /** Arrival time (ms, performance.now) of each lastStep's metrics event. */
  readonly arrivals: Map<number, number>;
  readonly response: IncomingMessage;
}

function subscribe(agent: Agent, url: string, headers: Record<string, string>): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const call = request(url, { agent, headers: { ...headers, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`events answered ${response.statusCode}`));
      const arrivals = new Map<number, number>();
      // Only metrics events carry an `id:` line (their lastStep): scanning for it, with the tail
      // of the previous chunk for a line split between two, keeps the client's cost small.
      let tail = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const now = performance.now();
        const text = tail + chunk;
        for (const match of text.matchAll(/(?:^|\n)id: (\d+)\n/g)) if (!arrivals.has(Number(match[1]))) arrivals.set(Number(match[1]), now);
        tail = text.slice(-24);
      });
      response.on('error', () => undefined);
      resolve({ arrivals, response });
    });
    call.on('error', reject);
    call.end();
  });
}

export async function run(): Promise<void> {
  const config = await benchConfig();
  const services = openServices(config, 4);
  const { database, pool, redis } = services;
  const writer = createMetricsWriter(pool);
  const announcer = createRunAnnouncer(redis, config.queuePrefix);
  const { key, apiKey } = await createApiKeyRepository(database).create(`bench-fanout-${randomUUID()}`);
  const headers = { authorization: `Bearer ${key}` };
  const api = await startApiProcess(config);
  const spec = rosenbrockSpec(50_000_000);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows: string[][] = [];

  try {
    for (const { runs, perRun } of [{ runs: 1, perRun: 1000 }, { runs: 100, perRun: 10 }]) {
      const runIds = await Promise.all(Array.from({ length: runs }, async () =>
        (await database.run.create({ data: { tenantId: apiKey.tenantId, spec: spec as object, status: 'running' } })).id));
      const engines = runIds.map(() => iterateRun(spec));
      const publishers = runIds.map((runId) => new ProgressPublisher(announcer, runId, { step: 0, time: Date.now() }));
      const before = await api.residentBytes();
      const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
      const subscribers: Subscriber[][] = [];
      for (const runId of runIds) {
        const own: Subscriber[] = [];
        for (let i = 0; i < perRun; i += 50) {
          own.push(...await Promise.all(Array.from({ length: Math.min(50, perRun - i) }, () =>
            subscribe(agent, `${api.url}/v1/runs/${runId}/events`, headers))));
        }
        subscribers.push(own);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await api.residentBytes();

      const latencies: number[] = [];
      for (let slice = 0; slice < slices; slice++) {
        const r = slice % runs;
        const engine = engines[r];
        const fromStep = engine.progress.step;
        const records = engine.advance({ maxSteps: sliceRows });
        const toStep = engine.progress.step;
        const batch = toMetricBatch(records, { fromStep, toStep, fromSeconds: 0, toSeconds: 0 }, true);
        await writer.write({ runId: runIds[r], fromStep, metrics: batch, rollups: false, checkpoint: { step: toStep, state: engine.checkpoint() } });
        const committed = performance.now();
        await publishers[r].slice(batch, null, null);
        // Wait until every subscriber of that run has the slice (or 10 s).
        const deadline = committed + 10_000;
        while (performance.now() < deadline && subscribers[r].some((s) => !s.arrivals.has(toStep))) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        const arrived = subscribers[r].map((s) => s.arrivals.get(toStep));
        if (arrived.some((time) => time === undefined)) throw new Error(`slice ${slice}: ${arrived.filter((t) => t === undefined).length} subscribers missed it`);
        latencies.push(Math.max(...(arrived as number[])) - committed);
      }
      for (const own of subscribers) for (const s of own) s.response.destroy();
      agent.destroy();
      const count = runs * perRun;
      rows.push([
        `${runs} run(s) × ${perRun}`,
        String(latencies.length),
        ms(median(latencies)),
        ms(percentile(latencies, 99)),
        before !== null && after !== null ? `${((after - before) / count / 1024).toFixed(1)} KiB` : 'n/a',
      ]);
      await database.run.deleteMany({ where: { id: { in: runIds } } });
    }
    printTable(`(d) SSE fan-out on one API process: a slice's commit to its metrics event at the last subscriber`,
      ['subscribers', 'slices', 'p50', 'p99', 'API memory per subscriber'], rows);
  } finally {
    await api.stop();
    await database.run.deleteMany({ where: { tenantId: apiKey.tenantId } });
    await services.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
