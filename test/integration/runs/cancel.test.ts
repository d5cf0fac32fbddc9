import { afterAll, describe, expect, it } from 'vitest';
import { createTenantKey } from '../support/services.ts';
import { getRun, isFinal, postRun, startTestWorker, storedMetrics, waitForRun, useTestApi, type TestWorker } from './support.ts';

/** Long enough to be cancelled mid-run: about a million cheap updates. */
const longSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'sgd', learningRate: 0.0001 },
  training: { maxSteps: 1e9 },
  record: { every: 100 },
};

const shortSpec = {
  objective: { type: 'benchmark', name: 'sphere' },
  optimizer: { name: 'sgd', learningRate: 0.1 },
  training: { maxSteps: 20 },
};

describe('POST /v1/runs/{id}/cancel', () => {
  const api = useTestApi();
  let worker: TestWorker | undefined;

  afterAll(async () => {
    await worker?.close();
  });

  const cancel = (id: string, auth = api.authorization) =>
    api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: auth } });

  it('an empty body sent as application/json is no body: the queued run is cancelled (before any worker runs)', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/runs/${id}/cancel`,
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'cancelled' });
  });

  it('a queued run is cancelled at once and never starts', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    const response = await cancel(id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'cancelled', result: { stopReason: 'cancelled', steps: 0 } });

    worker = await startTestWorker(api.services);
    // A run posted after it is processed by the same worker, so the cancelled one had its chance.
    const later = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    await waitForRun(api.app, api.authorization, later, isFinal);
    const view = await getRun(api.app, api.authorization, id);
    expect(view).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(await storedMetrics(worker.pool, id)).toEqual([]);
  });

  it('a running run stops within a slice with stopReason cancelled, its metrics kept', async () => {
    worker ??= await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, longSpec)).json().id;
    const running = await waitForRun(api.app, api.authorization, id, (view) => view.status === 'running' && (view.progress?.step ?? 0) > 0);
    expect(running.progress).toMatchObject({ totalSteps: 1e9, stepsPerSecond: expect.any(Number), etaSeconds: expect.any(Number) });

    const response = await cancel(id);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ id, status: 'running' });
    const view = await waitForRun(api.app, api.authorization, id, isFinal, 10_000);
    expect(view.status).toBe('cancelled');
    expect(view.result).toMatchObject({ stopReason: 'cancelled', message: expect.stringContaining('Cancelled') });
    const metrics = await storedMetrics(worker.pool, id);
    expect(metrics.length).toBeGreaterThan(0);
    // The last completed update is recorded, and the steps run without gaps up to it.
    expect(metrics.at(-1)!.step).toBe(view.result!.steps);
    expect(metrics.slice(0, -1).every((row, i) => row.step === (i + 1) * 100)).toBe(true);
  });

  it('cancelling a finished run → 409 problem+json', async () => {
    worker ??= await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    await waitForRun(api.app, api.authorization, id, isFinal);
    const response = await cancel(id);
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, code: 'run_finished' });
  });

  it("another tenant's run, or no run at all → 404", async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    const other = await createTenantKey(api.services.database, 'other');
    expect((await cancel(id, other.authorization)).statusCode).toBe(404);
    expect((await cancel('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
