/**
 * A tenant's quotas at submission: unfinished runs (429) and metric rows, stored or reserved by
 * unfinished runs (403). The submission beyond a quota gets a problem naming it, its limit and
 * the use, and nothing is stored; a sweep's trial, which no submission checked, is stopped by the
 * worker at the quota with stop reason `metric_rows_quota`.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantKey, minimalSpec, useTestApp, type TestServices } from '../support/services.ts';
import { startTestSweepWorker, waitForSweep, leaderboard, quadraticBase } from '../sweeps/support.ts';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { iterateRun } from '../../../src/core/training/index.ts';

/** A refusal at a quota: `status`, a problem of `code` naming the quota, its limit and the use. */
function expectQuotaProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
  code: string,
  quota: { name: string; limit: number; used: number; requested: number },
): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ code, errors: [{ code: quota.name }], quota });
}

describe('TENANT_MAX_ACTIVE_RUNS', () => {
  const context = useTestApp({ TENANT_MAX_ACTIVE_RUNS: '3' });
  const submit = (authorization: string, headers: Record<string, string> = {}) =>
    context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization, ...headers }, payload: minimalSpec });

  it('refuses a tenant its fourth unfinished run with 429 quota_exceeded, replays still answered, other tenants unaffected', async () => {
    const tenant = await createTenantKey(context.services.database, 'quota');
    const key = randomUUID();
    const accepted = [await submit(tenant.authorization, { 'idempotency-key': key }), await submit(tenant.authorization), await submit(tenant.authorization)];
    expect(accepted.map((response) => response.statusCode)).toEqual([201, 201, 201]);

    const refused = await submit(tenant.authorization);
    expectQuotaProblem(refused, 429, 'quota_exceeded', { name: 'TENANT_MAX_ACTIVE_RUNS', limit: 3, used: 3, requested: 1 });
    expect(refused.json().detail).toContain('TENANT_MAX_ACTIVE_RUNS');
    const stored = await context.services.database.run.count({ where: { tenant: { name: tenant.tenantName } } });
    expect(stored).toBe(3);

    // A retry of an accepted submission is its run, not a new one.
    const replay = await submit(tenant.authorization, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(accepted[0]!.json().id);

    const other = await createTenantKey(context.services.database, 'quota-other');
    expect((await submit(other.authorization)).statusCode).toBe(201);

    // A finished run frees its place.
    const cancelled = await context.app.inject({ method: 'POST', url: `/v1/runs/${accepted[1]!.json().id}/cancel`, headers: { authorization: tenant.authorization } });
    expect(cancelled.statusCode).toBe(200);
    expect((await submit(tenant.authorization)).statusCode).toBe(201);
  });
});

// minimalSpec reserves 500 metric rows: each quota has room for 3 of them.
describe.each([
  { name: 'TENANT_MAX_ACTIVE_RUNS', limit: 3, status: 429, code: 'quota_exceeded', requested: 1 },
  { name: 'TENANT_MAX_METRIC_ROWS', limit: 1500, status: 403, code: 'storage_quota_exceeded', requested: 500 },
])('$name at the edge of a burst', ({ name, limit, status, code, requested }) => {
  const context = useTestApp({ [name]: String(limit) });

  it('admits as many of a burst of concurrent submissions as fit, and refuses only the rest, storing nothing of them', async () => {
    const tenant = await createTenantKey(context.services.database, 'burst');
    const responses = await Promise.all(Array.from({ length: 8 }, () => context.app.inject({
      method: 'POST', url: '/v1/runs', headers: { authorization: tenant.authorization }, payload: minimalSpec,
    })));
    const accepted = responses.filter((response) => response.statusCode === 201);
    expect(accepted).toHaveLength(3);
    for (const refused of responses.filter((response) => response.statusCode !== 201)) {
      expectQuotaProblem(refused, status, code, { name, limit, used: limit, requested });
    }
    const stored = await context.services.database.run.findMany({ where: { tenant: { name: tenant.tenantName } }, select: { id: true } });
    expect(stored.map((run) => run.id).sort()).toEqual(accepted.map((response) => response.json().id as string).sort());
  });
});

describe('TENANT_MAX_METRIC_ROWS', () => {
  const context = useTestApp({ TENANT_MAX_METRIC_ROWS: '1000' });
  const submit = (authorization: string, spec: object) =>
    context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: spec });

  it('reserves the rows of unfinished runs (maxSteps / record.every) and refuses a run beyond with 403 storage_quota_exceeded', async () => {
    const tenant = await createTenantKey(context.services.database, 'rows');
    // 500 updates recorded each: 500 rows each.
    const first = await submit(tenant.authorization, minimalSpec);
    expect((await submit(tenant.authorization, minimalSpec)).statusCode).toBe(201);
    expect(first.statusCode).toBe(201);

    // A third reservation of 500 would make 1500, and even 6 rows (every 100th of 500 and the last) 1006.
    const refused = await submit(tenant.authorization, minimalSpec);
    expectQuotaProblem(refused, 403, 'storage_quota_exceeded', { name: 'TENANT_MAX_METRIC_ROWS', limit: 1000, used: 1000, requested: 500 });
    const sparse = await submit(tenant.authorization, { ...minimalSpec, record: { every: 100 } });
    expect(sparse.json().quota).toEqual({ name: 'TENANT_MAX_METRIC_ROWS', limit: 1000, used: 1000, requested: 6 });
    expect(await context.services.database.run.count({ where: { tenant: { name: tenant.tenantName } } })).toBe(2);

    // Another tenant has its own quota; a cancelled run that stored nothing frees its reservation.
    const other = await createTenantKey(context.services.database, 'rows-other');
    expect((await submit(other.authorization, minimalSpec)).statusCode).toBe(201);
    await context.app.inject({ method: 'POST', url: `/v1/runs/${first.json().id}/cancel`, headers: { authorization: tenant.authorization } });
    expect((await submit(tenant.authorization, { ...minimalSpec, record: { every: 100 } })).statusCode).toBe(201);
  });
});

/** 40 rows in batches of 8 for 3 epochs, each update recorded: 15 updates, 5 an epoch, in a run of its own. */
const epochsSpec = {
  objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } },
  optimizer: { name: 'sgd', learningRate: 0.1 },
  training: { epochs: 3, batchSize: 8 },
  record: { every: 1 },
};

/** The metric_rows_bound stored with run `id`. */
const boundOf = async (services: TestServices, id: string) =>
  Number((await services.database.$queryRawUnsafe<{ bound: bigint }[]>('SELECT metric_rows_bound AS bound FROM runs WHERE id = $1::uuid', id))[0]!.bound);

describe('TENANT_MAX_METRIC_ROWS of runs that epochs end', () => {
  const context = useTestApp({ TENANT_MAX_METRIC_ROWS: '1000' });

  it("reserves the rows of a run that epochs end as its data's updates give them, not the 10⁹ updates its spec alone allows", async () => {
    const tenant = await createTenantKey(context.services.database, 'rows-epochs');
    const spec = epochsSpec;
    const recorded = [...iterateRun(runSpecSchema.parse(spec))].length;
    expect(recorded).toBe(15);
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: tenant.authorization }, payload: spec }));
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201]);
    for (const response of responses) expect(await boundOf(context.services, response.json().id as string)).toBe(recorded);
    // A run that epochs end on a function: each full-batch step is an epoch.
    const fn = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: tenant.authorization }, payload: { ...spec, objective: { type: 'benchmark', name: 'booth' }, training: { epochs: 7 } } });
    expect(fn.statusCode, fn.body).toBe(201);
    expect(await boundOf(context.services, fn.json().id as string)).toBe(7);
  });
});

describe('TENANT_MAX_METRIC_ROWS of parallel runs that epochs end', () => {
  const context = useTestApp({ TENANT_MAX_METRIC_ROWS: '40' });

  it("reserves the rows of a parallel run that epochs end as its replicas' ticks over its data give them, and admits a second one", async () => {
    const tenant = await createTenantKey(context.services.database, 'rows-parallel-epochs');
    // 40 rows over 3 replicas: shards of 14, 13 and 13, ⌈14/8⌉ = 2 batches each; 3 epochs of 3·2 ticks, each recorded.
    const spec = { ...epochsSpec, parallel: { algorithm: 'easgd', replicas: 3, execution: 'simulated' } };
    const recorded = [...iterateRun(runSpecSchema.parse(spec))].length;
    expect(recorded).toBe(18);
    const submit = (payload: object) => context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization: tenant.authorization }, payload });
    // Two of them fit in 40 rows: 36 reserved.
    const first = await submit(spec);
    const second = await submit(spec);
    expect([first.statusCode, second.statusCode], second.body).toEqual([201, 201]);
    expect([await boundOf(context.services, first.json().id), await boundOf(context.services, second.json().id)]).toEqual([recorded, recorded]);
    // A third, concurrent hogwild over 2 threads (shards of 20 rows, 3 batches; 3 epochs of 2·3 ticks), would take 54:
    // refused, as it asks its 18 rows, not 10⁹.
    const third = await submit({ ...spec, parallel: { algorithm: 'hogwild', replicas: 2, execution: 'concurrent' } });
    expect(third.statusCode).toBe(403);
    expect(third.json().quota).toEqual({ name: 'TENANT_MAX_METRIC_ROWS', limit: 40, used: 36, requested: 18 });
  });
});

describe('TENANT_MAX_METRIC_ROWS of sweep trials that epochs end', () => {
  const context = useTestApp({ TENANT_MAX_METRIC_ROWS: '200' });
  /** A sweep, and the rows of each of its trials by their parameters. */
  type SweepRows = { sweep: object; rows: (parameters: Record<string, number | string>) => number };

  /** Runs each sweep (grid, 2 trials side by side) to its end for a new tenant, and checks that its every trial reserved, and stored, its rows. */
  async function expectTrialsToRunToTheirEnd(tenantName: string, sweeps: SweepRows[]): Promise<void> {
    const tenant = await createTenantKey(context.services.database, tenantName);
    const worker = await startTestSweepWorker(context.services);
    try {
      for (const { sweep, rows: rowsOf } of sweeps) {
        const response = await context.app.inject({
          method: 'POST', url: '/v1/sweeps', headers: { authorization: tenant.authorization }, payload: { ...sweep, sampler: { type: 'grid' }, parallelism: 2 },
        });
        expect(response.statusCode, response.body).toBe(201);
        const ended = await waitForSweep(context.app, tenant.authorization, response.json().id);
        expect(ended.status).toBe('completed');
        const { rows } = await worker.pool.query<{ ending: string; parameters: Record<string, number | string>; bound: string; stored: number }>(
          `SELECT status || ' ' || (result->>'stopReason') AS ending, parameters, metric_rows_bound AS bound,
                  (SELECT count(*)::int FROM run_metrics m WHERE m.run_id = runs.id) AS stored
             FROM runs WHERE sweep_id = $1 ORDER BY trial_number`, [response.json().id]);
        // Every trial ran to its end (none stopped by the quota), storing the rows its bound reserved.
        const expected = rows.map((row) => rowsOf(row.parameters));
        expect(rows.map((row) => row.ending)).toEqual(expected.map(() => 'completed max_steps'));
        expect(rows.map((row) => Number(row.bound))).toEqual(expected);
        expect(rows.map((row) => row.stored)).toEqual(expected);
      }
    } finally {
      await worker.close();
    }
  }

  it("reserves each trial's rows as its epochs' updates over the base's data give them: trials side by side run to their end", async () => {
    const base = epochsSpec;
    // Parallel trials' ticks by replicas and batch size.
    const parallelTicks: Record<string, number> = { '2/8': 18, '2/4': 30, '3/8': 18, '3/4': 36 };
    await expectTrialsToRunToTheirEnd('rows-trial-epochs', [
      // Runs of their own: ⌈40/8⌉ = 5 updates an epoch, 15 in 3.
      { sweep: { base, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.05, 0.1, 0.2] } } }, rows: () => 15 },
      // Parallel: 2 replicas, shards of 20 rows, 3 batches of 8 or 5 of 4 (18 or 30 ticks); 3 replicas, shards of 14, 2 or 4 (18 or 36).
      {
        sweep: {
          base: { ...base, parallel: { algorithm: 'easgd', replicas: 2, execution: 'simulated' } },
          parameters: { 'parallel.replicas': { type: 'int', values: [2, 3] }, 'training.batchSize': { type: 'int', values: [8, 4] } },
        },
        rows: (parameters) => parallelTicks[`${parameters['parallel.replicas']}/${parameters['training.batchSize']}`]!,
      },
      // A function: each full-batch step is an epoch.
      {
        sweep: { base: { ...quadraticBase, training: { epochs: 7 }, record: { every: 1 } }, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] } } },
        rows: () => 7,
      },
    ]);
  });

  it("reserves the rows of a trial a parameter gives another objective on the base's data, as its own validation split leaves them", async () => {
    const base = epochsSpec;
    await expectTrialsToRunToTheirEnd('rows-trial-objectives', [
      // The model's penalty leaves its 40 rows: 15 updates.
      { sweep: { base, parameters: { 'objective.l2': { type: 'float', values: [0.001, 0.01, 0.1] } } }, rows: () => 15 },
      // Holding out 10 or 20 of the 40 rows leaves 4 or 3 batches of 8 an epoch.
      { sweep: { base, parameters: { 'objective.validationSplit': { type: 'float', values: [0.25, 0.5] } } }, rows: (parameters) => (parameters['objective.validationSplit'] === 0.25 ? 12 : 9) },
      // An mlp's activation and layers leave them too.
      {
        sweep: {
          base: { ...base, objective: { ...base.objective, model: 'mlp', hidden: [4] } },
          parameters: { 'objective.activation': { type: 'categorical', values: ['relu', 'tanh'] }, 'objective.hidden.0': { type: 'int', values: [4, 8] } },
        },
        rows: () => 15,
      },
      // A function's parameters leave it a function: each full-batch step is an epoch.
      {
        sweep: {
          base: { ...base, objective: { type: 'benchmark', name: 'quadratic', dimensions: 3 }, training: { epochs: 7 } },
          parameters: { 'objective.conditionNumber': { type: 'float', values: [10, 100] } },
        },
        rows: () => 7,
      },
    ]);
  });
});

describe('TENANT_MAX_METRIC_ROWS in the worker', () => {
  const context = useTestApp({ TENANT_MAX_METRIC_ROWS: '30' });

  it("stops a sweep's trial when its tenant reaches the quota, with stop reason metric_rows_quota and at most the quota stored", async () => {
    const tenant = await createTenantKey(context.services.database, 'rows-trial');
    const worker = await startTestSweepWorker(context.services);
    try {
      const response = await context.app.inject({
        method: 'POST', url: '/v1/sweeps', headers: { authorization: tenant.authorization },
        payload: {
          base: { ...quadraticBase, training: { maxSteps: 100 }, record: { every: 1 } },
          parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01] } },
          sampler: { type: 'grid' },
          parallelism: 1,
        },
      });
      expect(response.statusCode).toBe(201);
      await waitForSweep(context.app, tenant.authorization, response.json().id);
      const [trial] = await leaderboard(context.app, tenant.authorization, response.json().id);
      const run = await context.app.inject({ method: 'GET', url: `/v1/runs/${trial!.runId}`, headers: { authorization: tenant.authorization } });
      expect(run.json()).toMatchObject({ status: 'cancelled', result: { stopReason: 'metric_rows_quota' } });
      expect(run.json().result.message).toContain('TENANT_MAX_METRIC_ROWS');
      const { rows: [stored] } = await worker.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM run_metrics WHERE run_id = $1', [trial!.runId]);
      expect(stored!.count).toBeGreaterThan(20);
      expect(stored!.count).toBeLessThanOrEqual(30);
      expect(run.json().result.steps).toBe(stored!.count);
    } finally {
      await worker.close();
    }
  });
});

describe('TENANT_MAX_DATASET_BYTES', () => {
  const context = useTestApp({ TENANT_MAX_DATASET_BYTES: '4096' });
  const upload = (authorization: string, payload: object | string) =>
    context.app.inject({
      method: 'POST', url: '/v1/datasets', headers: { authorization, 'content-type': typeof payload === 'string' ? 'text/csv' : 'application/json' }, payload,
    });
  /** `rows` rows of two features and a target: 24 stored bytes each. */
  const csv = (rows: number) => `a,b,y\n${Array.from({ length: rows }, (_, i) => `${i},${i / 2},${i % 2}`).join('\n')}\n`;

  it('refuses an upload that would take the tenant past its stored bytes with 403, mid-stream, leaving nothing stored', async () => {
    const tenant = await createTenantKey(context.services.database, 'bytes');
    expect((await upload(tenant.authorization, csv(100))).statusCode).toBe(201);
    const datasets = { tenant: { name: tenant.tenantName } };
    expect(await context.services.database.dataset.findMany({ where: datasets, select: { byteSize: true } })).toEqual([{ byteSize: 2400n }]);

    // 1696 bytes left: 100 more rows (2400 bytes) are refused, in CSV and in JSON.
    const refused = await upload(tenant.authorization, csv(100));
    expectQuotaProblem(refused, 403, 'storage_quota_exceeded', { name: 'TENANT_MAX_DATASET_BYTES', limit: 4096, used: 2400, requested: 2400 });
    const json = await upload(tenant.authorization, { features: Array.from({ length: 100 }, (_, i) => [i, i]), targets: new Array(100).fill(0) });
    expect(json.statusCode).toBe(403);
    expect(json.json().quota).toEqual({ name: 'TENANT_MAX_DATASET_BYTES', limit: 4096, used: 2400, requested: 2400 });
    expect(await context.services.database.dataset.count({ where: datasets })).toBe(1);
    expect(await context.services.database.datasetBlock.count({ where: { dataset: datasets } })).toBe(1);

    // What fits is stored; another tenant has its own quota.
    expect((await upload(tenant.authorization, csv(70))).statusCode).toBe(201);
    const other = await createTenantKey(context.services.database, 'bytes-other');
    expect((await upload(other.authorization, csv(100))).statusCode).toBe(201);
  });
});
