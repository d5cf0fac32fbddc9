import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createRunRepository, type RunRepository } from '../../../src/db/runs.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';

describe('run submission (one statement through the pg pool)', () => {
  let services: TestServices;
  let pool: Pool;
  let runs: RunRepository;
  const spec = { objective: { type: 'benchmark', name: 'rosenbrock' }, training: { maxSteps: 3 } };

  async function newTenantId(): Promise<string> {
    const { tenantName } = await createTenantKey(services.database, 'runs-db');
    return (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
  }

  beforeAll(async () => {
    services = await openTestServices();
    pool = createPool(services.config.databaseUrl, 3);
    runs = createRunRepository(services.database, pool);
  });
  afterAll(async () => {
    await pool.end();
    await services.close();
  });

  it('returns the stored row exactly as Prisma reads it', async () => {
    const tenantId = await newTenantId();
    const { run, created } = await runs.create({ tenantId, spec, idempotencyKey: randomUUID() });
    expect(created).toBe(true);
    expect(run).toEqual(await services.database.run.findUnique({ where: { id: run.id } }));
    expect(run).toMatchObject({ tenantId, status: 'queued', attempts: 0, progress: null, result: null, sweepId: null, trialIndex: null });
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
      for (;;) {
        // From another connection: inside a transaction, pg_stat_activity is a snapshot.
        const { rows } = await pool.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ON CONFLICT (tenant_id, idempotency_key)%'`,
        );
        if (rows[0]!.waiting > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await holder.query('COMMIT');
      const { run, created } = await pending;
      expect(created).toBe(false);
      expect(run.id).toBe(held!.id);
    } finally {
      holder.release();
    }
  });
});
