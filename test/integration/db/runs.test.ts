import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createRunRepository, type NewRun, type RunRepository } from '../../../src/db/runs.ts';
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
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ON CONFLICT (tenant_id, idempotency_key)%'`,
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

  it("checks stored runs in the statements that insert others: each run's place and its tenant's metric rows, as counting them gives", async () => {
    const tenants = [await newTenantId(), await newTenantId()];
    const { runs: counted, statements } = countedRepository();
    // Stored first: 3 runs per tenant, one of them finished with 4 rows stored.
    const earlier = await Promise.all(tenants.flatMap((tenantId) => [0, 1, 2].map((i) => runs.create({ tenantId, spec: { ...specOf('earlier', i), record: { every: 1 } } }))));
    await pool.query(`UPDATE runs SET status = 'completed', metric_rows = 4 WHERE id = ANY($1::uuid[])`, [[earlier[0]!.run.id, earlier[3]!.run.id]]);

    // Checks of stored runs made together with new inserts share their statements.
    const [checks, inserted] = await Promise.all([
      Promise.all(earlier.map(({ run }) => counted.checkSubmitted(run.id))),
      Promise.all(Array.from({ length: 8 }, (_, i) => counted.create({ tenantId: tenants[i % 2]!, spec: specOf('later', i) }))),
    ]);
    expect(statements.count).toBeLessThanOrEqual(3);
    const metricRows = createMetricRowsUse(pool);
    for (const [i, { run }] of earlier.entries()) {
      const place = await countedPlace(pool, run.id);
      // Counted when the check ran: the later runs of the tenant may or may not have been stored then.
      const later = inserted.filter(({ run: other }) => other.tenantId === run.tenantId).length;
      expect(checks[i]!.place).toMatchObject({ tenantId: run.tenantId, rank: place.rank });
      expect(checks[i]!.place!.activeRuns).toBeGreaterThanOrEqual(place.activeRuns - later);
      expect(checks[i]!.place!.activeRuns).toBeLessThanOrEqual(place.activeRuns);
      const use = await metricRows.of(run.tenantId, run.id);
      expect(checks[i]!.metricRows.run).toEqual(use.run);
      // 4 stored, 2 × 3 reserved (maxSteps 3, every step), and 3 reserved per later run stored when the check ran.
      expect(checks[i]!.metricRows.total - 10).toBeGreaterThanOrEqual(0);
      expect((checks[i]!.metricRows.total - 10) % 3).toBe(0);
      expect(use.total).toBe(10 + 3 * later);
    }
    expect(checks.map((check) => check.metricRows.run)).toEqual([null, { stored: 0, reserved: 3 }, { stored: 0, reserved: 3 }, null, { stored: 0, reserved: 3 }, { stored: 0, reserved: 3 }]);
    expect(await counted.checkSubmitted(randomUUID())).toEqual({ place: null, metricRows: { total: 0, run: null } });
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
