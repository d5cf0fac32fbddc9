/**
 * One tenant's slow clients against another's requests: exports whose readers stop reading
 * hold no connection (the export reads page by page), a tenant has at most
 * TENANT_MAX_CONCURRENT_EXPORTS exports and TENANT_MAX_CONCURRENT_UPLOADS uploads in progress
 * (429 `too_many_concurrent` beyond), and a wait for a connection of a pool whose connections
 * are all in use is a 503 `service_busy`, not `database_unavailable`.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { isDatabaseUnavailable } from '../../../src/db/database-unavailable.ts';
import { createPool } from '../../../src/db/pool.ts';
import { isInfrastructureError } from '../../../src/worker/outages.ts';
import { eventually } from '../../support/eventually.ts';
import { createTenantKey, minimalSpec, openTestServices, type TestServices } from '../support/services.ts';

/** A finished run of the tenant with `steps` recorded steps of 16 parameters each: many megabytes as CSV. */
async function finishedRun(services: TestServices, app: FastifyInstance, authorization: string, steps: number): Promise<string> {
  const created = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
  expect(created.statusCode, created.body).toBe(201);
  const id: string = created.json().id;
  await services.database.$executeRawUnsafe(`UPDATE runs SET status = 'completed' WHERE id = $1::uuid`, id);
  await services.database.$executeRawUnsafe(
    `INSERT INTO run_metrics (run_id, step, loss, grad_norm, learning_rate, params)
     SELECT $1::uuid, g, 1.0 / g, sqrt(g), 0.01, ARRAY(SELECT g * 1.000001 + i FROM generate_series(1, 16) i)
       FROM generate_series(1, $2::int) g`, id, steps);
  return id;
}

interface SlowReader {
  readonly status: number;
  /** Destroyed to leave. */
  readonly request: http.ClientRequest;
}

/** GET `path` and stop reading once the answer's headers came: the response stays paused, its socket's buffers fill. */
function slowReader(base: string, path: string, authorization: string): Promise<SlowReader> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${path}`, { headers: { authorization } }, (response) => {
      response.pause();
      resolve({ status: response.statusCode!, request });
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
  });
}

/** Opens a CSV upload of 10,000 columns and sends `rows` rows of it, leaving the body unfinished; resolves with its status if it is answered within `waitMs`. */
function trickledUpload(base: string, authorization: string, rows: number, waitMs: number): { request: http.ClientRequest; answered: Promise<number | null> } {
  const request = http.request(`${base}/v1/datasets`, { method: 'POST', headers: { authorization, 'content-type': 'text/csv' } });
  const columns = 10_000;
  request.write(`${Array.from({ length: columns }, (_, i) => `c${i}`).join(',')}\n`);
  const row = `${Array.from({ length: columns }, () => '1').join(',')}\n`;
  for (let i = 0; i < rows; i++) request.write(row);
  const answered = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), waitMs);
    request.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', () => resolve(null));
  });
  return { request, answered };
}

/** What a request came to: its status, `Retry-After` and body; null when it had no answer within `waitMs`. */
type Answer = { readonly status: number; readonly retryAfter: string | undefined; readonly body: string } | null;

/** Opens a JSON upload declaring `bytes` bytes and sends its first few, leaving the body unfinished; resolves with its answer if it comes within `waitMs`. */
function unfinishedJsonUpload(base: string, authorization: string, bytes: number, waitMs: number): { request: http.ClientRequest; answered: Promise<Answer> } {
  const request = http.request(`${base}/v1/datasets`, { method: 'POST', headers: { authorization, 'content-type': 'application/json', 'content-length': bytes } });
  request.write('{"features": [[1], [2]');
  const answered = new Promise<Answer>((resolve) => {
    const timer = setTimeout(() => resolve(null), waitMs);
    request.on('response', (response) => {
      clearTimeout(timer);
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'], body }));
    });
    request.on('error', () => resolve(null));
  });
  return { request, answered };
}

/** GET `path` until it is not a 429: the server learns of its gone clients, and frees their slots, a moment after they leave. */
async function onceFree(app: FastifyInstance, path: string, authorization: string) {
  let response = await app.inject({ url: path, headers: { authorization } });
  for (let tries = 0; response.statusCode === 429 && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    response = await app.inject({ url: path, headers: { authorization } });
  }
  return response;
}

interface ListeningApp {
  services: TestServices;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** The tenant's authorization header, and a finished run of it of 100,000 steps. */
  authorization: string;
  bigRun: string;
}

/** Services and an app listening on a port of its own before the tests of the describe, closed after them. */
function useListeningApp(overrides: Record<string, string>): ListeningApp {
  const context = {} as ListeningApp;
  beforeAll(async () => {
    context.services = await openTestServices(overrides);
    context.app = await buildApp(context.services, { logger: false });
    await context.app.listen({ host: '127.0.0.1', port: 0 });
    context.base = `http://127.0.0.1:${(context.app.server.address() as AddressInfo).port}`;
    ({ authorization: context.authorization } = await createTenantKey(context.services.database, 'slow-reader'));
    context.bigRun = await finishedRun(context.services, context.app, context.authorization, 100_000);
  }, 60_000);
  afterAll(async () => {
    await context.app.close();
    await context.services.close();
  });
  return context;
}

describe('slow readers and uploads of one tenant against another', () => {
  // Exports up to the pool's own size per tenant: what keeps B's requests going is that a paused export holds no connection.
  const listening = useListeningApp({ TENANT_MAX_CONCURRENT_EXPORTS: '6' });
  let services: TestServices;
  let app: FastifyInstance;
  let base: string;
  let tenantA: string;
  let tenantB: string;
  let bigRun: string;

  beforeAll(async () => {
    ({ services, app, base, authorization: tenantA, bigRun } = listening);
    ({ authorization: tenantB } = await createTenantKey(services.database, 'neighbour'));
  });

  it("lets B export and delete while A's six exports of 100,000 steps are not being read", async () => {
    const fields = 'loss,gradNorm,learningRate,params';
    const readers = await Promise.all(Array.from({ length: 6 }, () => slowReader(base, `/v1/runs/${bigRun}/metrics?format=csv&fields=${fields}`, tenantA)));
    try {
      expect(readers.map((reader) => reader.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const exported = await finishedRun(services, app, tenantB, 50);
      const removed = await finishedRun(services, app, tenantB, 50);
      const csv = await app.inject({ url: `/v1/runs/${exported}/metrics?format=csv&fields=loss`, headers: { authorization: tenantB } });
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.body.trimEnd().split('\n')).toHaveLength(51);
      const deleted = await app.inject({ method: 'DELETE', url: `/v1/runs/${removed}`, headers: { authorization: tenantB } });
      expect(deleted.statusCode, deleted.body).toBe(204);
    } finally {
      for (const reader of readers) reader.request.destroy();
    }
  }, 60_000);

  it("sends A's export whole, page after page, once A reads it", async () => {
    const csv = await onceFree(app, `/v1/runs/${bigRun}/metrics?format=csv&fields=loss`, tenantA);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trimEnd().split('\n');
    expect(lines).toHaveLength(100_001);
    expect(lines.slice(1).every((line, i) => line.startsWith(`${i + 1},`))).toBe(true);
  }, 60_000);

  it('cuts an export off, rather than end it as if complete, when its run is deleted while it is being read', async () => {
    const doomed = await finishedRun(services, app, tenantA, 100_000);
    const { request, response } = await new Promise<{ request: http.ClientRequest; response: http.IncomingMessage }>((resolve, reject) => {
      const started = http.get(`${base}/v1/runs/${doomed}/metrics?format=csv&fields=loss,params`, { headers: { authorization: tenantA } }, (answer) => {
        answer.pause();
        resolve({ request: started, response: answer });
      });
      started.on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/runs/${doomed}`, headers: { authorization: tenantA } });
    expect(deleted.statusCode, deleted.body).toBe(204);
    let lines = 0;
    const ended = await new Promise<'complete' | 'cut off'>((resolve) => {
      response.on('data', (chunk: Buffer) => {
        for (const byte of chunk) if (byte === 0x0a) lines++;
      });
      response.on('end', () => resolve(response.complete ? 'complete' : 'cut off'));
      response.on('error', () => resolve('cut off'));
      response.on('aborted', () => resolve('cut off'));
      response.resume();
    });
    request.destroy();
    expect(ended).toBe('cut off');
    expect(lines).toBeLessThan(100_001);
  }, 60_000);

  it("answers A's uploads beyond TENANT_MAX_CONCURRENT_UPLOADS with 429 at once, and B's small upload is stored", async () => {
    // 14 rows of 10,000 columns fill a block: each upload in progress then holds a connection, in an open transaction.
    const uploads = Array.from({ length: 8 }, () => trickledUpload(base, tenantA, 14, 5_000));
    try {
      const statuses = await Promise.all(uploads.map((upload) => upload.answered));
      expect(statuses.filter((status) => status === 429)).toHaveLength(6);
      expect(statuses.filter((status) => status === null)).toHaveLength(2);
      const small = await app.inject({
        method: 'POST', url: '/v1/datasets', headers: { authorization: tenantB, 'content-type': 'text/csv' }, payload: 'x,y\n1,2\n3,4\n',
      });
      expect(small.statusCode, small.body).toBe(201);
    } finally {
      for (const upload of uploads) upload.request.destroy();
    }
  }, 60_000);

  it("answers A's JSON upload beyond TENANT_MAX_CONCURRENT_UPLOADS with 429 before its body is read, and takes uploads again once those in progress end", async () => {
    const small = () => app.inject({ method: 'POST', url: '/v1/datasets', headers: { authorization: tenantA }, payload: { features: [[1]], targets: [0] } });
    // The uploads of the test before are given back as the server learns their clients left.
    expect((await eventually(small, (answer) => answer.statusCode !== 429, { intervalMs: 50 })).statusCode).toBe(201);
    // Bodies of 50 MB each, of which a few bytes came: each upload in progress waits for the rest of its body.
    const uploads = Array.from({ length: 3 }, () => unfinishedJsonUpload(base, tenantA, 50_000_000, 5_000));
    try {
      const answers = await Promise.all(uploads.map((upload) => upload.answered));
      expect(answers.filter((answer) => answer === null)).toHaveLength(2);
      const refused = answers.find((answer) => answer !== null)!;
      expect(refused).toMatchObject({ status: 429, retryAfter: '5' });
      expect(JSON.parse(refused.body)).toMatchObject({
        code: 'too_many_concurrent',
        quota: { name: 'TENANT_MAX_CONCURRENT_UPLOADS', limit: 2, used: 2, requested: 1 },
      });
    } finally {
      for (const upload of uploads) upload.request.destroy();
    }
    expect((await eventually(small, (answer) => answer.statusCode !== 429, { intervalMs: 50 })).statusCode).toBe(201);
  }, 60_000);
});

describe('an upload whose client left before the upload route began', () => {
  let services: TestServices;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    services = await openTestServices({ TENANT_MAX_CONCURRENT_UPLOADS: '1' });
    app = await buildApp(services, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ({ port } = app.server.address() as AddressInfo);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  /**
   * Sends an upload's headers and a few bytes of its body on a socket destroyed at once, while
   * the key lookup of the server's onRequest hook waits on a lock held on api_keys: the upload
   * reaches its route only once the server has seen its connection close.
   */
  async function uploadLeftAtOnce(authorization: string, contentType: string, start: string): Promise<void> {
    const pool = createPool(services.config.databaseUrl, 1, services.config.queuePrefix);
    const locker = await pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
      const serverSide = new Promise<net.Socket>((resolve) => app.server.once('connection', resolve));
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /v1/datasets HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: ${authorization}\r\n`
        + `content-type: ${contentType}\r\ncontent-length: 1000\r\n\r\n${start}`);
      socket.destroy();
      const server = await serverSide;
      if (!server.destroyed) await new Promise((resolve) => server.once('close', resolve));
    } finally {
      await locker.query('COMMIT');
      locker.release();
      await pool.end();
    }
  }

  /** The tenant's next upload, once the server has let go of the one that left (a 429 until then). */
  const nextUpload = (authorization: string) => eventually(
    () => app.inject({ method: 'POST', url: '/v1/datasets', headers: { authorization, 'content-type': 'text/csv' }, payload: 'x,y\n1,2\n' }),
    (answer) => answer.statusCode !== 429,
    { intervalMs: 50, timeoutMs: 10_000 },
  );

  it.each([
    ['JSON', 'application/json', '{"features": [[1]'],
    ['CSV', 'text/csv', 'a,b\n1,'],
  ])('gives the slot of a %s upload back, and the next upload is stored', async (_, contentType, start) => {
    const { authorization } = await createTenantKey(services.database, 'gone-uploader');
    await uploadLeftAtOnce(authorization, contentType, start);
    const next = await nextUpload(authorization);
    expect(next.statusCode, next.body).toBe(201);
  }, 60_000);
});

describe('a tenant beyond TENANT_MAX_CONCURRENT_EXPORTS', () => {
  const listening = useListeningApp({});

  it('gets 429 too_many_concurrent for its third export at once, and exports again once one has ended', async () => {
    const { app, base, authorization, bigRun: run } = listening;
    const path = `/v1/runs/${run}/metrics?format=csv&fields=loss,params`;
    const readers = [await slowReader(base, path, authorization), await slowReader(base, path, authorization)];
    expect(readers.map((reader) => reader.status)).toEqual([200, 200]);
    const third = await app.inject({ url: path, headers: { authorization } });
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('5');
    expect(third.json()).toMatchObject({
      code: 'too_many_concurrent',
      quota: { name: 'TENANT_MAX_CONCURRENT_EXPORTS', limit: 2, used: 2, requested: 1 },
    });
    expect(third.json().detail).toContain('TENANT_MAX_CONCURRENT_EXPORTS');
    // A page's JSON is no export: it is answered meanwhile.
    expect((await app.inject({ url: `/v1/runs/${run}/metrics?limit=5`, headers: { authorization } })).statusCode).toBe(200);

    readers[0]!.request.destroy();
    const again = await onceFree(app, `${path}&to=10`, authorization);
    expect(again.statusCode).toBe(200);
    expect(again.body.trimEnd().split('\n')).toHaveLength(11);
    readers[1]!.request.destroy();
  }, 60_000);
});

describe('a wait for a connection of a full pool', () => {
  it('answers 503 service_busy with Retry-After, not database_unavailable, and a worker takes it for an outage to wait through', async () => {
    const services = await openTestServices();
    const pool = createPool(services.config.databaseUrl, 1, services.config.queuePrefix, { connectionTimeoutMs: 200 });
    const app = await buildApp({ ...services, pool }, { logger: false });
    const { authorization } = await createTenantKey(services.database, 'busy');
    const held = await pool.connect();
    try {
      const response = await app.inject({ url: '/v1/runs', headers: { authorization } });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.json()).toMatchObject({ code: 'service_busy', status: 503 });
      expect(response.json().detail).not.toMatch(/could not be reached/);

      const error: unknown = await pool.query('SELECT 1').then(() => null, (failure: unknown) => failure);
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(isInfrastructureError(error)).toBe(true);
    } finally {
      held.release();
      await app.close();
      await pool.end();
      await services.close();
    }
  }, 30_000);
});
