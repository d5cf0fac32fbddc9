/**
 * (f) Whole-run export: `GET /v1/runs/{id}/metrics?format=csv` (and `format=jsonl`) with no
 * limit, over real HTTP, on a 1,000,000-step run with its parameters, against the ceiling
 * measured in the same run: PostgreSQL's own `COPY (SELECT … the same rows …) TO STDOUT` read
 * through node-postgres, which is what the export can at best forward. Target: ≥ 0.5× the
 * ceiling's rows per second.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { buildApp } from '../../src/api/app.ts';
import { createApiKeyRepository } from '../../src/db/api-keys.ts';
import { formatRate, formatRatio, measureInterleaved, printTable } from '../support/measure.ts';
import { openServices } from '../support/services.ts';
import { benchConfig } from './environment.ts';

const steps = Number(process.env.BENCH_EXPORT_STEPS ?? 1_000_000);
const rounds = Number(process.env.BENCH_EXPORT_ROUNDS ?? 5);

/** Bytes read from a stream, to the end. */
async function drain(stream: AsyncIterable<Uint8Array> | Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Uint8Array).length;
  return bytes;
}

export async function run(): Promise<void> {
  const config = await benchConfig();
  const services = openServices(config, 2);
  const { database, pool, redis, runsQueue } = services;
  const { key, apiKey } = await createApiKeyRepository(database).create(`bench-export-${randomUUID()}`);
  const runId = (await database.run.create({ data: { tenantId: apiKey.tenantId, spec: {}, status: 'completed', finishedAt: new Date() } })).id;

  const loadStart = process.hrtime.bigint();
  await pool.query(
    `INSERT INTO run_metrics (run_id, step, loss, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params)
     SELECT $1, s, 1.0 / s + sin(s) * 1e-3, cos(s) + 2, 0.001, 1e-3 * (s % 13), s / 10000, s / 1e5, ARRAY[sin(s), cos(s)]
       FROM generate_series(1, $2::int) s`, [runId, steps]);
  await pool.query('ANALYZE run_metrics');
  console.log(`\n(f) whole-run export: loaded a ${steps.toLocaleString('en')}-step run in ${(Number(process.hrtime.bigint() - loadStart) / 1e9).toFixed(1)} s`);

  const app = await buildApp({ config, database, redis, runsQueue }, { logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const headers = { authorization: `Bearer ${key}` };
  const fields = 'loss,gradNorm,learningRate,updateNorm,epoch,elapsedSeconds,params';
  const exportRows = (format: string) => async () => {
    const response = await fetch(`${base}/v1/runs/${runId}/metrics?format=${format}&fields=${fields}`, { headers });
    if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
    const bytes = await drain(response.body as unknown as AsyncIterable<Uint8Array>);
    if (bytes < steps * 20) throw new Error(`export gave only ${bytes} bytes`);
    return steps;
  };
  const copyRows = async () => {
    const client = await pool.connect();
    try {
      await drain(client.query(copyTo(
        `COPY (SELECT step, loss, grad_norm, learning_rate, update_norm, epoch, elapsed_seconds, params
                 FROM run_metrics WHERE run_id = '${runId}' ORDER BY run_id, step) TO STDOUT WITH (FORMAT csv, HEADER true)`)));
    } finally {
      client.release();
    }
    return steps;
  };
  const results = await measureInterleaved([
    { name: 'GET …/metrics?format=csv (whole run)', run: exportRows('csv') },
    { name: 'GET …/metrics?format=jsonl (whole run)', run: exportRows('jsonl') },
    { name: 'COPY … TO STDOUT (ceiling)', run: copyRows },
  ], { rounds, warmupRounds: 1 });
  const ceiling = results[2]!.unitsPerSecond;
  printTable(`(f) export of ${steps.toLocaleString('en')} steps (7 fields and 2 parameters), ${rounds} interleaved rounds`,
    ['candidate', 'rows/s', 'vs COPY'],
    results.map((result) => [result.name, formatRate(result.unitsPerSecond), formatRatio(result.unitsPerSecond / ceiling)]));
  console.log(`ratio export CSV / COPY: ${formatRatio(results[0]!.unitsPerSecond / ceiling)}; JSON lines / COPY: ${formatRatio(results[1]!.unitsPerSecond / ceiling)} (target ≥ 0.50×)`);

  await app.close();
  await database.run.deleteMany({ where: { id: runId } });
  await services.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
