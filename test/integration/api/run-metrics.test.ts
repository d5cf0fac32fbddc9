/**
 * GET /v1/runs/{id}/metrics against the real PostgreSQL: pages, field selection, step ranges,
 * CSV, ETag/304, and downsampling from ingest-time rollups checked against a brute-force
 * aggregate of the same rows; values whose sums pass the range of a double, whose means are read
 * exact from raw rows and rollups alike instead of failing the write or the read.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresConnectionOptions } from '../../../src/db/connection-options.ts';
import { numberArrayLiteral } from '../../../src/db/array-literal.ts';
import { bucketWidth, rawRangeSteps, saturatingAddSql, wideSumSql } from '../../../src/db/metric-rollups.ts';
import { alignedGroups, createMetricsQuery, decomposeRange, planDownsampling, readingPlan } from '../../../src/db/metrics-query.ts';
import { createMetricsWriter, type MetricBatch } from '../../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { Random } from '../../../src/core/random.ts';
import { buildTestApp, createTenantKey, minimalSpec, openTestServices, type TestServices } from '../support/services.ts';

let services: TestServices;
let app: FastifyInstance;
let client: pg.Client;
let pool: Pool;
let authorization: string;
let otherAuthorization: string;

/** A synthetic trajectory with a spike at step 7777 and NaN-free values everywhere else. */
interface Trajectory {
  step: number[]; loss: number[]; valLoss: (number | null)[]; gradNorm: number[]; learningRate: number[];
  updateNorm: number[]; epoch: number[]; elapsedSeconds: number[]; params: number[][];
}

function trajectory(steps: number, every: number): Trajectory {
  const columns: Trajectory = { step: [], loss: [], valLoss: [], gradNorm: [], learningRate: [], updateNorm: [], epoch: [], elapsedSeconds: [], params: [] };
  for (let step = every; step <= steps; step += every) {
    columns.step.push(step);
    columns.loss.push(step === 7777 ? 1e6 : 1 / step + Math.sin(step) * 1e-3);
    columns.valLoss.push(step % 100 === 0 ? 2 / step : null);
    columns.gradNorm.push(Math.cos(step) + 2);
    columns.learningRate.push(0.01);
    columns.updateNorm.push(1e-3 * (step % 13));
    columns.epoch.push(Math.floor(step / 1000));
    columns.elapsedSeconds.push(step / 1e5);
    columns.params.push([step, -step / 2]);
  }
  return columns;
}

async function insertRun(authorizationHeader: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: authorizationHeader }, payload: minimalSpec });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

/** Writes rows with the worker's metrics writer, in slices, each with a checkpoint; rollups unless told otherwise. */
async function writeMetrics(runId: string, columns: Trajectory, sliceSize = 1000, rollups = true) {
  await client.query(`UPDATE runs SET status = 'running' WHERE id = $1`, [runId]);
  const writer = createMetricsWriter(pool);
  let { rows: [{ fromStep }] } = await client.query('SELECT coalesce(max(step), 0) AS "fromStep" FROM checkpoints WHERE run_id = $1', [runId]);
  for (let start = 0; start < columns.step.length; start += sliceSize) {
    const slice = sliceColumns(columns, start, start + sliceSize);
    const metrics: MetricBatch = {
      step: Int32Array.from(slice.step),
      loss: Float64Array.from(slice.loss),
      valLoss: Float64Array.from(slice.valLoss, (value) => value ?? NaN),
      valAccuracy: new Float64Array(slice.step.length).fill(NaN),
      gradNorm: Float64Array.from(slice.gradNorm),
      learningRate: Float64Array.from(slice.learningRate),
      updateNorm: Float64Array.from(slice.updateNorm),
      epoch: Int32Array.from(slice.epoch),
      elapsedSeconds: Float64Array.from(slice.elapsedSeconds),
      params: slice.params,
    };
    const toStep = slice.step.at(-1)!;
    await writer.write({ runId, fromStep, metrics, rollups, checkpoint: { step: toStep, state: { step: toStep } } });
    fromStep = toStep;
  }
}

beforeAll(async () => {
  services = await openTestServices();
  app = await buildTestApp(services);
  client = new pg.Client(postgresConnectionOptions(services.config.databaseUrl));
  await client.connect();
  pool = createPool(services.config.databaseUrl, 2);
  authorization = (await createTenantKey(services.database, 'metrics')).authorization;
  otherAuthorization = (await createTenantKey(services.database, 'metrics-other')).authorization;
});

afterAll(async () => {
  await client?.end();
  await pool?.end();
  await app?.close();
  await services?.close();
});

describe('planDownsampling', () => {
  it.each([
    [1, 1_000_000, 1000],
    [1, 100, 10],
    [37, 99_999, 500],
    [5000, 5015, 4],
    [1, 16 ** 5 * 3, 2],
  ])('covers [%i, %i] with at most %i aligned groups', (from, to, maxPoints) => {
    const plan = planDownsampling(from, to, maxPoints);
    const groups = alignedGroups(from, to, plan.groupWidth);
    expect(groups).toBeLessThanOrEqual(maxPoints);
    if (plan.level > 0) {
      const width = bucketWidth(plan.level);
      expect(plan.groupWidth % width).toBe(0);
      // Raw ranges and full buckets tile the range exactly.
      const covered = [...plan.rawRanges.map(([a, b]) => Math.max(0, b - a + 1)), Math.max(0, plan.lastBucket - plan.firstBucket + 1) * width]
        .reduce((sum, n) => sum + n, 0);
      expect(covered).toBe(to - from + 1);
    }
  });

  it.each([
    [1, 100, 2, 2], [1, 100, 5, 5], [1, 1_000_000, 2, 2], [1, 1_000_000, 5, 5], [1, 16_000, 1000, 1000], [1, 50_000, 7, 7],
    [37, 99_999, 64, 64], [1, 16 ** 5 * 3, 3, 3], [5000, 5015, 4, 4], [1, 7, 5, 4],
  ])('gives [%i, %i] as many groups as %i allows (%i), not fewer for whole summary buckets', (from, to, maxPoints, expected) => {
    expect(alignedGroups(from, to, planDownsampling(from, to, maxPoints).groupWidth)).toBe(expected);
  });

  it('gives at least four fifths of the groups the narrowest width would past 64·maxPoints steps, half below', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 2, max: 10_000 }),
      (from, length, maxPoints) => {
        const to = from + length - 1;
        const groups = alignedGroups(from, to, planDownsampling(from, to, maxPoints).groupWidth);
        expect(groups).toBeLessThanOrEqual(maxPoints);
        // The narrowest width of all: ⌈length / maxPoints⌉, widened while alignment adds a group
        // (a step at a time where that is quick, else to where the last group starts later).
        let width = Math.ceil(length / maxPoints);
        while (alignedGroups(from, to, width) > maxPoints) {
          width = length < 1e5 ? width + 1 : Math.floor((to - 1) / Math.floor((to - 1) / width)) + 1;
        }
        expect(groups).toBeGreaterThanOrEqual((length > 64 * maxPoints ? 0.8 : 0.5) * alignedGroups(from, to, width));
      }), { numRuns: 2000 });
  });

  it.each([
    [1, 1_000_000, 1000], [1, 500_000, 10_000], [250_001, 1_000_000, 1000], [1, 60_000, 300], [1, 2 ** 30, 10_000],
  ])('reads at most max(16,384, 16·maxPoints) rows for [%i, %i] in %i buckets, summaries and raw rows together', (from, to, maxPoints) => {
    const plan = planDownsampling(from, to, maxPoints);
    const read = Math.max(0, plan.lastBucket - plan.firstBucket + 1)
      + plan.rawRanges.reduce((sum, [a, b]) => sum + Math.max(0, b - a + 1), 0);
    expect(read).toBeLessThanOrEqual(Math.max(16_384, 16 * maxPoints));
  });

  it('keeps the dashboard\'s 1000 buckets over a whole run of a million steps to a few thousand summaries', () => {
    const plan = planDownsampling(1, 1_000_000, 1000);
    const read = Math.max(0, plan.lastBucket - plan.firstBucket + 1)
      + plan.rawRanges.reduce((sum, [a, b]) => sum + Math.max(0, b - a + 1), 0);
    expect(read).toBeLessThanOrEqual(4000);
    expect(alignedGroups(1, 1_000_000, plan.groupWidth)).toBeGreaterThanOrEqual(800);
  });
});

describe('decomposeRange', () => {
  it.each([[1, 1], [1, 16], [2, 17], [1, 1_000_000], [37, 99_999], [4095, 4097], [16 ** 5, 16 ** 5 * 2 + 3]])(
    'tiles [%i, %i] with whole buckets and at most 30 raw steps', (from, to) => {
      const { buckets, rawRanges } = decomposeRange(from, to);
      const covered = buckets.reduce((sum, b) => sum + (b.last - b.first + 1) * bucketWidth(b.level), 0)
        + rawRanges.reduce((sum, [a, b]) => sum + b - a + 1, 0);
      expect(covered).toBe(to - from + 1);
      expect(rawRanges.length).toBeLessThanOrEqual(2);
      expect(rawRanges.reduce((sum, [a, b]) => sum + b - a + 1, 0)).toBeLessThanOrEqual(30);
      // Pieces do not overlap: sorted by their first step, each starts after the previous ends.
      const pieces = [...buckets.map((b) => [b.first * bucketWidth(b.level) + 1, (b.last + 1) * bucketWidth(b.level)]), ...rawRanges].sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < pieces.length; i++) expect(pieces[i][0]).toBe(pieces[i - 1][1] + 1);
    });
});

describe('GET /v1/runs/{id}/metrics', () => {
  let runId: string;
  const columns = trajectory(50_000, 1);

  beforeAll(async () => {
    runId = await insertRun(authorization);
    await writeMetrics(runId, columns, 3000);
  });

  it('pages rows in step order with a cursor and selected fields', async () => {
    const first = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss,params&limit=3`, headers: { authorization } });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.downsampled).toBe(false);
    expect(page.points).toEqual([1, 2, 3].map((step) => ({ step, loss: columns.loss[step - 1], params: [step, -step / 2] })));
    const second = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss&limit=3&cursor=${page.nextCursor}`, headers: { authorization } });
    expect(second.json().points.map((p: { step: number }) => p.step)).toEqual([4, 5, 6]);
  });

  it('honours a step range and reports validation loss only where recorded', async () => {
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=valLoss&from=99&to=101`, headers: { authorization } });
    expect(response.json().points).toEqual([{ step: 99, valLoss: null }, { step: 100, valLoss: 0.02 }, { step: 101, valLoss: null }]);
    expect(response.json().nextCursor).toBeNull();
  });

  it('downsamples to at most maxPoints buckets that match a brute-force aggregate, keeping the spike', async () => {
    // Long ranges read the rollups, short ones (at most rawRangeSteps steps) the raw rows.
    for (const [from, to, maxPoints] of [[1, 50_000, 1000], [123, 45_678, 300], [7000, 9000, 7], [10, 500, 100]]) {
      await expectDownsampled(runId, columns, from, to, maxPoints);
    }
  });

  it('downsamples and counts a run too short to keep rollups from its raw rows', async () => {
    const shortRunId = await insertRun(authorization);
    const short = trajectory(rawRangeSteps, 1);
    await writeMetrics(shortRunId, short, 1000, false);
    const { rows } = await client.query('SELECT count(*)::int AS n FROM metric_rollups WHERE run_id = $1', [shortRunId]);
    expect(rows[0].n).toBe(0);
    for (const [from, to, maxPoints] of [[1, rawRangeSteps, 1000], [5000, 9000, 13], [7777, 7777 + 15, 2]]) {
      await expectDownsampled(shortRunId, short, from, to, maxPoints);
      expect(await createMetricsQuery(pool).count(shortRunId, from, to)).toBe(to - from + 1);
    }
  });

  it('gives each bucket a mean between its min and max, a constant field its constant', async () => {
    // Summing 0.01 a few thousand times drifts in the last bits: the mean must not leave [min, max].
    for (const query of ['maxPoints=7', 'maxPoints=5&from=1&to=9000']) {
      const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss,learningRate&${query}`, headers: { authorization } });
      const { points } = response.json();
      expect(points.length).toBeGreaterThan(1);
      for (const point of points) {
        expect(point.learningRate).toBe(0.01);
        expect(point.loss).toBeGreaterThanOrEqual(point.lossMin);
        expect(point.loss).toBeLessThanOrEqual(point.lossMax);
      }
    }
  });

  it('counts the rows of any range from the rollups exactly', async () => {
    const metrics = createMetricsQuery(pool);
    for (const [from, to] of [[1, 50_000], [17, 4111], [4096, 4096], [123, 45_678], [49_990, 60_000], [60_000, 70_000]]) {
      expect(await metrics.count(runId, from, to), `[${from}, ${to}]`).toBe(Math.max(0, Math.min(to, 50_000) - from + 1));
    }
  });

  it('answers as many buckets as maxPoints asks where the rows allow it, never more', async () => {
    // 5000 points over 50,000 steps: within 16 rows a point, read from the raw rows, so exact.
    for (const maxPoints of [2, 5, 7, 5000]) {
      const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss&maxPoints=${maxPoints}`, headers: { authorization } });
      expect(response.json().points, `maxPoints=${maxPoints}`).toHaveLength(maxPoints);
    }
    // 167 steps a bucket would be narrowest; 176, whole summaries of 16 steps, is as near as they come.
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss&maxPoints=300`, headers: { authorization } });
    expect(response.json()).toMatchObject({ bucketSize: 176, points: { length: 285 } });
  });

  it('returns plain rows when the range holds no more than maxPoints rows', async () => {
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?from=10&to=19&maxPoints=10&fields=loss`, headers: { authorization } });
    expect(response.json().downsampled).toBe(false);
    expect(response.json().points).toHaveLength(10);
  });

  it('answers 304 to a matching If-None-Match until new steps land', async () => {
    const url = `/v1/runs/${runId}/metrics?maxPoints=100`;
    const first = await app.inject({ url, headers: { authorization } });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await app.inject({ url, headers: { authorization, 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await writeMetrics(runId, sliceFrom(trajectory(50_010, 1), 50_000));
    const changed = await app.inject({ url, headers: { authorization, 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('serves a repeated query from the page cache, byte for byte, until new steps land', async () => {
    const url = `/v1/runs/${runId}/metrics?maxPoints=50&fields=loss`;
    const first = await app.inject({ url, headers: { authorization } });
    const second = await app.inject({ url, headers: { authorization } });
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    const csvUrl = `/v1/runs/${runId}/metrics?fields=loss&limit=2&format=csv`;
    const csv = await app.inject({ url: csvUrl, headers: { authorization } });
    const csvAgain = await app.inject({ url: csvUrl, headers: { authorization } });
    expect(csvAgain.body).toBe(csv.body);
    expect(csvAgain.headers['x-next-cursor']).toBe('2');
    expect(csvAgain.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('speaks CSV with format=csv or Accept: text/csv', async () => {
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss,params&limit=2`, headers: { authorization, accept: 'text/csv' } });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body).toBe(`step,loss,params[0],params[1]\n1,${columns.loss[0]},1,-0.5\n2,${columns.loss[1]},2,-1\n`);
    const buckets = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss&maxPoints=2&format=csv`, headers: { authorization } });
    expect(buckets.body.split('\n')[0]).toBe('step,stepEnd,count,loss,lossMin,lossMax');
  });

  it.each([
    ['text/csv;q=0.5, application/json', 'application/json'],
    ['text/csv;q=0', 'application/json'],
    ['application/json;q=0.4, text/csv;q=0.6', 'text/csv'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json'],
    ['text/*', 'text/csv'],
    ['application/jsonl, application/json;q=0.9', 'application/jsonl'],
    ['text/csv, application/json', 'text/csv'],
    ['application/jsonl, text/csv', 'application/jsonl'],
  ])('weighs Accept: %s by its qualities → %s', async (accept, type) => {
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss&limit=2`, headers: { authorization, accept } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(`${type}; charset=utf-8`);
  });

  const everyField = 'loss,valLoss,valAccuracy,gradNorm,learningRate,updateNorm,epoch,elapsedSeconds,params';

  it('streams every row of a range as CSV or JSON lines when no limit, cursor or maxPoints is given', async () => {
    const { rows: [{ n }] } = await client.query('SELECT count(*)::int AS n FROM run_metrics WHERE run_id = $1', [runId]);
    expect(n).toBeGreaterThan(10_000);
    const csv = await app.inject({ url: `/v1/runs/${runId}/metrics?format=csv&fields=loss,gradNorm,params`, headers: { authorization } });
    expect(csv.statusCode).toBe(200);
    const everyCsv = await app.inject({ url: `/v1/runs/${runId}/metrics?format=csv&to=3&fields=${everyField}`, headers: { authorization } });
    expect(everyCsv.body.split('\n')[0]).toBe('step,loss,valLoss,valAccuracy,gradNorm,learningRate,updateNorm,epoch,elapsedSeconds,params[0],params[1]');
    expect(everyCsv.body.split('\n')[1]).toBe(`1,${columns.loss[0]},,,${columns.gradNorm[0]},0.01,0.001,0,1e-05,1,-0.5`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['x-next-cursor']).toBeUndefined();
    const lines = csv.body.trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss,gradNorm,params[0],params[1]');
    expect(lines).toHaveLength(n + 1);
    for (const index of [0, 7776, 49_999]) {
      const [step, loss, gradNorm, p0, p1] = lines[index + 1]!.split(',').map(Number);
      expect([step, loss, gradNorm, p0, p1]).toEqual([index + 1, columns.loss[index], columns.gradNorm[index], index + 1, -(index + 1) / 2]);
    }

    const jsonl = await app.inject({ url: `/v1/runs/${runId}/metrics?from=90&to=30000&fields=${everyField}`, headers: { authorization, accept: 'application/x-ndjson' } });
    expect(jsonl.headers['content-type']).toMatch(/^application\/jsonl/);
    const objects = jsonl.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(objects).toHaveLength(30_000 - 90 + 1);
    const page = await app.inject({ url: `/v1/runs/${runId}/metrics?from=90&limit=1000&fields=${everyField}`, headers: { authorization } });
    expect(objects.slice(0, 1000)).toEqual(page.json().points);
  });

  it('exports non-finite values as empty CSV cells and JSON nulls', async () => {
    const odd = await insertRun(authorization);
    await client.query(`INSERT INTO run_metrics (run_id, step, loss, grad_norm, params)
                        VALUES ($1, 1, 'NaN', 'Infinity', '{1.5,NaN,-Infinity}'), ($1, 2, 0.25, NULL, '{}')`, [odd]);
    const csv = await app.inject({ url: `/v1/runs/${odd}/metrics?format=csv&fields=loss,gradNorm,params`, headers: { authorization } });
    expect(csv.body).toBe('step,loss,gradNorm,params[0],params[1],params[2]\n1,,,1.5,,\n2,0.25,,,,\n');
    const jsonl = await app.inject({ url: `/v1/runs/${odd}/metrics?format=jsonl&fields=loss,gradNorm,params`, headers: { authorization } });
    expect(jsonl.body.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { step: 1, loss: null, gradNorm: null, params: [1.5, null, null] },
      { step: 2, loss: 0.25, gradNorm: null, params: null },
    ]);
    const json = await app.inject({ url: `/v1/runs/${odd}/metrics?fields=loss,gradNorm,params`, headers: { authorization } });
    expect(json.json().points).toEqual(jsonl.body.trimEnd().split('\n').map((line) => JSON.parse(line)));
  });

  it('with fields=params and maxPoints, each bucket carries the parameters at its last step', async () => {
    const response = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss,params&maxPoints=20&to=40000`, headers: { authorization } });
    const page = response.json();
    expect(page.downsampled).toBe(true);
    expect(page.fields).toEqual(['loss', 'params']);
    for (const bucket of page.points) expect(bucket.params).toEqual([bucket.stepEnd, -bucket.stepEnd / 2]);
    const csv = await app.inject({ url: `/v1/runs/${runId}/metrics?fields=loss,params&maxPoints=20&to=40000&format=csv`, headers: { authorization } });
    const [header, first] = csv.body.split('\n');
    expect(header).toBe('step,stepEnd,count,loss,lossMin,lossMax,params[0],params[1]');
    expect(first!.split(',').slice(-2).map(Number)).toEqual(page.points[0].params);
  });

  it('rejects bad queries with the field named, and hides other tenants\' runs', async () => {
    const cases: [string, string][] = [
      ['fields=loss,bogus', 'fields'], ['maxPoints=1', 'maxPoints'], ['from=0', 'from'], ['from=10&to=5', 'from'],
      ['limit=abc', 'limit'], ['cursor=xyz', 'cursor'], ['cursor=9999999999', 'cursor'], ['color=red', 'color'],
      // Buckets have no pages: a cursor or a page size beside maxPoints would be ignored.
      ['maxPoints=10&cursor=100', 'cursor'], ['maxPoints=10&limit=5', 'limit'],
    ];
    for (const [query, path] of cases) {
      const response = await app.inject({ url: `/v1/runs/${runId}/metrics?${query}`, headers: { authorization } });
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
    const paged = async (query: string) => (await app.inject({ url: `/v1/runs/${runId}/metrics?${query}`, headers: { authorization } })).json().detail;
    expect(await paged('maxPoints=10&limit=5')).toBe('`limit` pages rows and cannot be combined with `maxPoints`.');
    expect(await paged('maxPoints=10&limit=5&cursor=100')).toBe('`limit` and `cursor` page rows and cannot be combined with `maxPoints`.');
    const foreign = await app.inject({ url: `/v1/runs/${runId}/metrics`, headers: { authorization: otherAuthorization } });
    expect(foreign.statusCode).toBe(404);
    const anonymous = await app.inject({ url: `/v1/runs/${runId}/metrics` });
    expect(anonymous.statusCode).toBe(401);
  });
});

const largest = Number.MAX_VALUE;
const halfUlpOfLargest = 2 ** 970;
const edges = [
  0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 0.5, 1, -1, 1e300, largest / 2, largest / 2 + 2 ** 969,
  largest - halfUlpOfLargest, halfUlpOfLargest, halfUlpOfLargest / 2, largest, -largest, 1e308, -1e308, Infinity, -Infinity, NaN,
];

async function sumsInSql(a: readonly number[], b: readonly number[]): Promise<number[]> {
  const { rows } = await pool.query<{ s: number }>(
    `SELECT ${saturatingAddSql('a', 'b')} AS s FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(a, b, i) ORDER BY i`,
    [numberArrayLiteral(a), numberArrayLiteral(b)]);
  return rows.map((row) => row.s);
}

describe('sums past the range of a double', () => {
  it('adds as IEEE doubles do, ±Infinity past the range, for every pair of edge values', async () => {
    const a = edges.flatMap((x) => edges.map(() => x));
    const b = edges.flatMap(() => edges);
    const sums = await sumsInSql(a, b);
    for (let i = 0; i < a.length; i++) expect(Object.is(sums[i], a[i] + b[i]), `${a[i]} + ${b[i]}: ${sums[i]}`).toBe(true);
  });

  it('adds as IEEE doubles do for random doubles of every magnitude', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.double(), fc.double()), { minLength: 1, maxLength: 200 }), async (pairs) => {
      const sums = await sumsInSql(pairs.map(([x]) => x), pairs.map(([, y]) => y));
      pairs.forEach(([x, y], i) => expect(Object.is(sums[i], x + y), `${x} + ${y}: ${sums[i]}`).toBe(true));
    }), { numRuns: 50 });
  });

  it('sums a group of huge values in two parts without raising', async () => {
    const cases: number[][] = [[largest, largest, -largest], [1e308, 1e308], [-1e308, -1e308, 5e-324], [largest, -Infinity], [Infinity, -Infinity], [1, 2, 3], []];
    for (const values of cases) {
      const { rows: [row] } = await pool.query(`SELECT ${wideSumSql('v', 's').join(', ')} FROM unnest($1::float8[]) AS v`, [numberArrayLiteral(values)]);
      const small = values.filter((v) => Math.abs(v) < 2 ** 959);
      const large = values.filter((v) => !(Math.abs(v) < 2 ** 959));
      expect([row.s, row.s_scaled], `${values}`).toEqual([
        small.length ? small.reduce((x, y) => x + y, 0) : null,
        large.length ? large.reduce((x, y) => x + y / 2 ** 64, 0) : null,
      ]);
    }
  });

  it("merges rollups' sums whose first part passed 2^959, with a scaled part stored or not (null)", async () => {
    // Each row a rollup's two parts: a first part past 2^959 (values under it, summed) adds to the scaled one.
    const first = [2 ** 960, 2 ** 960, 1];
    const scaled = [null, 2 ** 896, null];
    const { rows: [row] } = await pool.query(`SELECT ${wideSumSql('v', 's', 'sc').join(', ')} FROM unnest($1::float8[], $2::float8[]) AS t(v, sc)`,
      [numberArrayLiteral(first), numberArrayLiteral(scaled)]);
    expect([row.s, row.s_scaled]).toEqual([1, 3 * 2 ** 896]);
  });
});

describe('a run whose values are huge but finite', () => {
  it('records every step and its rollups, and downsamples to their true means, from rollups and raw rows alike', async () => {
    const huge = trajectory(20_000, 1);
    // Eight of these losses sum within the range of a double, sixteen past it: slices of 1000
    // steps cut buckets of 16 in halves of 8, whose finite sums the statement adds.
    huge.loss = huge.step.map((step) => 1e308 / (6 + (step % 4)));
    huge.gradNorm = huge.step.map(() => 1.7e308);
    huge.valLoss = huge.step.map((step) => (step % 100 === 0 ? -1e308 / (1 + (step % 3)) : null));
    const hugeRunId = await insertRun(authorization);
    await writeMetrics(hugeRunId, huge, 1000);
    const { rows: [stored] } = await client.query(
      `SELECT (SELECT count(*)::int FROM run_metrics WHERE run_id = $1) AS rows,
              (SELECT sum(count)::int FROM metric_rollups WHERE run_id = $1 AND level = 2) AS summarised`, [hugeRunId]);
    expect(stored).toEqual({ rows: 20_000, summarised: 20_000 });
    for (const [from, to, maxPoints] of [[1, 20_000, 100], [1, 20_000, 1000], [3, 19_999, 7], [5000, 9000, 13], [7, 40, 3]]) {
      await expectTrueMeans(hugeRunId, huge, from, to, maxPoints);
    }
  });

  it('gives the means of raw rows from rollups, on random values with huge ones of one sign per field among them', async () => {
    const metrics = createMetricsQuery(pool);
    const fields = ['loss', 'gradNorm', 'valLoss'] as const;
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
      const random = new Random(seed);
      // Finite values of every magnitude, huge ones (up to the largest double) of the sign given, and non-finite ones.
      // Huge values rare or common: some groups' sums pass the range, others stay within it.
      const huge = [0.001, 0.01, 0.3][random.int(3)];
      const value = (sign: number) => {
        const u = random.next();
        if (u < huge) return sign * (1e300 + random.next() * (Number.MAX_VALUE - 1e300));
        if (u < 0.8) return (random.next() - 0.5) * 2e3;
        if (u < 0.9) return (random.next() - 0.5) * 1e-300;
        return [NaN, Infinity, -Infinity][random.int(3)];
      };
      const sign = random.next() < 0.5 ? 1 : -1;
      const columns = trajectory(rawRangeSteps + 601 + random.int(4000), 1);
      columns.loss = columns.step.map(() => value(sign));
      columns.gradNorm = columns.step.map(() => Math.abs(value(1)));
      columns.valLoss = columns.step.map(() => (random.next() < 0.1 ? value(-sign) : null));
      const runIdOf = await insertRun(authorization);
      await writeMetrics(runIdOf, columns, 100 + random.int(3000));
      const [from, to] = [1 + random.int(300), columns.step.length - random.int(300)];
      const maxPoints = 20 + random.int(100);
      expect(planDownsampling(from, to, maxPoints).level).toBeGreaterThan(0);
      const { buckets, bucketSize } = await metrics.downsample(runIdOf, { fields: [...fields], from, to, maxPoints });
      for (const bucket of buckets) {
        const values = Object.fromEntries(fields.map((field) => [field, columns[field].slice(bucket.step - 1, bucket.stepEnd).map((v) => v ?? NaN)]));
        for (const field of fields) expectMean(bucket[field] as number | null, values[field], `${field} of [${bucket.step}, ${bucket.stepEnd}], seed ${seed}`);
        // A whole group read again as a short range comes from raw rows only.
        if ((bucket.step - 1) % bucketSize !== 0 || bucket.stepEnd - bucket.step + 1 !== bucketSize) continue;
        const raw = await metrics.downsample(runIdOf, { fields: [...fields], from: bucket.step, to: bucket.stepEnd, maxPoints: 2 },
          readingPlan(bucket.step, bucket.stepEnd, 0, bucketSize));
        expect(raw.buckets).toHaveLength(1);
        for (const field of fields) {
          expect([raw.buckets[0][`${field}Min`], raw.buckets[0][`${field}Max`]]).toEqual([bucket[`${field}Min`], bucket[`${field}Max`]]);
          expectMean(raw.buckets[0][field] as number | null, values[field], `raw ${field} of [${bucket.step}, ${bucket.stepEnd}], seed ${seed}`);
        }
      }
    }), { numRuns: 4 });
  });

  it('gives the true mean to a group whose values sum past the range both ways', async () => {
    const columns = trajectory(2 * rawRangeSteps, 1);
    columns.loss = columns.step.map((step) => (step <= rawRangeSteps ? 1e308 : -1e308));
    const bothWays = await insertRun(authorization);
    await writeMetrics(bothWays, columns, 5000);
    const query = { fields: ['loss'] as const, from: 1, to: 2 * rawRangeSteps, maxPoints: 2 };
    const { buckets } = await createMetricsQuery(pool).downsample(bothWays, query, readingPlan(1, 2 * rawRangeSteps, 2, 2 * rawRangeSteps));
    expect(buckets).toEqual([{ step: 1, stepEnd: 2 * rawRangeSteps, count: 2 * rawRangeSteps, loss: expect.any(Number), lossMin: -1e308, lossMax: 1e308 }]);
    expectMean(buckets[0].loss as number, columns.loss, 'loss');
  });

  it('reads the exact mean of raw rows whose sum passes the range, not their max', async () => {
    const columns = trajectory(10, 1);
    columns.loss = columns.step.map((step) => (step % 2 ? 1e308 : 1.7e308));
    const runId = await insertRun(authorization);
    await writeMetrics(runId, columns);
    const { buckets } = await createMetricsQuery(pool).downsample(runId, { fields: ['loss'], from: 1, to: 10, maxPoints: 2 }, readingPlan(1, 10, 0, 10));
    expect(buckets).toEqual([{ step: 1, stepEnd: 10, count: 10, loss: referenceMean(columns.loss), lossMin: 1e308, lossMax: 1.7e308 }]);
    expect(buckets[0].loss).toBeCloseTo(1.35e308, -293);
  });

  it('reads the exact mean from rollups at every level, whose bucket sums pass the range', async () => {
    const columns = trajectory(20_000, 1);
    columns.loss = columns.step.map((step) => (step % 2 ? 1e307 : 5e306));
    const runId = await insertRun(authorization);
    await writeMetrics(runId, columns, 1000);
    const metrics = createMetricsQuery(pool);
    for (const level of [2, 3, 4, 5, 6]) {
      const groupWidth = 2 * bucketWidth(level);
      const query = { fields: ['loss'] as const, from: 1, to: 20_000, maxPoints: alignedGroups(1, 20_000, groupWidth) };
      const { buckets } = await metrics.downsample(runId, query, readingPlan(1, 20_000, level, groupWidth));
      for (const bucket of buckets) {
        const label = `[${bucket.step}, ${bucket.stepEnd}] by ${groupWidth} from level ${level}`;
        expectMean(bucket.loss as number, columns.loss.slice(bucket.step - 1, bucket.stepEnd), label);
        if (bucket.count % 2 === 0) expect(Math.abs(bucket.loss as number - 7.5e306), `${label}: ${bucket.loss}`).toBeLessThanOrEqual(1e-13 * 7.5e306);
      }
    }
  });

  it('keeps taking rows into a bucket whose sum saturated before its scaled part existed, whose mean reads as its max', async () => {
    const columns = trajectory(rawRangeSteps + 32, 1);
    columns.loss = columns.step.map(() => 1e307);
    const runId = await insertRun(authorization);
    await writeMetrics(runId, sliceColumns(columns, 0, 8));
    // As a bucket of 16 stored once its sum had saturated, with nothing in its scaled part.
    await client.query(`UPDATE metric_rollups SET loss_sum = 'Infinity', loss_sum_scaled = 0 WHERE run_id = $1 AND level = 2 AND bucket = 0`, [runId]);
    await writeMetrics(runId, sliceColumns(columns, 8, columns.step.length), 1000);
    const { rows: [stored] } = await client.query('SELECT count::int, loss_sum FROM metric_rollups WHERE run_id = $1 AND level = 2 AND bucket = 0', [runId]);
    expect(stored).toEqual({ count: 16, loss_sum: Infinity });
    const query = { fields: ['loss'] as const, from: 1, to: rawRangeSteps + 32, maxPoints: 1000 };
    const { buckets } = await createMetricsQuery(pool).downsample(runId, query, readingPlan(1, rawRangeSteps + 32, 2, 32));
    expect(buckets[0]).toMatchObject({ step: 1, stepEnd: 32, loss: 1e307, lossMax: 1e307 });
  });
});

/** The true mean of the finite values, computed apart from the service: scaled down so their sum stays within the range. */
function referenceMean(values: readonly number[]): number | null {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return null;
  return (finite.reduce((sum, value) => sum + value * 2 ** -64, 0) / finite.length) * 2 ** 64;
}

/** Whether `mean` is `expected` up to the rounding of a sum of values as large as those of the bucket. */
function expectMean(mean: number | null, values: readonly number[], label: string) {
  const expected = referenceMean(values);
  if (expected === null) {
    expect(mean, label).toBeNull();
    return;
  }
  const scale = Math.max(...values.filter((value) => Number.isFinite(value)).map(Math.abs));
  expect(mean, label).not.toBeNull();
  expect(Math.abs(mean! - expected), `${label}: ${mean} for ${expected}`).toBeLessThanOrEqual(1e-12 * scale);
}

/** Downsamples [from, to] through the API and checks each bucket's means against referenceMean. */
async function expectTrueMeans(runId: string, columns: Trajectory, from: number, to: number, maxPoints: number) {
  const response = await app.inject({
    url: `/v1/runs/${runId}/metrics?fields=loss,gradNorm,valLoss&from=${from}&to=${to}&maxPoints=${maxPoints}`,
    headers: { authorization },
  });
  expect(response.statusCode).toBe(200);
  const { points, bucketSize } = response.json();
  for (const point of points) {
    const steps = columns.step.filter((step) => step >= Math.max(from, point.step) && step <= Math.min(to, point.stepEnd));
    expect(point.count).toBe(steps.length);
    expect(Math.floor((point.step - 1) / bucketSize)).toBe(Math.floor((point.stepEnd - 1) / bucketSize));
    for (const field of ['loss', 'gradNorm', 'valLoss'] as const) {
      const values = steps.map((step) => columns[field][step - 1] ?? NaN);
      expectMean(point[field], values, `${field} of [${point.step}, ${point.stepEnd}] in [${from}, ${to}] by ${maxPoints}`);
    }
  }
}

/** Downsamples [from, to] through the API and checks every bucket against a brute-force aggregate of the rows. */
async function expectDownsampled(runId: string, columns: Trajectory, from: number, to: number, maxPoints: number) {
  const response = await app.inject({
    url: `/v1/runs/${runId}/metrics?fields=loss,gradNorm,valLoss,epoch&from=${from}&to=${to}&maxPoints=${maxPoints}`,
    headers: { authorization },
  });
  expect(response.statusCode).toBe(200);
  const page = response.json();
  expect(page.downsampled).toBe(true);
  expect(page.points.length).toBeLessThanOrEqual(maxPoints);
  const width = page.bucketSize;
  const expected = new Map<number, { steps: number[] }>();
  for (let step = from; step <= to; step++) {
    const group = Math.floor((step - 1) / width);
    if (!expected.has(group)) expected.set(group, { steps: [] });
    expected.get(group)!.steps.push(step);
  }
  expect(page.points.length).toBe(expected.size);
  for (const [index, { steps }] of [...expected.values()].entries()) {
    const bucket = page.points[index];
    const loss = steps.map((s) => columns.loss[s - 1]);
    const valLoss = steps.map((s) => columns.valLoss[s - 1]).filter((v): v is number => v !== null);
    expect(bucket.step).toBe(steps[0]);
    expect(bucket.stepEnd).toBe(steps.at(-1));
    expect(bucket.count).toBe(steps.length);
    expect(bucket.lossMin).toBe(Math.min(...loss));
    expect(bucket.lossMax).toBe(Math.max(...loss));
    expect(bucket.loss).toBeCloseTo(loss.reduce((a, b) => a + b, 0) / loss.length, 9);
    expect(bucket.valLoss === null ? null : bucket.valLoss).toEqual(valLoss.length ? expect.closeTo(valLoss.reduce((a, b) => a + b, 0) / valLoss.length, 12) : null);
    expect(bucket.epoch).toBe(columns.epoch[steps.at(-1)! - 1]);
  }
  if (from <= 7777 && 7777 <= to) expect(Math.max(...page.points.map((p: { lossMax: number }) => p.lossMax))).toBe(1e6);
}

function sliceFrom(columns: Trajectory, after: number): Trajectory {
  return sliceColumns(columns, columns.step.findIndex((step) => step > after), columns.step.length);
}

function sliceColumns(columns: Trajectory, start: number, end: number): Trajectory {
  return Object.fromEntries(Object.entries(columns).map(([key, values]: [string, unknown[]]) => [key, values.slice(start, end)])) as unknown as Trajectory;
}
