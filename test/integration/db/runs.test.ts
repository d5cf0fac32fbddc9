import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createRunRepository, RunQuotaError, type NewRun, type RunRepository } from '../../../src/db/runs.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { countStatements } from '../support/statement-count.ts';
import { createMetricRowsUse } from '../../../src/db/metric-rows-use.ts';
import { countedPlace } from './support.ts';
import { eventually } from '../../support/eventually.ts';

describe('run submission (prepared statements through the pg pool, concurrent ones shared)', () => {
  let services: TestServices;
  let pool: Pool;
  let runs: RunRepository;
  const countedPools: Pool[] = [];
  const spec = { objective: { type: 'benchmark', name: 'rosenbrock' }, training: { maxSteps: 3 } };

  async function newTenantId(): Promise<string> {
    const { tenantName } = await createTenantKey(services.database, 'runs-db');
    return (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
  }

  /** A repository over a pool of its own, with the statements it sends counted. */
  function countedRepository() {
    const counted = createPool(services.config.databaseUrl, 4);
    countedPools.push(counted);
    return { runs: createRunRepository(services.database, counted), statements: countStatements(counted) };
  }

  beforeAll(async () => {
    services = await openTestServices();
    pool = createPool(services.config.databaseUrl, 3);
    runs = createRunRepository(services.database, pool);
  });
  afterAll(async () => {
    await Promise.all(countedPools.map((counted) => counted.end()));
    await pool.end();
    await services.close();
  });

  it('returns the stored row exactly as Prisma reads it', async () => {
    const tenantId = await newTenantId();
    const { run, created } = await runs.create({ tenantId, spec, idempotencyKey: randomUUID() });
    expect(created).toBe(true);
    expect(run).toEqual(await services.database.run.findUnique({ where: { id: run.id } }));
    expect(run).toMatchObject({ tenantId, status: 'queued', attempts: 0, progress: null, result: null, sweepId: null, trialNumber: null });
  });

  it('returns runs inserted together without a key exactly as Prisma reads them, though their statement answers only what the insert did not choose', async () => {
    const tenantId = await newTenantId();
    const { runs: counted, statements } = countedRepository();
    const specs = Array.from({ length: 6 }, (_, i) => ({ ...specOf('keyless', i), optimizer: { name: 'adam', learningRate: 1e-2, beta1: 0.90 } }));

    const created = await Promise.all(specs.map((submitted) => counted.create({ tenantId, spec: submitted })));

    expect(statements.count).toBeLessThan(specs.length);
    for (const { run, created: isNew } of created) {
      expect(isNew).toBe(true);
      expect(run).toEqual(await services.database.run.findUnique({ where: { id: run.id } }));
    }
  });

  it('scopes an idempotency key to its tenant', async () => {
    const key = randomUUID();
    const [tenantA, tenantB] = [await newTenantId(), await newTenantId()];
    const first = await runs.create({ tenantId: tenantA, spec, idempotencyKey: key });
    const again = await runs.create({ tenantId: tenantA, spec: { other: true }, idempotencyKey: key });
    const other = await runs.create({ tenantId: tenantB, spec, idempotencyKey: key });
    expect(again).toEqual({ run: first.run, created: false });
    expect(other.created).toBe(true);
    expect(other.run.id).not.toBe(first.run.id);
    expect(other.run.tenantId).toBe(tenantB);
  });

  it('submits a replay again when the run its key named is deleted before it is read, storing a new run under the key', async () => {
    const tenantId = await newTenantId();
    const key = randomUUID();
    const first = await runs.create({ tenantId, spec, idempotencyKey: key });
    // The deletion lands between the submission's statement (which found the key's run) and
    // the read of that run: the real pool, with a real DELETE sent right after that statement answers.
    let deletions = 0;
    const interleaved = new Proxy(pool, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Pool['query']>) => {
          const answer = await (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
          if ((args[0] as { name?: string }).name === 'runs-submit' && deletions === 0) {
            deletions++;
            await target.query('DELETE FROM runs WHERE id = $1', [first.run.id]);
          }
          return answer;
        };
      },
    });
    const replay = await createRunRepository(services.database, interleaved).create({ tenantId, spec, idempotencyKey: key });
    expect(deletions).toBe(1);
    expect(replay.created).toBe(true);
    expect(replay.run.id).not.toBe(first.run.id);
    expect(replay.run).toEqual(await services.database.run.findUnique({ where: { id: replay.run.id } }));
    expect(await services.database.run.findUnique({ where: { id: first.run.id } })).toBeNull();
  });

  it('returns the run of a concurrent submission that commits while this one waits on the key', async () => {
    const tenantId = await newTenantId();
    const key = randomUUID();
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      const { rows: [held] } = await holder.query<{ id: string }>(
        'INSERT INTO runs (id, tenant_id, spec, idempotency_key) VALUES ($1, $2, $3, $4) RETURNING id',
        [randomUUID(), tenantId, JSON.stringify(spec), key],
      );
      const pending = runs.create({ tenantId, spec, idempotencyKey: key });
      // Commit only once the submission waits on the uncommitted row: its snapshot predates the commit.
      // From another connection: inside a transaction, pg_stat_activity is a snapshot.
      const waiting = async () => (await pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%runs_submit(%'`,
      )).rows[0]!.waiting;
      expect(await eventually(waiting, (count) => count > 0, { intervalMs: 10 })).toBeGreaterThan(0);
      await holder.query('COMMIT');
      const { run, created } = await pending;
      expect(created).toBe(false);
      expect(run.id).toBe(held!.id);
    } finally {
      holder.release();
    }
  });

  /** A spec of its own per submission, with what JSON and array literals must escape. */
  const specOf = (label: string, i: number) => ({ ...spec, label, i, note: `"quoted" \\ back\\slash, {braces}, comma, ünïcødé ${i}` });

  it('stores many concurrent submissions without a key each as its own run, in shared statements', async () => {
    const tenants = [await newTenantId(), await newTenantId()];
    const submissions = Array.from({ length: 32 }, (_, i) => ({ tenantId: tenants[i % 2]!, spec: specOf('keyless', i), trialNumber: i % 3 ? i : undefined }));
    const { runs: counted, statements } = countedRepository();

    const results = await Promise.all(submissions.map((submission) => counted.create(submission)));

    // Made in one turn: all in one statement.
    expect(statements.count).toBe(1);
    expect(new Set(results.map(({ run }) => run.id)).size).toBe(32);
    results.forEach(({ run, created }, i) => {
      expect(created).toBe(true);
      expect(run).toMatchObject({
        tenantId: submissions[i]!.tenantId, spec: submissions[i]!.spec, status: 'queued',
        idempotencyKey: null, sweepId: null, trialNumber: submissions[i]!.trialNumber ?? null,
      });
    });
    const stored = await services.database.run.findMany({ where: { id: { in: results.map(({ run }) => run.id) } } });
    expect(new Map(stored.map((row) => [row.id, row]))).toEqual(new Map(results.map(({ run }) => [run.id, run])));
  });

  it('resolves concurrent submissions with and without keys: one run per key and tenant, one per keyless submission', async () => {
    const tenants = [await newTenantId(), await newTenantId()];
    const sharedKey = randomUUID();
    // Per tenant: 6 keyless, 4 with a key of their own, and 4 with the key both tenants use.
    const submissions: NewRun[] = tenants.flatMap((tenantId, t) => [
      ...Array.from({ length: 6 }, (_, i) => ({ tenantId, spec: specOf(`keyless-${t}`, i) })),
      ...Array.from({ length: 4 }, (_, i) => ({ tenantId, spec: specOf(`own-${t}`, i), idempotencyKey: randomUUID() })),
      ...Array.from({ length: 4 }, () => ({ tenantId, spec: specOf(`shared-${t}`, 0), idempotencyKey: sharedKey })),
    ]);
    // Interleaved, so keyless and keyed submissions of both tenants arrive together.
    const order = submissions.map((_, i) => (i * 11) % submissions.length);
    const results: Awaited<ReturnType<RunRepository['create']>>[] = [];
    await Promise.all(order.map(async (i) => {
      results[i] = await runs.create(submissions[i]!);
    }));

    results.forEach(({ run }, i) => {
      expect(run).toMatchObject({ tenantId: submissions[i]!.tenantId, spec: submissions[i]!.spec, idempotencyKey: submissions[i]!.idempotencyKey ?? null });
    });
    for (const tenantId of tenants) {
      const shared = results.filter((_, i) => submissions[i]!.tenantId === tenantId && submissions[i]!.idempotencyKey === sharedKey);
      expect(new Set(shared.map(({ run }) => run.id)).size).toBe(1);
      expect(shared.filter(({ created }) => created)).toHaveLength(1);
    }
    const distinct = new Set(results.map(({ run }) => run.id));
    expect(distinct.size).toBe(2 * (6 + 4 + 1));
    expect(await services.database.run.count({ where: { tenantId: { in: tenants } } })).toBe(distinct.size);
  });

  /** Settles each submission: its run's spec label and place, or the quota that refused it with the use it was refused at. */
  const outcomes = (settled: PromiseSettledResult<Awaited<ReturnType<RunRepository['create']>>>[]) => settled.map((result) => (result.status === 'fulfilled'
    ? { created: result.value.created, i: (result.value.run.spec as { i: number }).i, rank: result.value.place?.priority }
    : { refused: (result.reason as RunQuotaError).quota, used: (result.reason as RunQuotaError).used, requested: (result.reason as RunQuotaError).requested }));

  it('stores of a burst of concurrent submissions the first that fit its tenant\'s unfinished runs, each with its place in the backlog, and nothing of the others', async () => {
    const [tenantId, other] = [await newTenantId(), await newTenantId()];
    await runs.create({ tenantId, spec: specOf('before', 0) });
    const { runs: counted, statements } = countedRepository();
    const quotas = { maxActiveRuns: 4, maxMetricRows: Infinity };

    // Made in one turn, with another tenant's: 3 of the 8 fit beside the run stored before.
    const settled = await Promise.allSettled([
      ...Array.from({ length: 8 }, (_, i) => counted.create({ tenantId, spec: specOf('burst', i) }, quotas)),
      counted.create({ tenantId: other, spec: specOf('other', 8) }, quotas),
    ]);

    expect(statements.count).toBe(1);
    expect(outcomes(settled)).toEqual([
      ...[0, 1, 2].map((i) => ({ created: true, i, rank: 2 + i })),
      ...Array.from({ length: 5 }, () => ({ refused: 'activeRuns', used: 4, requested: 1 })),
      { created: true, i: 8, rank: 1 },
    ]);
    for (const result of settled) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(RunQuotaError);
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ limit: 4 });
    }
    for (const result of settled) {
      if (result.status === 'fulfilled') expect((await countedPlace(pool, result.value.run.id)).rank).toBe(result.value.place!.priority);
    }
    expect(await services.database.run.count({ where: { tenantId } })).toBe(4);
  });

  it("stores of a burst the runs whose metric rows fit in the order submitted, as if submitted one after another", async () => {
    const tenantId = await newTenantId();
    // 4 rows stored by a finished run, 3 reserved by an unfinished one (maxSteps 3, every step).
    const [finished] = await Promise.all([runs.create({ tenantId, spec: specOf('finished', 0) }), runs.create({ tenantId, spec: specOf('unfinished', 0) })]);
    await pool.query(`UPDATE runs SET status = 'completed', metric_rows = 4 WHERE id = $1`, [finished.run.id]);
    const quotas = { maxActiveRuns: Infinity, maxMetricRows: 1007 };
    // Reserving 500, 600, 400 and 100 rows, then 3 each, where 1000 are left.
    const reserving = [500, 600, 400, 100, 3, 3, 3, 3];

    const settled = await Promise.allSettled(reserving.map((rows, i) => runs.create({ tenantId, spec: { ...specOf('rows', i), training: { maxSteps: rows } } }, quotas)));

    expect(outcomes(settled)).toEqual([
      { created: true, i: 0, rank: 2 },
      { refused: 'metricRows', used: 507, requested: 600 },
      { created: true, i: 2, rank: 3 },
      { created: true, i: 3, rank: 4 },
      ...Array.from({ length: 4 }, () => ({ refused: 'metricRows', used: 1007, requested: 3 })),
    ]);
    expect(await createMetricRowsUse(pool).of(tenantId)).toMatchObject({ total: 1007 });
  });

  it('counts a new keyed run like the others and never refuses a replay, at the edge of the quota', async () => {
    const tenantId = await newTenantId();
    const quotas = { maxActiveRuns: 2, maxMetricRows: Infinity };
    const key = randomUUID();
    const first = await runs.create({ tenantId, spec: specOf('keyed', 0), idempotencyKey: key }, quotas);

    const settled = await Promise.allSettled([
      runs.create({ tenantId, spec: specOf('keyed', 1), idempotencyKey: randomUUID() }, quotas),
      runs.create({ tenantId, spec: specOf('keyed', 0), idempotencyKey: key }, quotas),
      runs.create({ tenantId, spec: specOf('keyed', 2), idempotencyKey: randomUUID() }, quotas),
      runs.create({ tenantId, spec: specOf('keyless', 3) }, quotas),
      runs.create({ tenantId, spec: specOf('keyed', 0), idempotencyKey: key }, quotas),
    ]);

    expect(outcomes(settled)).toEqual([
      { created: true, i: 1, rank: 2 },
      { created: false, i: 0, rank: undefined },
      { refused: 'activeRuns', used: 2, requested: 1 },
      { refused: 'activeRuns', used: 2, requested: 1 },
      { created: false, i: 0, rank: undefined },
    ]);
    expect(settled[1]).toMatchObject({ value: { run: { id: first.run.id } } });
    expect(await services.database.run.count({ where: { tenantId } })).toBe(2);
  });

  it("admits no more than fit when several processes submit a tenant's runs at once, and serialises no other tenant behind it", async () => {
    const [tenantId, other] = [await newTenantId(), await newTenantId()];
    const processes = [countedRepository().runs, countedRepository().runs, countedRepository().runs];
    const quotas = { maxActiveRuns: 5, maxMetricRows: Infinity };

    const settled = await Promise.allSettled(processes.flatMap((repository, p) => Array.from({ length: 6 }, (_, i) => repository.create({ tenantId, spec: specOf(`process-${p}`, i) }, quotas))));
    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(await services.database.run.count({ where: { tenantId } })).toBe(5);
    // Each process's runs are stored in the order it submitted them, and get the places after those stored before.
    for (const [p] of processes.entries()) {
      const stored = settled.slice(6 * p, 6 * p + 6).map((result) => (result.status === 'fulfilled' ? result.value.run.spec : null));
      const count = stored.filter(Boolean).length;
      expect(stored.slice(0, count).every(Boolean)).toBe(true);
    }
    const ranks = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.place!.priority] : []));
    expect(ranks.sort()).toEqual([1, 2, 3, 4, 5]);

    // A submission that holds the tenant's lock: another process's waits for it and counts its run, another tenant's does not wait.
    await pool.query(`UPDATE runs SET status = 'cancelled' WHERE tenant_id = $1`, [tenantId]);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      const held = Array.from({ length: 4 }, () => randomUUID());
      const { rows } = await holder.query<{ outcome: string }>(
        `SELECT outcome FROM runs_submit($1::uuid[], $2::uuid[], $3::jsonb[], $4::varchar[], $5::uuid[], $6::int[], $7::bigint[], $8::float8[], $9::float8[])`,
        [held, held.map(() => tenantId), held.map(() => JSON.stringify(spec)), held.map(() => null), held.map(() => null), held.map(() => null), held.map(() => null), held.map(() => 5), held.map(() => Infinity)],
      );
      expect(rows.map((row) => row.outcome)).toEqual(['created', 'created', 'created', 'created']);
      const waiting = Promise.allSettled([0, 1].map((i) => processes[0]!.create({ tenantId, spec: specOf('waiting', i) }, quotas)));
      expect((await processes[1]!.create({ tenantId: other, spec }, quotas)).created).toBe(true);
      const locked = async () => (await pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%runs_submit(%'`,
      )).rows[0]!.waiting;
      expect(await eventually(locked, (count) => count > 0, { intervalMs: 10 })).toBe(1);
      await holder.query('COMMIT');
      expect(outcomes(await waiting)).toEqual([{ created: true, i: 0, rank: 5 }, { refused: 'activeRuns', used: 5, requested: 1 }]);
    } finally {
      holder.release();
    }
  });

  it('fails only the submission at fault when one row of a shared statement is refused', async () => {
    const tenantId = await newTenantId();
    const missingTenant = randomUUID();
    const { runs: counted, statements } = countedRepository();
    const submissions = Array.from({ length: 8 }, (_, i) => ({ tenantId: i === 5 ? missingTenant : tenantId, spec: specOf('fault', i) }));

    const settled = await Promise.allSettled(submissions.map((submission) => counted.create(submission)));

    // Made in one turn, all 8 shared a statement that the missing tenant failed; each was then tried alone.
    expect(statements.count).toBe(1 + 8);
    settled.forEach((result, i) => {
      if (i === 5) expect(result).toMatchObject({ status: 'rejected', reason: { code: '23503' } });
      else expect(result).toMatchObject({ status: 'fulfilled', value: { created: true, run: { tenantId, spec: submissions[i]!.spec } } });
    });
    expect(await services.database.run.count({ where: { tenantId } })).toBe(7);
  });
});
