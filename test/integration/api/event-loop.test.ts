/**
 * /healthz keeps answering while the heaviest requests run: building and checking a model on a
 * large dataset or a 5·10⁶-parameter objective, building a run's model to name its parameters
 * or to draw its landscape, and reading a large JSON dataset upload happen in the objective thread
 * (src/api/objective-thread/), not on the event loop. No wall-clock bound: /healthz must answer
 * many times while the heavy request is in flight, and the event loop's longest stall must be
 * a small part of the heavy request's own duration (when the work ran on the loop, the stall
 * was the whole request and /healthz answered a handful of times). A page of a dataset's rows
 * reads the blocks that hold it and no others, so its cost is the page's, not the dataset's.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';

const model = { type: 'model', model: 'mlp', hidden: [64], data: { builtin: 'blobs', rows: 50_000, columns: 20, classes: 3 } };

describe('/healthz under a heavy request', () => {
  const api = useTestApi();

  /** Sends /healthz again and again while `url` is in flight; how often it answered, and the loop's longest stall. */
  async function whileInFlight(url: string, payload?: object | string) {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    let inFlight = true;
    const headers = { authorization: api.authorization, ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) };
    const heavy = api.app.inject({ method: payload ? 'POST' : 'GET', url, headers, ...(payload ? { payload } : {}) })
      .finally(() => {
        inFlight = false;
      });
    let answers = 0;
    while (inFlight) {
      const health = await api.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      if (inFlight) answers++;
      await sleep(1);
    }
    const response = await heavy;
    const durationMs = performance.now() - started;
    delay.disable();
    return { response, answers, durationMs, longestStallMs: delay.max / 1e6 };
  }

  it.each([
    ['checking the gradient of an mlp on 50,000 rows', '/v1/objectives/check', { objective: model }, 200],
    ['submitting a run of that mlp, full batch', '/v1/runs', { objective: model, optimizer: { name: 'adam' }, training: { maxSteps: 10 } }, 201],
    ['checking a 5·10⁶-parameter objective', '/v1/objectives/check', { objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 5_000_000 } }, 200],
    ['submitting a run of a 5·10⁶-parameter objective', '/v1/runs',
      { objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 5_000_000 }, optimizer: { name: 'sgd', learningRate: 1e-4 }, training: { maxSteps: 1 } }, 201],
  ])('keeps answering while %s', async (_, url, payload, status) => {
    const { response, answers, durationMs, longestStallMs } = await whileInFlight(url, payload);
    expect(response.statusCode, response.body.slice(0, 500)).toBe(status);
    expect(answers).toBeGreaterThanOrEqual(20);
    expect(longestStallMs).toBeLessThan(durationMs / 3);
  }, 120_000);

  it('keeps answering while a run\'s model on 10⁶ rows is built to name its parameters', async () => {
    const objective = { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 1_000_000, columns: 8 }, validationSplit: 0.2 };
    const submitted = await api.app.inject({
      method: 'POST', url: '/v1/runs', headers: { authorization: api.authorization },
      payload: { objective, optimizer: { name: 'adam' }, training: { maxSteps: 10 } },
    });
    expect(submitted.statusCode, submitted.body.slice(0, 500)).toBe(201);
    const { response, answers, durationMs, longestStallMs } = await whileInFlight(`/v1/runs/${submitted.json().id}/parameters`);
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.json()).toMatchObject({ dimensions: 9, names: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'b'] });
    expect(answers).toBeGreaterThanOrEqual(20);
    expect(longestStallMs).toBeLessThan(durationMs / 3);
  }, 120_000);

  it('keeps answering while a run\'s two-parameter model on 10⁶ rows is built and evaluated on a grid', async () => {
    const objective = { type: 'model', model: 'linear', data: { builtin: 'linear', rows: 1_000_000, columns: 1 } };
    const submitted = await api.app.inject({
      method: 'POST', url: '/v1/runs', headers: { authorization: api.authorization },
      payload: { objective, optimizer: { name: 'adam' }, training: { maxSteps: 10 } },
    });
    expect(submitted.statusCode, submitted.body.slice(0, 500)).toBe(201);
    // 6² points × 10⁶ rows: within the landscape's work limit.
    const { response, answers, durationMs, longestStallMs } = await whileInFlight(`/v1/runs/${submitted.json().id}/landscape?resolution=6`);
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.json()).toMatchObject({ variables: ['w1', 'b'], resolution: 6 });
    expect(answers).toBeGreaterThanOrEqual(20);
    expect(longestStallMs).toBeLessThan(durationMs / 3);
  }, 120_000);

  it('keeps answering while a 40 MB JSON dataset upload is parsed and validated', async () => {
    const rows = 250_000;
    const features = Array.from({ length: rows }, (_, r) => Array.from({ length: 8 }, (_, c) => Math.sin(r * 8 + c)));
    const body = JSON.stringify({ features, targets: Array.from({ length: rows }, (_, r) => r % 2) });
    expect(body.length).toBeGreaterThan(40_000_000);
    const { response, answers, durationMs, longestStallMs } = await whileInFlight('/v1/datasets', body);
    expect(response.statusCode, response.body.slice(0, 500)).toBe(201);
    expect(response.json()).toMatchObject({ rows, schema: { featureCount: 8 } });
    expect(answers).toBeGreaterThanOrEqual(20);
    expect(longestStallMs).toBeLessThan(durationMs / 3);
  }, 120_000);

  it('reads a page of a large dataset from the blocks that hold it, not the whole dataset', async () => {
    // 400,000 rows × 8 features (29 MB stored, 28 blocks): a page of 30,000 rows lies in 3 of them.
    const rows = 400_000;
    const value = (r: number, c: number) => ((r * 7 + c * 3) % 1000) / 4;
    const lines = ['a,b,c,d,e,f,g,h,y'];
    for (let r = 0; r < rows; r++) lines.push(`${Array.from({ length: 8 }, (_, c) => value(r, c)).join(',')},${r % 2}`);
    const headers = { authorization: api.authorization };
    const uploaded = await api.app.inject({ method: 'POST', url: '/v1/datasets', headers: { ...headers, 'content-type': 'text/csv' }, payload: lines.join('\n') });
    expect(uploaded.statusCode, uploaded.body.slice(0, 500)).toBe(201);
    const { id } = uploaded.json();
    const [offset, limit] = [200_000, 30_000];
    const url = `/v1/datasets/${id}/data?offset=${offset}&limit=${limit}`;
    const page = await api.app.inject({ method: 'GET', url, headers });
    expect(page.statusCode, page.body.slice(0, 500)).toBe(200);
    expect(page.json()).toMatchObject({ id, offset, totalRows: rows, nextOffset: offset + limit });
    const { features, targets } = page.json().data;
    expect(features).toHaveLength(limit);
    for (const r of [0, 1, limit - 1]) {
      expect(features[r]).toEqual(Array.from({ length: 8 }, (_, c) => value(offset + r, c)));
      expect(targets[r]).toBe((offset + r) % 2);
    }

    // A page of 100,000 rows (the most a page holds) is written as JSON off the event loop.
    const large = await whileInFlight(`/v1/datasets/${id}/data?offset=100000&limit=100000`);
    expect(large.response.statusCode, large.response.body.slice(0, 500)).toBe(200);
    expect(large.response.json()).toMatchObject({ offset: 100_000, totalRows: rows, nextOffset: 200_000 });
    expect(large.response.json().data.features[99_999]).toEqual(Array.from({ length: 8 }, (_, c) => value(199_999, c)));
    expect(large.answers).toBeGreaterThanOrEqual(20);
    expect(large.longestStallMs).toBeLessThan(large.durationMs / 3);

    // Every other block made unreadable (a partial stored number): the page still reads the same,
    // so reading it decodes its own blocks only, whatever the dataset's size.
    const others = await api.services.database.$executeRawUnsafe(`
      UPDATE dataset_blocks b SET "values" = decode('00', 'hex')
        FROM (SELECT seq, sum(rows) OVER (ORDER BY seq) - rows AS first FROM dataset_blocks WHERE dataset_id = $1::uuid) s
       WHERE b.dataset_id = $1::uuid AND b.seq = s.seq AND (s.first + b.rows <= $2::int OR s.first >= $3::int)`, id, offset, offset + limit);
    expect(others).toBeGreaterThan(20);
    const again = await api.app.inject({ method: 'GET', url, headers });
    expect(again.statusCode, again.body.slice(0, 500)).toBe(200);
    expect(again.body).toBe(page.body);
    expect((await api.app.inject({ method: 'GET', url: `/v1/datasets/${id}/data?limit=10`, headers })).statusCode).toBe(500);
  }, 120_000);

  it('checks the gradient of a model whose check costs more than a request may spend no more, and says why', async () => {
    const large = { ...model, hidden: [512], data: { builtin: 'blobs', rows: 100_000, columns: 50 } };
    const { response } = await whileInFlight('/v1/objectives/check', { objective: large });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dimensions: 27_651, variables: null, initial: null, gradientCheck: null });
    expect(response.json().gradientCheckSkipped).toMatch(/^One evaluation of the objective costs about 2\.8e\+9 units of work/);
  }, 120_000);
});
