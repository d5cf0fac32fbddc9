/**
 * A CSV upload streams to the database: the API's memory does not grow with the file. A
 * `descent serve` child whose V8 heap is capped at 96 MB takes a 15 MB and a 60 MB upload while
 * its resident memory is sampled: it grows alike for both, by a few megabytes. Holding the 60 MB
 * file's numbers alone (36 MB of float64, doubled while growing; before, also their base64 and
 * JSON) would not fit under the cap. Without the cap V8 lets garbage pile up before collecting
 * it, and the growth tells nothing. An upload beyond DATASET_MAX_BYTES, streamed without a
 * Content-Length, is refused mid-stream with a 413 problem and leaves nothing stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../support/test-database.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

const descent = fileURLToPath(new URL('../../../bin/descent.js', import.meta.url));
const megabyte = 1024 * 1024;
const columns = 10;

/** A CSV of about `bytes` bytes, produced line by line (the test holds none of it). */
function* csvChunks(bytes: number): Generator<Buffer> {
  yield Buffer.from(`${Array.from({ length: columns }, (_, j) => `x${j}`).join(',')},y\n`);
  let sent = 0;
  let seed = 1;
  const next = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return (seed / 2_147_483_647).toFixed(9);
  };
  while (sent < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) lines.push(`${Array.from({ length: columns }, next).join(',')},${seed % 2}\n`);
    const chunk = Buffer.from(lines.join(''));
    sent += chunk.length;
    yield chunk;
  }
}

/** POSTs the chunks as a chunked body (no Content-Length), writing each once the socket takes it. */
function upload(port: number, authorization: string, chunks: Iterable<Buffer>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/datasets?name=large', headers: { authorization, 'content-type': 'text/csv' } });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    let answered = false;
    request.on('response', () => (answered = true));
    request.on('error', (error) => (answered ? undefined : reject(error)));
    void (async () => {
      for (const chunk of chunks) {
        if (answered) break;
        if (!request.write(chunk)) await once(request, 'drain');
      }
      request.end();
    })().catch(() => undefined);
  });
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('CSV uploads stream to the database', () => {
  let services: TestServices;
  let child: ChildProcess;
  let port: number;

  beforeAll(async () => {
    services = await openTestServices();
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
    server.close();
    child = spawn(process.execPath, [descent, 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: testDatabaseUrl,
        REDIS_URL: services.config.redisUrl,
        QUEUE_PREFIX: services.config.queuePrefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        DATASET_MAX_BYTES: String(80 * megabyte),
        NODE_OPTIONS: '--max-old-space-size=96',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let attempt = 0; ; attempt++) {
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false)) break;
      if (attempt > 300) throw new Error('descent serve did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await services.close();
  });

  it('a 60 MB upload grows the API by a small part of the file; one beyond the limit is a 413 mid-stream that leaves nothing', async () => {
    const { authorization, tenantName } = await createTenantKey(services.database, 'upload-memory');
    // Warm up: the code paths of an upload are loaded before the baseline.
    expect((await upload(port, authorization, csvChunks(2 * megabyte))).status).toBe(201);
    /** The most the API's resident memory grew by, over `baseline`, while it took an upload of `bytes`. */
    const growthDuring = async (bytes: number, baseline: number) => {
      let peak = baseline;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await residentBytes(child.pid!));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const stored = await upload(port, authorization, csvChunks(bytes));
      sampling = false;
      await sampler;
      expect(stored.status, stored.body).toBe(201);
      return { growth: peak - baseline, rows: (JSON.parse(stored.body) as { rows: number }).rows };
    };
    const baseline = await residentBytes(child.pid!);
    const small = await growthDuring(15 * megabyte, baseline);
    const large = await growthDuring(60 * megabyte, baseline);
    expect(large.rows).toBeGreaterThan(400_000);
    const mb = (bytes: number) => (bytes / megabyte).toFixed(1);
    console.info(`resident ${mb(baseline)} MB before; +${mb(small.growth)} MB during a 15 MB upload, +${mb(large.growth)} MB during a 60 MB one`);
    // Four times the file, not four times the memory.
    expect(large.growth).toBeLessThan(small.growth + 15 * megabyte);
    expect(large.growth).toBeLessThan(30 * megabyte);

    const tenantDatasets = { dataset: { tenant: { name: tenantName } } };
    const blocksBefore = await services.database.datasetBlock.count({ where: tenantDatasets });
    const refused = await upload(port, authorization, csvChunks(120 * megabyte));
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'dataset_too_large' });
    expect(await services.database.dataset.count({ where: { tenant: { name: tenantName } } })).toBe(3);
    expect(await services.database.datasetBlock.count({ where: tenantDatasets })).toBe(blocksBefore);
  }, 300_000);
});
