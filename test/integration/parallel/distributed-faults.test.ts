/**
 * Faults of a concurrent run on the parameter server, against real worker processes and Redis:
 * a replica's worker killed with SIGKILL mid-run (another worker resumes the replica from the
 * server and the run completes with every step pushed), and Redis restarted empty mid-run (the
 * run writes its server back from the newest checkpoint and completes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ParallelReport } from '../../../src/core/parallel/index.ts';
import { getRun, isFinal, postRun, useTestApi, type RunViewBody } from '../runs/support.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';

const spec = {
  objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 400, seed: 5 }, validationSplit: 0.25 },
  optimizer: { name: 'momentum', learningRate: 0.02 },
  training: { maxSteps: 30_000, batchSize: 8, seed: 3, validationEvery: 1000 },
  record: { every: 500 },
  parallel: { algorithm: 'downpour', replicas: 3, execution: 'concurrent', communicationPeriod: 4, shards: 2 },
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A worker process taking at most two replicas, so three replicas need two processes. */
function startWorkerProcess(services: TestServices): ChildProcess {
  process.env.REPLICA_CONCURRENCY = '2';
  const child = spawnWorkerProcess(services);
  delete process.env.REPLICA_CONCURRENCY;
  children.push(child);
  return child;
}

async function waitFor(app: FastifyInstance, authorization: string, id: string, done: (view: RunViewBody) => boolean, timeoutMs: number): Promise<RunViewBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = await getRun(app, authorization, id);
    if (done(view)) return view;
    if (Date.now() > until) throw new Error(`run ${id} did not get there; last seen ${JSON.stringify(view).slice(0, 600)}`);
    await pause(250);
  }
}

function expectEveryStep(view: RunViewBody): ParallelReport {
  expect(view.status, JSON.stringify(view.result)).toBe('completed');
  const report = (view.result as { parallel: ParallelReport }).parallel;
  expect(view.result!.steps).toBe(spec.training.maxSteps);
  expect(report.perReplica.reduce((sum, replica) => sum + replica.steps, 0)).toBe(spec.training.maxSteps);
  return report;
}

describe('a replica\'s worker killed with SIGKILL mid-run', () => {
  const api = useTestApi();

  it('another worker resumes the replica from the server; the run completes with every step pushed', async () => {
    const workers = [startWorkerProcess(api.services), startWorkerProcess(api.services)];
    const id = (await postRun(api.app, api.authorization, spec)).json().id;
    await waitFor(api.app, api.authorization, id, (view) => (view.progress?.step ?? 0) >= 3000 || isFinal(view), 60_000);
    const meta = await api.services.redis.hgetall(`{${api.services.config.queuePrefix}:ps:${id}:0}:meta`);
    const victimPid = Number(meta['worker:0'].split(':').at(-1));
    const victim = workers.find((child) => child.pid === victimPid)!;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    const atKill = await getRun(api.app, api.authorization, id);
    expect(atKill.status).toBe('running');
    expect(atKill.progress!.step).toBeLessThan(spec.training.maxSteps);
    startWorkerProcess(api.services);
    const view = await waitFor(api.app, api.authorization, id, isFinal, 120_000);
    const report = expectEveryStep(view);
    // Replica 0 finished on another worker than the one killed.
    expect(report.perReplica[0].worker).not.toMatch(new RegExp(`:${victimPid}$`));
  }, 180_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the test's own, keeping nothing on disk: a restart loses everything. */
function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function redisUp(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      probe.stdout.on('data', (data: Buffer) => (out += data.toString()));
      probe.on('exit', () => resolve(out.includes('PONG')));
    });
    if (ok) return;
    await pause(50);
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

describe('Redis restarted empty mid-run', () => {
  it('the run writes its server back from the newest checkpoint and completes', async () => {
    const port = await freePort();
    let redis = startRedis(port);
    await redisUp(port);
    const services = await openTestServices({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const app = await buildTestApp(services);
    const { authorization } = await createTenantKey(services.database);
    try {
      startWorkerProcess(services);
      startWorkerProcess(services);
      const id = (await postRun(app, authorization, spec)).json().id;
      const before = await waitFor(app, authorization, id, (view) => (view.progress?.step ?? 0) >= 6000 || isFinal(view), 60_000);
      expect(before.status).toBe('running');
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      redis = startRedis(port);
      await redisUp(port);
      const view = await waitFor(app, authorization, id, isFinal, 120_000);
      expectEveryStep(view);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null && child !== redis) child.kill('SIGKILL');
      await app.close();
      await services.close().catch(() => undefined);
      redis.kill('SIGKILL');
    }
  }, 180_000);
});
