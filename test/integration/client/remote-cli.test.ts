/** The remote commands of `descent` against a running Descent: output, exit statuses, problems. */
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, unreachableUrl } from '../../cli/capture.ts';
import { createClient } from 'descent/client';
import { createApiKeyRepository } from '../../../src/db/api-keys.ts';
import { createTenantKey } from '../support/services.ts';
import { useLiveDescent } from './live-descent.ts';
import { eventually } from '../../support/eventually.ts';

const spec = {
  objective: { type: 'expression', expression: '(x - 1)^2 + 10*(y + 2)^2', variables: ['x', 'y'], initial: [4, 3] },
  optimizer: { name: 'adam', learningRate: 0.05 },
  training: { maxSteps: 400 },
};

/** Whether no one has the named pipe at `path` open for reading (opening it to write would block). */
async function unread(path: string): Promise<boolean> {
  try {
    await (await open(path, constants.O_WRONLY | constants.O_NONBLOCK)).close();
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return true;
    throw error;
  }
}

/** Writes each text to a reader of its own of the named pipe at `path`: the next once the reader before has closed it. */
async function feedReaders(path: string, texts: readonly string[]): Promise<void> {
  for (const [index, text] of texts.entries()) {
    if (index > 0) await eventually(() => unread(path), Boolean);
    await writeFile(path, text);
  }
}

describe('descent submit, status, watch, runs, metrics, cancel, sweep --remote', () => {
  const live = useLiveDescent();
  let folder: string;
  const connection = () => ['--url', live.url, '--key', live.apiKey];
  const file = async (name: string, body: unknown) => {
    const path = join(folder, name);
    await writeFile(path, JSON.stringify(body));
    return path;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'descent-remote-'));
  });

  it('submits a run and prints its id; status and watch follow it to its end', async () => {
    const submitted = await runCli(['submit', await file('run.json', spec), ...connection()]);
    expect(submitted).toMatchObject({ code: 0, stderr: '' });
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const watched = await runCli(['watch', id, ...connection()]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(new RegExp(`^${id}  completed: .+\\n  steps 400, final loss `));

    const status = await runCli(['status', id, '--json', ...connection()]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: 'completed', result: { steps: 400 } });

    const listed = await runCli(['runs', '--status', 'completed', '--json', ...connection()]);
    expect(listed.stdout.trim().split('\n').map((line) => JSON.parse(line).id)).toContain(id);
    const table = await runCli(['runs', '--limit', '1', ...connection()]);
    expect(table.stdout.split('\n')[0]).toMatch(/^id +status +optimizer +steps +final loss +created$/);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);

    const csv = await runCli(['metrics', id, '--csv', ...connection()]);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^step,loss,/);
    expect(lines).toHaveLength(401);
    const buckets = await runCli(['metrics', id, '--max-points', '10', ...connection()]);
    const points = buckets.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(points.length).toBeLessThanOrEqual(10);
    expect(points[0]).toHaveProperty('lossMin');
    const rows = await runCli(['metrics', id, '--fields', 'loss', '--from', '391', ...connection()]);
    expect(rows.stdout.trim().split('\n').map((line) => JSON.parse(line).step)).toEqual([391, 392, 393, 394, 395, 396, 397, 398, 399, 400]);
  });

  it('prints a problem as one line with its status and code, and exits 3', async () => {
    const bad = await runCli(['submit', await file('bad.json', { ...spec, training: { maxSteps: 0 } }), '--wait', ...connection()]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^descent submit: 400 validation_failed: .*training\.maxSteps.*\n$/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const missing = await runCli(['status', '00000000-0000-4000-8000-000000000000', ...connection()]);
    expect(missing).toMatchObject({ code: 3, stderr: expect.stringMatching(/^descent status: 404 not_found: /) });
    const wrongKey = await runCli(['runs', '--url', live.url, '--key', 'nope']);
    expect(wrongKey).toMatchObject({ code: 3, stderr: expect.stringMatching(/^descent runs: 401 unauthorized: /) });
    // No table header on standard output for a list that was refused.
    expect(wrongKey.stdout).toBe('');
    const badStatus = await runCli(['runs', '--status', 'sleeping', ...connection()]);
    expect(badStatus).toMatchObject({ code: 3, stdout: '', stderr: expect.stringMatching(/^descent runs: 400 validation_failed: .*status/) });
  });

  it('cancels a running run; watch then exits 1, and cancelling again is a 409', async () => {
    const id = (await runCli(['submit', await file('long.json', { ...spec, training: { maxSteps: 50_000_000 } }), ...connection()])).stdout.trim();
    const cancelled = await runCli(['cancel', id, ...connection()]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id}  (cancelled|cancelling)\\n$`));
    const watched = await runCli(['watch', id, ...connection()]);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(new RegExp(`^${id}  cancelled: `));
    const again = await runCli(['cancel', id, ...connection()]);
    expect(again).toMatchObject({ code: 3, stderr: expect.stringMatching(/^descent cancel: 409 run_finished: /) });
  });

  it('uploads the data files of a model and submits the run naming the stored datasets', async () => {
    await writeFile(join(folder, 'train.csv'), 'a,b,label\n0,1,0\n1,0,1\n2,1,1\n0,2,0\n');
    await writeFile(join(folder, 'holdout.json'), JSON.stringify({ features: [[1, 1], [0, 3]], targets: [1, 0] }));
    const model = {
      objective: { type: 'model', model: 'logistic', data: { path: 'train.csv', targetColumn: 'label' }, validation: { path: 'holdout.json' } },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 50 },
    };
    // From another folder: the files are found next to the spec, as descent run finds them.
    const submitted = await runCli(['submit', await file('model.json', model), '--wait', '--json', ...connection()]);
    expect(submitted.code).toBe(0);
    const run = JSON.parse(submitted.stdout);
    expect(run).toMatchObject({ status: 'completed', result: { steps: 50, finalValLoss: expect.any(Number) } });
    const { data, validation } = run.spec.objective;
    expect(submitted.stderr).toBe(`descent submit: uploaded train.csv as dataset ${data.id}\ndescent submit: uploaded holdout.json as dataset ${validation.id}\n`);
    const stored = createClient({ url: live.url, apiKey: live.apiKey });
    expect(await stored.api.GET('/v1/datasets/{id}', { params: { path: { id: data.id } } })).toMatchObject({ data: { name: 'train.csv', rows: 4 } });

    const bad = await runCli(['submit', await file('bad-model.json', { ...model, objective: { ...model.objective, data: { path: 'absent.csv' } } }), ...connection()]);
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^descent submit: objective\.data\.path: absent\.csv: cannot read .*absent\.csv/) });
  });

  it('names a dataset of the same content stored before: a submission repeated with its idempotency key gives the same run', async () => {
    const key = await live.newKey();
    const tenant = ['--url', live.url, '--key', key];
    await writeFile(join(folder, 'again.csv'), 'a,b,label\n0,1,0\n1,0,1\n2,1,1\n0,3,0\n');
    await writeFile(join(folder, 'again.json'), JSON.stringify({ features: [[1, 2], [0, 4]], targets: [1, 0] }));
    const model = {
      objective: { type: 'model', model: 'logistic', data: { path: 'again.csv', targetColumn: 2 }, validation: { path: 'again.json' } },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 5 },
    };
    const specFile = await file('again-model.json', model);
    const first = await runCli(['submit', specFile, '--idempotency-key', 'again-1', ...tenant]);
    expect(first.code).toBe(0);
    const stored = createClient({ url: live.url, apiKey: key });
    const datasets = [];
    for await (const dataset of stored.datasets()) datasets.push(dataset);
    const ids = Object.fromEntries(datasets.map((dataset) => [dataset.name, dataset.id]));
    expect(datasets.map((dataset) => dataset.name).sort()).toEqual(['again.csv', 'again.json']);
    expect(first.stderr).toBe(`descent submit: uploaded again.csv as dataset ${ids['again.csv']}\ndescent submit: uploaded again.json as dataset ${ids['again.json']}\n`);

    // Descent is asked for the datasets of each file's content, not for every dataset of the tenant's.
    const listings: string[] = [];
    const listed = (request: IncomingMessage) => {
      if (request.method === 'GET' && request.url?.startsWith('/v1/datasets?')) listings.push(request.url);
    };
    live.app.server.on('request', listed);
    const second = await runCli(['submit', specFile, '--idempotency-key', 'again-1', ...tenant]).finally(() => live.app.server.off('request', listed));
    const digests = Object.fromEntries(datasets.map((dataset) => [dataset.name, dataset.contentSha256]));
    expect(listings.map((url) => new URL(url, live.url).searchParams.get('contentSha256'))).toEqual([digests['again.csv'], digests['again.json']]);
    expect(second).toMatchObject({ code: 0, stdout: first.stdout });
    expect(second.stderr).toBe(`descent submit: again.csv is stored already, as dataset ${ids['again.csv']}\n`
      + `descent submit: again.json is stored already, as dataset ${ids['again.json']}\n`);
    let count = 0;
    for await (const _ of stored.datasets()) count += 1;
    expect(count).toBe(2);
  });

  it('uploads a file of other content sharing the content hash of one stored before, not taking that one for it', async () => {
    const key = await live.newKey();
    const tenant = ['--json', '--url', live.url, '--key', key];
    // Two one-row files made to have one 64-bit FNV-1a content hash.
    await writeFile(join(folder, 'collide-a.csv'), 'a,b,label\n1.0000000839888137,1.0000004696376752,0\n');
    await writeFile(join(folder, 'collide-b.csv'), 'a,b,label\n1.000000373743193,1.0000008805823783,0\n');
    const model = (path: string) => ({ objective: { type: 'model', model: 'logistic', data: { path } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } });
    const submitA = await runCli(['submit', await file('collide-a.json', model('collide-a.csv')), ...tenant]);
    const submitB = await runCli(['submit', await file('collide-b.json', model('collide-b.csv')), ...tenant]);
    expect([submitA.code, submitB.code]).toEqual([0, 0]);
    const idA: string = JSON.parse(submitA.stdout).spec.objective.data.id;
    const idB: string = JSON.parse(submitB.stdout).spec.objective.data.id;
    expect(idB).not.toBe(idA);
    expect(submitB.stderr).toBe(`descent submit: uploaded collide-b.csv as dataset ${idB}\n`);
    const stored = createClient({ url: live.url, apiKey: key });
    const [a, b] = [await stored.api.GET('/v1/datasets/{id}', { params: { path: { id: idA } } }), await stored.api.GET('/v1/datasets/{id}', { params: { path: { id: idB } } })];
    expect(b.data!.contentHash).toBe('fnv1a64:6e67b49b58366e1a');
    expect(a.data!.contentHash).toBe(b.data!.contentHash);
    expect((await stored.api.GET('/v1/datasets/{id}/data', { params: { path: { id: idB } } })).data).toMatchObject({
      data: { features: [[1.000000373743193, 1.0000008805823783]], targets: [0] },
    });
  });

  /**
   * A Descent older than `?contentSha256=` in front of the live one: its strict query refuses the
   * parameter (400 validation_failed naming it), and its dataset descriptions have no digest.
   */
  async function olderDescent(): Promise<{ url: string; listings: string[]; close: () => Promise<void> }> {
    const listings: string[] = [];
    const server = http.createServer((request, response) => {
      const url = new URL(request.url!, live.url);
      if (request.method === 'GET' && url.pathname === '/v1/datasets') listings.push(url.search);
      if (request.method === 'GET' && url.pathname === '/v1/datasets' && url.searchParams.has('contentSha256')) {
        response.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify({
          type: 'urn:descent:problem:validation_failed', title: 'The request is invalid', status: 400, code: 'validation_failed',
          detail: 'The query string is invalid: contentSha256.', instance: url.pathname,
          errors: [{ path: 'contentSha256', message: 'Unknown field.', code: 'unrecognized_keys' }],
        }));
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(new URL(request.url!, live.url), { method: request.method, headers, ...(body ? { body } : {}) });
        let text = await answer.text();
        if (url.pathname.startsWith('/v1/datasets') && answer.headers.get('content-type')?.includes('json')) {
          text = JSON.stringify(JSON.parse(text), (key, value: unknown) => (key === 'contentSha256' ? undefined : value));
        }
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      listings,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it('against a Descent older than ?contentSha256=, pages the datasets as before, reusing one only once its rows read back are the file\'s', async () => {
    const older = await olderDescent();
    try {
      const key = await live.newKey();
      const tenant = ['--json', '--url', older.url, '--key', key];
      await writeFile(join(folder, 'older-a.csv'), 'a,b,label\n1.0000000839888137,1.0000004696376752,0\n');
      await writeFile(join(folder, 'older-b.csv'), 'a,b,label\n1.000000373743193,1.0000008805823783,0\n');
      const model = (path: string) => ({ objective: { type: 'model', model: 'logistic', data: { path } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } });
      const specA = await file('older-a.json', model('older-a.csv'));
      const first = await runCli(['submit', specA, '--idempotency-key', 'older-1', ...tenant]);
      expect(first.code, first.stderr).toBe(0);
      const idA: string = JSON.parse(first.stdout).spec.objective.data.id;
      expect(first.stderr).toBe(`descent submit: uploaded older-a.csv as dataset ${idA}\n`);
      // The same file again: the dataset of its content, found by paging, its rows read back.
      const again = await runCli(['submit', specA, '--idempotency-key', 'older-1', ...tenant]);
      expect(again).toMatchObject({ code: 0, stderr: `descent submit: older-a.csv is stored already, as dataset ${idA}\n` });
      // The submission repeated with its key names the same dataset: the same run.
      expect(JSON.parse(again.stdout).id).toBe(JSON.parse(first.stdout).id);
      // A file of other content and the same FNV content hash is uploaded.
      const other = await runCli(['submit', await file('older-b.json', model('older-b.csv')), ...tenant]);
      expect(other.code, other.stderr).toBe(0);
      const idB: string = JSON.parse(other.stdout).spec.objective.data.id;
      expect(idB).not.toBe(idA);
      expect(other.stderr).toBe(`descent submit: uploaded older-b.csv as dataset ${idB}\n`);
      const asked = older.listings.map((search) => new URLSearchParams(search));
      expect(asked.map((query) => (query.has('contentSha256') ? 'contentSha256' : query.get('limit')))).toEqual(['contentSha256', '200', 'contentSha256', '200', 'contentSha256', '200']);
    } finally {
      await older.close();
    }
  });

  it('uploads a data file as it read and checked it: a named pipe, which gives its bytes once', async () => {
    const key = await live.newKey();
    const pipe = join(folder, 'piped.csv');
    execFileSync('mkfifo', [pipe]);
    // Four rows to the first reader; three other ones to a second, were the file read again.
    const fed = feedReaders(pipe, ['a,label\n0,0\n1,1\n2,1\n3,0\n', 'a,label\n5,1\n6,0\n7,1\n']);
    const model = { objective: { type: 'model', model: 'logistic', data: { path: 'piped.csv' } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } };
    const submitted = await runCli(['submit', await file('piped-model.json', model), '--json', '--url', live.url, '--key', key]);
    // The second write waits for a reader (unless the file was read again): one held open until it has written lets it end.
    const reader = await open(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
    await fed;
    await reader.close();
    expect(submitted.code).toBe(0);
    const { data } = JSON.parse(submitted.stdout).spec.objective;
    const stored = createClient({ url: live.url, apiKey: key });
    expect(await stored.api.GET('/v1/datasets/{id}/data', { params: { path: { id: data.id } } })).toMatchObject({
      data: { data: { features: [[0], [1], [2], [3]], targets: [0, 1, 1, 0] } },
    });
  });

  it('uploads a file named twice, by two spellings of its path, once', async () => {
    const key = await live.newKey();
    await writeFile(join(folder, 'twice.csv'), 'a,label\n0,0\n1,1\n2,1\n');
    const model = {
      objective: { type: 'model', model: 'logistic', data: { path: 'twice.csv' }, validation: { path: './twice.csv' } },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { maxSteps: 5 },
    };
    const submitted = await runCli(['submit', await file('twice-model.json', model), '--json', '--url', live.url, '--key', key]);
    expect(submitted.code).toBe(0);
    const { data, validation } = JSON.parse(submitted.stdout).spec.objective;
    expect(validation).toEqual(data);
    expect(submitted.stderr).toBe(`descent submit: uploaded twice.csv as dataset ${data.id}\n`);
  });

  it('refuses, before uploading, a data file of another type, JSON that is no dataset, column options on a JSON file and a file larger than any Descent takes', async () => {
    const key = await live.newKey();
    const model = (data: unknown) => ({ objective: { type: 'model', model: 'logistic', data }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } });
    await writeFile(join(folder, 'data.txt'), '0,1\n');
    await writeFile(join(folder, 'broken.json'), '{"features": [[1]');
    await writeFile(join(folder, 'other.json'), JSON.stringify({ rows: [] }));
    await writeFile(join(folder, 'fine.json'), JSON.stringify({ features: [[1], [0]], targets: [1, 0] }));
    const submit = async (name: string, data: unknown) => runCli(['submit', await file(name, model(data)), '--url', live.url, '--key', key]);
    expect(await submit('txt.json', { path: 'data.txt' })).toMatchObject({
      code: 2, stderr: expect.stringMatching(/^descent submit: objective\.data\.path: data\.txt: unsupported file type '\.txt': give a \.csv or a \.json file\n/),
    });
    expect(await submit('broken-spec.json', { path: 'broken.json' })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^descent submit: objective\.data\.path: broken\.json: not valid JSON: /) });
    expect(await submit('other-spec.json', { path: 'other.json' })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^descent submit: objective\.data\.path: other\.json: not a dataset \(/) });
    expect(await submit('columns.json', { path: 'fine.json', targetColumn: 'y' })).toMatchObject({
      code: 2, stderr: expect.stringMatching(/^descent submit: objective\.data\.path: fine\.json: targetColumn and difficultyColumn apply to CSV files only\n/),
    });
    // Sparse: 256 MiB and a byte, none of it written.
    await writeFile(join(folder, 'huge.csv'), '');
    await truncate(join(folder, 'huge.csv'), 268_435_457);
    expect(await submit('huge-spec.json', { path: 'huge.csv' })).toMatchObject({
      code: 2, stderr: expect.stringMatching(/^descent submit: objective\.data\.path: huge\.csv: 268435457 bytes, beyond the 268435456 \(256 MiB\) any Descent takes in one upload/),
    });
    await rm(join(folder, 'huge.csv'));
    const stored = createClient({ url: live.url, apiKey: key });
    for await (const dataset of stored.datasets()) expect.unreachable(`dataset ${dataset.id} was stored`);
  });

  it('names the run that submit --wait stored when it can no longer follow it', async () => {
    const { tenantName } = await createTenantKey(live.services.database);
    const keys = createApiKeyRepository(live.services.database);
    const following = await keys.create(tenantName);
    const other = createClient({ url: live.url, apiKey: (await keys.create(tenantName)).key });
    const waited = runCli(['submit', await file('followed.json', { ...spec, training: { maxSteps: 100_000_000 } }), '--wait', '--url', live.url, '--key', following.key]);
    const running = await eventually(async () => (await other.api.GET('/v1/runs', { params: { query: { status: 'running' } } })).data!.runs, (runs) => runs.length > 0);
    expect(running).toHaveLength(1);
    // Its stream ends once the key is revoked, and opening it again is refused.
    await keys.revoke(following.apiKey.id);
    const { code, stderr } = await waited;
    await other.cancelRun(running[0].id);
    expect(code).toBe(3);
    expect(stderr).toBe(`descent submit: run ${running[0].id} was submitted; 'descent watch ${running[0].id}' follows it\n`
      + 'descent submit: 401 unauthorized: The API key is unknown or revoked.\n');
  });

  it('names the sweep that sweep --remote --wait stored when it can no longer follow it', async () => {
    const { tenantName } = await createTenantKey(live.services.database);
    const keys = createApiKeyRepository(live.services.database);
    const following = await keys.create(tenantName);
    const other = createClient({ url: live.url, apiKey: (await keys.create(tenantName)).key });
    const sweepSpec = { base: { ...spec, training: { maxSteps: 100_000_000 } }, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } }, sampler: { type: 'grid' } };
    const waited = runCli(['sweep', await file('followed-sweep.json', sweepSpec), '--remote', '--wait', '--url', live.url, '--key', following.key]);
    // The sweep it follows runs (its trials too) when the key is revoked, as the run of submit --wait does.
    const running = await eventually(async () => (await other.api.GET('/v1/sweeps', { params: { query: { status: 'running' } } })).data!.sweeps, (sweeps) => sweeps.length > 0);
    expect(running).toHaveLength(1);
    await keys.revoke(following.apiKey.id);
    const { code, stderr } = await waited;
    await other.cancelSweep(running[0]!.id);
    expect(code).toBe(3);
    expect(stderr).toBe(`descent sweep: sweep ${running[0]!.id} was submitted; 'descent status ${running[0]!.id}' shows it\n`
      + 'descent sweep: 401 unauthorized: The API key is unknown or revoked.\n');
    // The one sweep the command stored is the one it named.
    expect((await other.api.GET('/v1/sweeps', { params: { query: {} } })).data!.sweeps.map((sweep) => sweep.id)).toEqual([running[0]!.id]);
  });

  it('exits 2 on bad usage and 4 when Descent cannot be reached', async () => {
    const noKey = await runCli(['status', 'x', '--url', live.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key: pass --key or set DESCENT_API_KEY');
    expect((await runCli(['runs', '--bogus', ...connection()])).code).toBe(2);
    // A curve has at least two points: a usage error, as --help says, not a refusal of the server's.
    const onePoint = await runCli(['metrics', '00000000-0000-4000-8000-000000000000', '--max-points', '1', ...connection()]);
    expect(onePoint).toMatchObject({ code: 2, stderr: expect.stringMatching(/^descent metrics: --max-points takes a whole number from 2 to 10000\n/) });
    expect((await runCli(['submit', join(folder, 'absent.json'), ...connection()])).stderr).toMatch(/^descent submit: cannot read /);
    const unreachable = await runCli(['status', 'x', '--url', await unreachableUrl(), '--key', 'k']);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/^descent status: cannot reach Descent: /);
  }, 120_000);

  it('runs a sweep on the service with --remote --wait and prints its leaderboard', async () => {
    const sweepSpec = {
      base: { ...spec, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } },
      sampler: { type: 'grid' },
    };
    const swept = await runCli(['sweep', await file('sweep.json', sweepSpec), '--remote', '--wait', ...connection()]);
    expect(swept.code).toBe(0);
    expect(swept.stdout).toMatch(/^Sweep [0-9a-f-]{36} completed: /);
    expect(swept.stdout).toMatch(/rank  trial  status +value +parameters\n +1 +\d +completed .*optimizer\.learningRate=0\.1\n +2 .*optimizer\.learningRate=0\.01\n/);
  });

  it('sweep --remote uploads the data files of its base, as submit does', async () => {
    const key = await live.newKey();
    await writeFile(join(folder, 'swept.csv'), 'a,b,label\n0,1,0\n1,0,1\n2,1,1\n0,2,0\n');
    const sweepSpec = {
      base: { objective: { type: 'model', model: 'logistic', data: { path: 'swept.csv' } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } },
      sampler: { type: 'grid' },
    };
    const swept = await runCli(['sweep', await file('swept-sweep.json', sweepSpec), '--remote', '--wait', '--json', '--url', live.url, '--key', key]);
    expect(swept.code).toBe(0);
    const { sweep } = JSON.parse(swept.stdout);
    expect(sweep).toMatchObject({ status: 'completed', spec: { base: { objective: { data: { id: expect.any(String) } } } } });
    expect(swept.stderr).toBe(`descent sweep: uploaded swept.csv as dataset ${sweep.spec.base.objective.data.id}\n`);

    const bad = await runCli(['sweep', await file('swept-bad.json', { ...sweepSpec, base: { ...sweepSpec.base, objective: { ...sweepSpec.base.objective, data: { path: 'swept.txt' } } } }), '--remote', '--url', live.url, '--key', key]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/^descent sweep: base\.objective\.data\.path: swept\.txt: unsupported file type/) });
  });

  it('exits 1 for a sweep that ended with no best trial (every trial diverged), saying why; status shows it so', async () => {
    const sweepSpec = {
      base: { ...spec, objective: { type: 'expression', expression: 'x^4 + y^2', variables: ['x', 'y'], initial: [3, 3] }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 200 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [50, 100] } },
      metric: { name: 'finalLoss' },
      sampler: { type: 'grid' },
    };
    const swept = await runCli(['sweep', await file('diverging.json', sweepSpec), '--remote', '--wait', ...connection()]);
    expect(swept.code).toBe(1);
    const [said, best] = swept.stdout.split('\n');
    expect(said).toMatch(/^Sweep [0-9a-f-]{36} failed: All 2 points of the grid finished\. No trial ran to its end with a finite value of finalLoss \(2 diverged\), so the sweep has no best trial\.$/);
    expect(best).toBe('Best: —');
    const id = /^Sweep (\S+)/.exec(said)![1];
    const status = await runCli(['status', id, ...connection()]);
    expect(status.stdout.split('\n').slice(0, 2)).toEqual([said, best]);
  });

  it('shows a sweep submitted without --wait by its id: its trials while it runs, its leaderboard once it ended', async () => {
    const sweepSpec = {
      base: { ...spec, training: { maxSteps: 100 } },
      parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.1] } },
      sampler: { type: 'grid' },
    };
    const submitted = await runCli(['sweep', await file('later.json', sweepSpec), '--remote', ...connection()]);
    expect(submitted).toMatchObject({ code: 0, stderr: '' });
    const id = submitted.stdout.trim();
    const early = await runCli(['status', id, ...connection()]);
    expect(early.code).toBe(0);
    expect(early.stdout).toMatch(new RegExp(`^(${id}  sweep (queued|running)  trials \\d/2 \\(\\d+%\\)|Sweep ${id} completed: )`));
    const ended = await eventually(() => runCli(['status', id, '--json', ...connection()]), (answer) => JSON.parse(answer.stdout || '{}').status === 'completed', { intervalMs: 200 });
    expect(JSON.parse(ended.stdout)).toMatchObject({ id, status: 'completed', progress: { trials: 2, maxTrials: 2 } });
    const board = await runCli(['status', id, ...connection()]);
    expect(board.code).toBe(0);
    expect(board.stdout).toMatch(new RegExp(`^Sweep ${id} completed: `));
    expect(board.stdout).toMatch(/rank  trial  status +value +parameters\n +1 +\d +completed .*optimizer\.learningRate=0\.1\n +2 .*optimizer\.learningRate=0\.01\n/);
  });

  it('names the other command for a spec of the other kind: a sweep spec given to submit, a run spec to sweep --remote', async () => {
    const sweepFile = await file('other-sweep.json', { base: spec, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.1] } } });
    const asRun = await runCli(['submit', sweepFile, ...connection()]);
    expect(asRun).toEqual({
      code: 3,
      stdout: '',
      stderr: `descent submit: 400 validation_failed: This is a sweep spec (it has \`base\` and \`parameters\`), not a run spec: submit it with 'descent sweep ${sweepFile} --remote'.\n`,
    });
    const runFile = await file('other-run.json', spec);
    const asSweep = await runCli(['sweep', runFile, '--remote', ...connection()]);
    expect(asSweep).toEqual({
      code: 3,
      stdout: '',
      stderr: `descent sweep: 400 validation_failed: This is a run spec (it has \`objective\` and \`optimizer\`), not a sweep spec: submit it with 'descent submit ${runFile}'.\n`,
    });
  });
});
