import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runListItemSchema, runViewSchema } from '../../../src/contracts/run-view.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

describe('/v1/runs', () => {
  const context = useTestApp();
  let authorization: string;

  beforeAll(async () => {
    ({ authorization } = await createTenantKey(context.services.database));
  });

  const submit = (payload: object, headers: Record<string, string> = {}) =>
    context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, ...headers }, payload });

  it('stores a queued run, answers 201 with its view and queues a job whose id is the run id', async () => {
    const response = await submit(minimalSpec);
    expect(response.statusCode).toBe(201);
    const run = response.json();
    expect(run).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      progress: null,
      earlyStoppingState: null,
      earlyStopping: null,
      result: null,
      spec: { objective: minimalSpec.objective, optimizer: { name: 'adam', learningRate: 0.01 }, training: { maxSteps: 500 } },
    });
    expect(new Date(run.createdAt).toISOString()).toBe(run.createdAt);
    expect(response.headers.location).toBe(`/v1/runs/${run.id}`);

    const job = await context.services.runsQueue.getJob(run.id);
    const { tenantId, spec } = await context.services.database.run.findUniqueOrThrow({ where: { id: run.id }, select: { tenantId: true, spec: true } });
    // The tenant and the stored spec ride with the job: a worker admits the run against the
    // tenant's running-runs limit, and starts it, without reading it.
    expect(job?.data).toEqual({ runId: run.id, tenantId, spec });

    const fetched = await context.app.inject({ method: 'GET', url: `/v1/runs/${run.id}`, headers: { authorization } });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(run);
    // Written out without validation: the view matches the documented schema, and holds nothing more.
    expect(runViewSchema.parse(run)).toEqual(run);
  });

  it('returns the same run for a repeated Idempotency-Key, with one job', async () => {
    const idempotencyKey = randomUUID();
    const first = await submit(minimalSpec, { 'idempotency-key': idempotencyKey });
    const second = await submit(minimalSpec, { 'idempotency-key': idempotencyKey });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const counts = await context.services.runsQueue.getJobCounts('prioritized');
    const jobs = await context.services.runsQueue.getJobs(['prioritized']);
    expect(jobs.filter((job) => job.id === first.json().id)).toHaveLength(1);
    expect(counts.prioritized).toBe(jobs.length);
  });

  it('resolves concurrent retries with one Idempotency-Key to one run', async () => {
    const idempotencyKey = randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => submit(minimalSpec, { 'idempotency-key': idempotencyKey })));
    expect(new Set(responses.map((response) => response.json().id)).size).toBe(1);
  });

  it('gives each of many concurrent submissions its own run, of its own tenant, with its own queued job', async () => {
    const tenants = [await createTenantKey(context.services.database, 'burst-a'), await createTenantKey(context.services.database, 'burst-b')];
    const idempotencyKey = randomUUID();
    const requests = Array.from({ length: 28 }, (_, i) => ({
      tenant: tenants[i % 2]!,
      payload: { ...minimalSpec, training: { maxSteps: i < 4 ? 1_000 : i + 1 } },
      // The first four (two per tenant) share a key: one run per tenant.
      headers: i < 4 ? { 'idempotency-key': idempotencyKey } : {},
    }));

    const responses = await Promise.all(requests.map(({ tenant, payload, headers }) =>
      context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: tenant.authorization, ...headers }, payload })));

    expect(responses.map((response) => response.statusCode)).toEqual(requests.map(() => 201));
    const ids = responses.map((response) => response.json().id as string);
    expect(new Set(ids).size).toBe(2 + 24);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).toBe(ids[1]);
    const defaults = context.services.runsQueue.defaultJobOptions;
    for (const [i, { tenant, payload }] of requests.entries()) {
      expect(responses[i]!.json().spec.training.maxSteps).toBe(payload.training.maxSteps);
      const fetched = await context.app.inject({ method: 'GET', url: `/v1/runs/${ids[i]}`, headers: { authorization: tenant.authorization } });
      expect(fetched.json()).toMatchObject({ id: ids[i], spec: { training: payload.training } });
      const job = await context.services.runsQueue.getJob(ids[i]!);
      expect(job).toMatchObject({ id: ids[i], data: { runId: ids[i] }, opts: { ...defaults, jobId: ids[i] } });
    }
  });

  it('refuses an Idempotency-Key reused with a different spec (409)', async () => {
    const idempotencyKey = randomUUID();
    await submit(minimalSpec, { 'idempotency-key': idempotencyKey });
    const conflicting = await submit({ ...minimalSpec, training: { maxSteps: 7 } }, { 'idempotency-key': idempotencyKey });
    expect(conflicting.statusCode).toBe(409);
    expect(conflicting.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('tags a run, a page of runs and a page of sweeps with an ETag and answers 304 until they change', async () => {
    const { authorization: own } = await createTenantKey(context.services.database, 'etag');
    const id = (await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: own }, payload: minimalSpec })).json().id;
    // No worker coordinates it here: it stays queued until cancelled.
    const sweep = await context.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: own },
      payload: { base: minimalSpec, parameters: { 'optimizer.learningRate': { type: 'categorical', values: [0.01, 0.02] } }, sampler: { type: 'grid' } },
    });
    expect(sweep.statusCode, sweep.body).toBe(201);
    const lists = ['/v1/runs?limit=5', '/v1/sweeps?limit=5'];
    for (const url of [`/v1/runs/${id}`, ...lists]) {
      const first = await context.app.inject({ url, headers: { authorization: own } });
      expect(first.statusCode).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/".+"$/);
      const again = await context.app.inject({ url, headers: { authorization: own, 'if-none-match': etag } });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
    }
    const before = (await context.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: own } })).headers.etag as string;
    const listsBefore = await Promise.all(lists.map(async (url) => (await context.app.inject({ url, headers: { authorization: own } })).headers.etag as string));
    await context.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: own } });
    await context.app.inject({ method: 'POST', url: `/v1/sweeps/${sweep.json().id}/cancel`, headers: { authorization: own } });
    const changed = await context.app.inject({ url: `/v1/runs/${id}`, headers: { authorization: own, 'if-none-match': before } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().status).toBe('cancelled');
    for (const [index, url] of lists.entries()) {
      const listChanged = await context.app.inject({ url, headers: { authorization: own, 'if-none-match': listsBefore[index] } });
      expect(listChanged.statusCode, url).toBe(200);
      expect(listChanged.headers.etag).not.toBe(listsBefore[index]);
    }
    expect((await context.app.inject({ url: '/v1/sweeps?limit=5', headers: { authorization: own } })).json().sweeps[0].status).toBe('cancelled');
  });

  it('lists newest first with cursor pagination and a status filter', async () => {
    const tenant = await createTenantKey(context.services.database, 'lister');
    const headers = { authorization: tenant.authorization };
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await context.app.inject({ method: 'POST', url: '/v1/runs', headers, payload: { ...minimalSpec, training: { maxSteps: index + 1 } } });
      ids.push(response.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await context.app.inject({ method: 'GET', url: `/v1/runs?limit=2${query}`, headers });
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.runs.length).toBeLessThanOrEqual(2);
      seen.push(...body.runs.map((run: { id: string }) => run.id));
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ids].reverse());

    await context.services.database.run.update({
      where: { id: ids[1]! },
      data: {
        status: 'completed',
        finishedAt: new Date(),
        result: { stopReason: 'max_steps', message: 'Reached maxSteps.', steps: 2, params: [1, 1], finalLoss: 0.5, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 0.5, step: 2 }, restoredBest: false },
      },
    });
    const completed = await context.app.inject({ method: 'GET', url: '/v1/runs?status=completed', headers });
    expect(completed.json().runs.map((run: { id: string }) => run.id)).toEqual([ids[1]]);
    // A list item's result leaves the parameters out (a run of millions would make the page
    // too large to write); the run's own view has them.
    const [listed] = completed.json().runs as { result: Record<string, unknown> }[];
    expect(listed!.result).toMatchObject({ stopReason: 'max_steps', steps: 2, finalLoss: 0.5 });
    expect(listed!.result).not.toHaveProperty('params');
    expect(runListItemSchema.safeParse(listed).success).toBe(true);
    const single = await context.app.inject({ method: 'GET', url: `/v1/runs/${ids[1]}`, headers });
    expect(single.json().result.params).toEqual([1, 1]);
    const queued = await context.app.inject({ method: 'GET', url: '/v1/runs?status=queued', headers });
    expect(queued.json().runs).toHaveLength(4);
  });
});
