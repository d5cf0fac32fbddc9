import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { datasetContentHash, parseCsvDataset } from '../../../src/core/datasets/index.ts';
import { datasetContentSha256 } from '../../../src/db/dataset-digest.ts';
import { buildTestApp, createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

const features = [[0.1, 0.2], [0.30000000000000004, -1e-300], [5e-324, 1.7976931348623157e308], [-0.5, 2.5]];
const targets = [1, 0, 1, 0];
const csvText = 'a,b,label\n0.1,0.2,1\n0.30000000000000004,-1e-300,0\n5e-324,1.7976931348623157e308,1\n-0.5,2.5,0\n';

describe('/v1/datasets', () => {
  let services: TestServices;
  let app: FastifyInstance;
  let limited: FastifyInstance;
  let authorization: string;

  beforeAll(async () => {
    services = await openTestServices();
    app = await buildTestApp(services);
    // The same service with small upload limits, to reach them with small bodies.
    limited = await buildApp({ ...services, config: { ...services.config, datasetLimits: { maxBytes: 2048, maxRows: 20, maxColumns: 5 } } }, { logger: false });
    ({ authorization } = await createTenantKey(services.database, 'datasets'));
  });
  afterAll(async () => {
    await app.close();
    await limited.close();
    await services.close();
  });

  const uploadJson = (payload: object, headers: Record<string, string> = { authorization }, target = app) =>
    target.inject({ method: 'POST', url: '/v1/datasets', headers, payload });
  const uploadCsv = (payload: string | Readable, query = '', target = app, headers: Record<string, string> = {}) =>
    target.inject({ method: 'POST', url: `/v1/datasets${query}`, headers: { authorization, 'content-type': 'text/csv', ...headers }, payload });
  const get = (url: string, headers: Record<string, string> = { authorization }) => app.inject({ method: 'GET', url, headers });

  it('stores a dense JSON upload and describes it: schema, row count, content hash (201, not the data)', async () => {
    const response = await uploadJson({ name: 'four rows', features, targets, columnNames: ['a', 'b'], targetName: 'label' });
    expect(response.statusCode).toBe(201);
    const view = response.json();
    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'four rows',
      format: 'json',
      createdAt: expect.any(String),
      rows: 4,
      contentHash: expect.stringMatching(/^fnv1a64:[0-9a-f]{16}$/),
      contentSha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      schema: { layout: 'dense', featureCount: 2, columns: ['a', 'b'], target: 'label', classes: [0, 1], difficulty: false, nonZeros: null },
    });
    expect(response.headers.location).toBe(`/v1/datasets/${view.id}`);
    // The hash and the digest are over exactly the numbers sent.
    expect(view.contentHash).toBe(datasetContentHash(parseCsvDataset(csvText)));
    expect(view.contentSha256).toBe(datasetContentSha256(parseCsvDataset(csvText)));

    const described = await get(`/v1/datasets/${view.id}`);
    expect(described.statusCode).toBe(200);
    expect(described.json()).toEqual(view);

    const data = await get(`/v1/datasets/${view.id}/data`);
    expect(data.statusCode).toBe(200);
    // Every number back bit for bit, subnormals and the largest double included.
    expect(data.json()).toEqual({
      id: view.id,
      offset: 0,
      totalRows: 4,
      nextOffset: null,
      data: { features, targets, columnNames: ['a', 'b'], targetName: 'label' },
    });
  });

  it('stores a streamed CSV upload: header row, target by ?target=, same content hash as the same data in JSON', async () => {
    const response = await uploadCsv(csvText, '?name=from%20csv');
    expect(response.statusCode).toBe(201);
    const view = response.json();
    expect(view).toMatchObject({ name: 'from csv', format: 'csv', rows: 4, schema: { columns: ['a', 'b'], target: 'label', classes: [0, 1] } });
    expect(view.contentHash).toBe(datasetContentHash(parseCsvDataset(csvText)));
    expect(view.contentSha256).toBe(datasetContentSha256(parseCsvDataset(csvText)));

    const byName = await uploadCsv('label,a,b\n1.5,0.1,0.2\n-2,0.3,0.4\n', '?target=label');
    expect(byName.statusCode).toBe(201);
    // Non-integer targets: a regression set, no classes.
    expect(byName.json().schema).toMatchObject({ columns: ['a', 'b'], target: 'label', classes: null, featureCount: 2 });
    const rows = (await get(`/v1/datasets/${byName.json().id}/data`)).json().data;
    expect(rows).toMatchObject({ features: [[0.1, 0.2], [0.3, 0.4]], targets: [1.5, -2] });
  });

  it('parses a CSV body that arrives in many chunks (20,000 rows), and pages its rows', async () => {
    const rowCount = 20_000;
    async function* chunks() {
      yield 'x1,x2,x3,y\n';
      for (let r = 0; r < rowCount; r += 500) {
        let text = '';
        for (let i = r; i < r + 500; i++) text += `${i},${i / 7},${-i},${i % 3}\n`;
        yield text;
      }
    }
    const response = await uploadCsv(Readable.from(chunks()), '?difficulty=x1');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ rows: rowCount, schema: { featureCount: 2, columns: ['x2', 'x3'], target: 'y', classes: [0, 1, 2], difficulty: true } });
    const page = await get(`/v1/datasets/${response.json().id}/data?offset=19998&limit=5`);
    expect(page.json()).toMatchObject({
      offset: 19998,
      totalRows: rowCount,
      nextOffset: null,
      data: { features: [[19998 / 7, -19998], [19999 / 7, -19999]], targets: [0, 1], difficulty: [19998, 19999] },
    });
    const first = await get(`/v1/datasets/${response.json().id}/data?limit=2`);
    expect(first.json()).toMatchObject({ offset: 0, nextOffset: 2, data: { targets: [0, 1] } });
  });

  it('stores the sparse form sparsely and gives it back as sent', async () => {
    const sparse = { columns: 1000, rows: [{ indices: [3, 999], values: [1, 2] }, { indices: [], values: [] }, { indices: [0], values: [-1] }], targets: [1, 0, 1] };
    const response = await uploadJson(sparse);
    expect(response.statusCode).toBe(201);
    expect(response.json().schema).toMatchObject({ layout: 'sparse', featureCount: 1000, nonZeros: 3, target: 'target' });
    const data = await get(`/v1/datasets/${response.json().id}/data`);
    expect(data.json().data).toMatchObject(sparse);
  });

  describe('bad CSV: 422 problem+json naming the line and column', () => {
    it.each([
      ['a ragged row', 'a,b,y\n1,2,3\n4,5\n', '', /line 3 has 2 fields, the header has 3 \(line 3, column 3\)/],
      ['a non-numeric cell', 'a,b,y\n1,2,3\n4,five,6\n', '', /line 3, column 2 \('b'\): 'five' is not a finite number/],
      ['a missing target value', 'a,b,y\n1,2,3\n4,5,\n', '', /line 3, column 3 \('y'\): missing target value/],
      ['a target column not in the header', 'a,b,y\n1,2,3\n', '?target=label', /the target column 'label' is not in the header \(a, b, y\)/],
      ['an empty file', '', '', /the file is empty/],
      ['a header without rows', 'a,b,y\n', '', /the file has a header but no data rows/],
    ])('%s', async (_case, body, query, message) => {
      const response = await uploadCsv(body, query);
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json();
      expect(problem).toMatchObject({ status: 422, code: 'invalid_csv', type: 'urn:descent:problem:invalid_csv' });
      expect(problem.detail).toMatch(message);
      expect(problem.errors[0].message).toMatch(message);
    });

    it('a JSON dataset that does not hold together is a 422 too; a malformed one a 400 with paths', async () => {
      const ragged = await uploadJson({ features: [[1, 2], [3]], targets: [0, 1] });
      expect(ragged.statusCode).toBe(422);
      expect(ragged.json()).toMatchObject({
        code: 'invalid_dataset', detail: 'The dataset is invalid: features[1]: row 2 has 1 value, the first row 2.',
        errors: [{ path: 'features[1]', message: 'row 2 has 1 value, the first row 2', code: 'invalid_dataset' }],
      });
      const targets = await uploadJson({ features: [[1, 2], [3, 4]], targets: [0] });
      expect([targets.statusCode, targets.json().errors]).toEqual([422, [{ path: 'targets', message: '1 target for 2 rows: one a row', code: 'invalid_dataset' }]]);
      const sparse = await uploadJson({ columns: 3, rows: [{ indices: [0], values: [1] }, { indices: [1, 2], values: [1] }], targets: [0, 1] });
      expect([sparse.statusCode, sparse.json().errors[0].path]).toEqual([422, 'rows[1]']);
      // A number beyond a double (1e400 reads as Infinity) is malformed: a 400 naming it, as the README says.
      const beyond = await app.inject({ method: 'POST', url: '/v1/datasets', headers: { authorization, 'content-type': 'application/json' }, payload: '{"features": [[1, 1e400]], "targets": [0]}' });
      expect([beyond.statusCode, beyond.json().code, beyond.json().errors.map((issue: { path: string }) => issue.path)]).toEqual([400, 'validation_failed', ['features[0][1]']]);
      // A sparse row naming a column twice has no one value for it: named at the entry giving it again.
      const twice = await uploadJson({ columns: 5, rows: [{ indices: [1, 4], values: [1, 2] }, { indices: [3, 1, 3], values: [1, 2, 3] }], targets: [0, 1] });
      expect(twice.statusCode).toBe(422);
      expect(twice.json()).toMatchObject({
        code: 'invalid_dataset', detail: 'The dataset is invalid: rows[1].indices[2]: sparse row 2: column index 3 is given twice.',
        errors: [{ path: 'rows[1].indices[2]', message: 'sparse row 2: column index 3 is given twice', code: 'invalid_dataset' }],
      });
      const malformed = await uploadJson({ features: [[1, 'x']], targets: [0] });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().errors).toEqual([expect.objectContaining({ path: 'features[0][1]' })]);
    });

    it('a JSON upload with a `__proto__` or `constructor.prototype` key is invalid JSON (400), as any JSON body', async () => {
      const headers = { authorization, 'content-type': 'application/json' };
      for (const payload of ['{"features":[[1]],"targets":[0],"__proto__":{"polluted":true}}', '{"features":[[1]],"targets":[0],"name":{"constructor":{"prototype":{"polluted":true}}}}']) {
        const response = await app.inject({ method: 'POST', url: '/v1/datasets', headers, payload });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'invalid_json' });
      }
    });
  });

  describe('limits: 413 problem+json', () => {
    const wide = (columns: number) => `${Array.from({ length: columns }, (_, j) => `c${j}`).join(',')}\n${Array(columns).fill(1).join(',')}\n`;

    it('bytes: a declared Content-Length, a chunked stream, and a JSON body over the limit', async () => {
      const big = `a,b\n${'1,2\n'.repeat(600)}`;
      const declared = await uploadCsv(big, '', limited);
      expect(declared.statusCode).toBe(413);
      expect(declared.json()).toMatchObject({ code: 'dataset_too_large', detail: expect.stringMatching(/exceeds 2048 bytes/) });
      // No Content-Length: counted while streaming.
      const streamed = await uploadCsv(Readable.from([big.slice(0, 1000), big.slice(1000)]), '', limited);
      expect(streamed.statusCode).toBe(413);
      expect(streamed.json().code).toBe('dataset_too_large');
      // JSON is counted as it arrives too, and refused with the same problem, naming the limit.
      const jsonBody = JSON.stringify({ features: Array.from({ length: 300 }, () => [1.5, 2.5]), targets: Array(300).fill(1) });
      const jsonHeaders = { authorization, 'content-type': 'application/json' };
      const json = await limited.inject({ method: 'POST', url: '/v1/datasets', headers: jsonHeaders, payload: jsonBody });
      const jsonStreamed = await limited.inject({ method: 'POST', url: '/v1/datasets', headers: jsonHeaders, payload: Readable.from([jsonBody.slice(0, 1500), jsonBody.slice(1500)]) });
      for (const refused of [json, jsonStreamed]) {
        expect(refused.statusCode).toBe(413);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.json()).toMatchObject({ code: 'dataset_too_large', detail: expect.stringMatching(/exceeds 2048 bytes.*DATASET_MAX_BYTES/) });
      }
    });

    it('rows and columns, in CSV and in JSON', async () => {
      const rows = await uploadCsv(`a,y\n${'1,0\n'.repeat(21)}`, '', limited);
      expect(rows.statusCode).toBe(413);
      expect(rows.json().detail).toMatch(/more than 20 data rows/);
      const columns = await uploadCsv(wide(7), '', limited);
      expect(columns.statusCode).toBe(413);
      expect(columns.json().detail).toMatch(/the header has 7 columns; at most 5/);
      const jsonRows = await uploadJson({ features: Array.from({ length: 21 }, () => [1]), targets: Array(21).fill(0) }, { authorization }, limited);
      expect(jsonRows.statusCode).toBe(413);
      expect(jsonRows.json().detail).toMatch(/21 rows; at most 20/);
      const jsonColumns = await uploadJson({ features: [[1, 2, 3, 4, 5, 6]], targets: [0] }, { authorization }, limited);
      expect(jsonColumns.statusCode).toBe(413);
      expect(jsonColumns.json().detail).toMatch(/6 feature columns; at most 5/);
      // Exactly at the limits is fine.
      expect((await uploadCsv(`a,y\n${'1,0\n'.repeat(20)}`, '', limited)).statusCode).toBe(201);
      expect((await uploadCsv(wide(5), '', limited)).statusCode).toBe(201);
    });

    it("apply to the upload only: another route's body is read with the application's parser and limit", async () => {
      const stored = (await uploadCsv(wide(2), '', limited)).json();
      // Beyond the uploads' 2,048 bytes, within BODY_LIMIT_BYTES: the deletion ignores it.
      const payload = JSON.stringify({ padding: 'x'.repeat(3000) });
      const deleted = await limited.inject({ method: 'DELETE', url: `/v1/datasets/${stored.id}`, headers: { authorization, 'content-type': 'application/json' }, payload });
      expect(deleted.statusCode).toBe(204);
      // A CSV body is an upload's only.
      const csv = await limited.inject({ method: 'DELETE', url: `/v1/datasets/${stored.id}`, headers: { authorization, 'content-type': 'text/csv' }, payload: 'a\n1\n' });
      expect(csv.statusCode).toBe(415);
    });
  });

  it('refuses other media types (415) and CSV-only query parameters on JSON uploads (400)', async () => {
    const plain = await app.inject({ method: 'POST', url: '/v1/datasets', headers: { authorization, 'content-type': 'text/plain' }, payload: 'a,b\n1,2\n' });
    expect(plain.statusCode).toBe(415);
    const query = await app.inject({ method: 'POST', url: '/v1/datasets?target=b', headers: { authorization }, payload: { features: [[1]], targets: [0] } });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0]).toMatchObject({ path: 'target' });
    const anonymous = await uploadCsv('a,b\n1,2\n', '', app, { authorization: '' });
    expect(anonymous.statusCode).toBe(401);
  });

  it("isolates tenants: another tenant's dataset is a 404 everywhere and absent from its list", async () => {
    const mine = (await uploadCsv(csvText)).json();
    const other = await createTenantKey(services.database, 'other');
    const headers = { authorization: other.authorization };
    expect((await get(`/v1/datasets/${mine.id}`, headers)).statusCode).toBe(404);
    expect((await get(`/v1/datasets/${mine.id}/data`, headers)).statusCode).toBe(404);
    expect((await get(`/v1/datasets/${mine.id}`, headers)).json()).toMatchObject({ code: 'not_found' });
    expect((await get('/v1/datasets', headers)).json()).toEqual({ datasets: [], nextCursor: null });
    expect((await get('/v1/datasets/not-a-uuid')).statusCode).toBe(404);
  });

  it('lists newest first with a cursor', async () => {
    const tenant = await createTenantKey(services.database, 'lister');
    const headers = { authorization: tenant.authorization };
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await uploadJson({ name: `set ${index}`, features: [[index]], targets: [index] }, headers)).json().id);
    const first = (await get('/v1/datasets?limit=2', headers)).json();
    expect(first.datasets.map((view: { id: string }) => view.id)).toEqual([ids[4], ids[3]]);
    const second = (await get(`/v1/datasets?limit=2&cursor=${first.nextCursor}`, headers)).json();
    const third = (await get(`/v1/datasets?limit=2&cursor=${second.nextCursor}`, headers)).json();
    expect([...second.datasets, ...third.datasets].map((view: { id: string }) => view.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();
    expect((await get('/v1/datasets?cursor=garbage', headers)).json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('lists only the datasets of a content digest, newest first across pages; refuses one not written as a digest, naming it', async () => {
    const tenant = await createTenantKey(services.database, 'by-content');
    const headers = { authorization: tenant.authorization };
    const digest = datasetContentSha256(parseCsvDataset(csvText));
    const ids = [
      (await uploadCsv(csvText, '', app, headers)).json().id,
      (await uploadJson({ features: [[1], [2]], targets: [0, 1] }, headers)).json().id,
      (await uploadJson({ features, targets, columnNames: ['a', 'b'], targetName: 'label' }, headers)).json().id,
      (await uploadCsv(csvText, '', app, headers)).json().id,
    ];
    // Another tenant's of the same content is not theirs.
    expect((await uploadCsv(csvText)).statusCode).toBe(201);
    const first = (await get(`/v1/datasets?contentSha256=${digest}&limit=2`, headers)).json();
    expect(first.datasets.map((view: { id: string; contentSha256: string }) => [view.id, view.contentSha256])).toEqual([[ids[3], digest], [ids[2], digest]]);
    const second = (await get(`/v1/datasets?contentSha256=${digest}&limit=2&cursor=${first.nextCursor}`, headers)).json();
    expect(second).toEqual({ datasets: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await get(`/v1/datasets?contentSha256=sha256:${'0'.repeat(64)}`, headers)).json()).toEqual({ datasets: [], nextCursor: null });

    const fnv = datasetContentHash(parseCsvDataset(csvText));
    for (const wrong of [digest.toUpperCase(), digest.slice(0, -1), `${digest}0`, digest.slice('sha256:'.length), `sha256:${'0'.repeat(63)}g`, fnv, '']) {
      const refused = await get(`/v1/datasets?contentSha256=${encodeURIComponent(wrong)}`, headers);
      expect(refused.statusCode, wrong).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json(), wrong).toMatchObject({ code: 'validation_failed', errors: [{ path: 'contentSha256', message: expect.stringContaining('64 lowercase hex digits') }] });
    }
  });

  it('tells apart two datasets made to share a content hash: their digests differ, and each lists only itself', async () => {
    const tenant = await createTenantKey(services.database, 'colliding');
    const headers = { authorization: tenant.authorization };
    const a = (await uploadCsv('a,b,label\n1.0000000839888137,1.0000004696376752,0\n', '', app, headers)).json();
    const b = (await uploadCsv('a,b,label\n1.000000373743193,1.0000008805823783,0\n', '', app, headers)).json();
    expect(a.contentHash).toBe('fnv1a64:6e67b49b58366e1a');
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.contentSha256).not.toBe(a.contentSha256);
    for (const view of [a, b]) {
      const listed = (await get(`/v1/datasets?contentSha256=${view.contentSha256}`, headers)).json();
      expect(listed.datasets.map((dataset: { id: string }) => dataset.id)).toEqual([view.id]);
    }
  });
});
