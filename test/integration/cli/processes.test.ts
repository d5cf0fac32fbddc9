import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTenantKey, minimalSpec, openTestServices, type TestServices } from '../support/services.ts';

const descent = fileURLToPath(new URL('../../../bin/descent.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

interface Child {
  readonly process: ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  readonly exit: Promise<number | null>;
}

function startDescent(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, [descent, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, stderr: () => stderr, stdout: () => stdout, exit };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('service processes', () => {
  let services: TestServices;
  let app: FastifyInstance;
  let env: Record<string, string>;
  const children: Child[] = [];

  beforeAll(async () => {
    services = await openTestServices();
    app = await buildTestApp(services);
    env = {
      DATABASE_URL: services.config.databaseUrl,
      REDIS_URL: services.config.redisUrl,
      QUEUE_PREFIX: services.config.queuePrefix,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    };
  });
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await app.close();
    await services.close();
  });

  it('serve answers requests, and on SIGTERM stops listening, closes its connections and exits 0', async () => {
    const port = await freePort();
    const child = startDescent(['serve'], { ...env, PORT: String(port), LOG_LEVEL: 'info' });
    children.push(child);
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 'the API to listen');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);

    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    // Its log is JSON lines on stdout, the shutdown included; nothing on stderr.
    const lines = child.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as { msg: string; signal?: string });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'received SIGTERM; shutting down', signal: 'SIGTERM' }));
    expect(child.stderr()).toBe('');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('serve whose log reader goes away shuts down gracefully and exits 1, not quietly with 0', async () => {
    const port = await freePort();
    const child = startDescent(['serve'], { ...env, PORT: String(port), LOG_LEVEL: 'info' });
    children.push(child);
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 'the API to listen');
    // The log shipper dies: the next log line (the shutdown's own) meets a closed pipe.
    child.process.stdout!.destroy();
    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(1);
    expect(child.stderr()).toBe('');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('serve streams a metrics export, and on SIGTERM still exits 0: the export leaves nothing behind to keep it alive', async () => {
    const port = await freePort();
    const child = startDescent(['serve'], { ...env, PORT: String(port), DATABASE_STATEMENT_TIMEOUT_MS: '60000' });
    children.push(child);
    await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 'the API to listen');
    const { authorization } = await createTenantKey(services.database);
    const submitted = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    const runId = submitted.json().id as string;
    // No limit, cursor or maxPoints: the whole range, a COPY streamed from PostgreSQL.
    const exported = await fetch(`http://127.0.0.1:${port}/v1/runs/${runId}/metrics?format=csv&fields=loss`, { headers: { authorization } });
    expect(exported.status).toBe(200);
    expect((await exported.text()).split('\n')[0]).toBe('step,loss');
    // Left queued, the run would be the next test's worker's too.
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: { authorization } })).statusCode).toBe(200);

    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(0);
    expect(child.stderr()).toBe('');
  });

  it('worker runs a submitted run, serves its metrics at WORKER_METRICS_PORT, and exits 0 on SIGTERM', async () => {
    const metricsPort = await freePort();
    const child = startDescent(['worker'], { ...env, WORKER_METRICS_PORT: String(metricsPort) });
    children.push(child);
    const { authorization } = await createTenantKey(services.database);
    const submitted = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    const runId = submitted.json().id as string;
    await until(async () => {
      const view = (await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { authorization } })).json();
      return view.status === 'completed';
    }, 'the worker to run the run');

    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm'))?.[1]);
    expect(value('descent_worker_runs_finished_total{status="completed"}')).toBe(1);
    expect(value('descent_worker_steps_total')).toBe(minimalSpec.training.maxSteps);
    const rows = (await app.inject({ method: 'GET', url: `/v1/runs/${runId}/metrics?format=jsonl&fields=loss`, headers: { authorization } })).body.trim().split('\n');
    expect(value('descent_worker_metric_rows_written_total')).toBe(rows.length);
    expect(value('descent_worker_slice_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    for (const series of ['descent_worker_steps_per_second', 'descent_worker_database_round_trip_seconds', 'descent_worker_redis_round_trip_seconds', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(value(series), series).toBeGreaterThanOrEqual(0);
    }
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    child.process.kill('SIGTERM');
    expect(await child.exit).toBe(0);
  });

  it.each([
    ['serve', { PORT: 'abc' }, /^descent serve: invalid configuration: PORT="abc": not a number$/],
    ['worker', { WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud' }, /^descent worker: invalid configuration: (?=.*WORKER_CONCURRENCY="0": )(?=.*LOG_LEVEL="loud": )/],
  ] as const)('%s exits 2 with one line naming every bad setting, no stack trace', async (command, overrides, message) => {
    const child = startDescent([command], { ...env, ...overrides });
    children.push(child);
    expect(await child.exit).toBe(2);
    expect(child.stderr().trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['serve', { REDIS_URL: 'redis://127.0.0.1:1' }, /^descent serve: Redis is unreachable at 127\.0\.0\.1:1: .*ECONNREFUSED/],
    ['worker', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/descent' }, /^descent worker: PostgreSQL is unreachable at 127\.0\.0\.1:1\/descent: /],
    ['migrate', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/descent' }, /^descent migrate: PostgreSQL is unreachable at 127\.0\.0\.1:1\/descent: /],
  ] as const)('%s exits 1 with one line naming the unreachable service', async (command, overrides, message) => {
    const child = startDescent([command], { ...env, PORT: String(await freePort()), ...overrides });
    children.push(child);
    expect(await child.exit).toBe(1);
    const lines = child.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it.each(['serve', 'worker', 'migrate', 'keys', 'start'])('%s --help describes the command', async (command) => {
    const child = spawn(process.execPath, [descent, command, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage:\\s+descent ${command}`));
  });
});
