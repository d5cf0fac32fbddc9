/** What a worker's attempt starts from, read in shared statements, and an attempt failing a run for good. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsWriter } from '../../../src/db/metrics-writer.ts';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { createRunAttempts, type RunAttempts } from '../../../src/db/run-attempts.ts';
import { createTenantKey, openTestServices, type TestServices } from '../support/services.ts';
import { countStatements } from '../support/statement-count.ts';

let services: TestServices;
let pool: Pool;
let attempts: RunAttempts;
let tenantId: string;

async function newRun(status: string, spec: unknown = { n: Math.random() }): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO runs (id, tenant_id, status, spec) VALUES ($1, $2, $3::run_status, $4::jsonb)`, [id, tenantId, status, JSON.stringify(spec)]);
  return id;
}

const row = async (id: string) =>
  (await pool.query('SELECT status, attempts, started_at AS "startedAt", result FROM runs WHERE id = $1', [id])).rows[0];

beforeAll(async () => {
  services = await openTestServices();
  pool = createPool(services.config.databaseUrl, 3);
  attempts = createRunAttempts(pool);
  const { tenantName } = await createTenantKey(services.database, 'attempts');
  tenantId = (await services.database.tenant.findUniqueOrThrow({ where: { name: tenantName } })).id;
});

afterAll(async () => {
  await pool?.end();
  await services?.close();
});

describe('run attempts', () => {
  it('reads queued and interrupted runs with their newest checkpoint, in shared statements, and nothing of final or unknown runs', async () => {
    const queued = await Promise.all(Array.from({ length: 20 }, (_, i) => newRun('queued', { i })));
    const running = await newRun('running', { resumed: true });
    await pool.query(`INSERT INTO checkpoints (run_id, step, state) VALUES ($1, 40, '{"step": 40}')`, [running]);
    const final = await Promise.all(['completed', 'cancelled', 'failed'].map((status) => newRun(status)));
    const ids = [...queued, running, ...final, randomUUID()];
    const statements = countStatements(pool);
    const read = await Promise.all(ids.map((id) => attempts.read(id)));
    expect(statements.count).toBeLessThan(ids.length);
    expect(read.slice(0, 20)).toEqual(queued.map((id, i) => ({ id, tenantId, spec: { i }, sweepId: null, sweepSpec: null, trialNumber: null, checkpoint: null })));
    expect(read[20]).toEqual({ id: running, tenantId, spec: { resumed: true }, sweepId: null, sweepSpec: null, trialNumber: null, checkpoint: { step: 40, state: { step: 40 } } });
    expect(read.slice(21)).toEqual([null, null, null, null]);
    // Reading changes nothing.
    expect(await row(queued[0])).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });
  });

  it("gives a trial its sweep's spec, read once by a process (a sweep's spec never changes) instead of with every trial", async () => {
    const sweepId = randomUUID();
    await pool.query(`INSERT INTO sweeps (id, tenant_id, spec) VALUES ($1, $2, '{"version": 1}')`, [sweepId, tenantId]);
    const trial = async (trialNumber: number) => {
      const id = await newRun('queued', { trialNumber });
      await pool.query('UPDATE runs SET sweep_id = $2, trial_number = $3 WHERE id = $1', [id, sweepId, trialNumber]);
      return id;
    };
    const first = await Promise.all([0, 1, 2].map(trial));
    const read = await Promise.all(first.map((id) => attempts.read(id)));
    expect(read.map((attempt) => attempt && [attempt.sweepId, attempt.trialNumber, attempt.sweepSpec])).toEqual([0, 1, 2].map((n) => [sweepId, n, { version: 1 }]));
    // Changed behind the process's back (which nothing does), the spec it read stays: it is not read again.
    await pool.query(`UPDATE sweeps SET spec = '{"version": 2}' WHERE id = $1`, [sweepId]);
    expect((await attempts.read(await trial(3)))?.sweepSpec).toEqual({ version: 1 });
    expect((await createRunAttempts(pool).read(await trial(4)))?.sweepSpec).toEqual({ version: 2 });
  });

  it('fails a run for good, counting the attempt only when its first slice did not', async () => {
    const result = { stopReason: 'error', message: 'broken' };
    const neverStarted = await newRun('queued');
    const startedAt = new Date('2026-03-04T05:06:07.089Z');
    expect(await attempts.fail(neverStarted, result, startedAt)).toBe(true);
    expect(await row(neverStarted)).toEqual({ status: 'failed', attempts: 1, startedAt, result });

    const started = await newRun('queued');
    await createMetricsWriter(pool).write({
      runId: started, fromStep: 0, rollups: false, starting: { startedAt }, checkpoint: { step: 1, state: {} },
      metrics: { step: Int32Array.of(1), loss: Float64Array.of(1), valLoss: Float64Array.of(NaN), valAccuracy: Float64Array.of(NaN), gradNorm: Float64Array.of(1),
        learningRate: Float64Array.of(1), updateNorm: Float64Array.of(1), epoch: Int32Array.of(1), elapsedSeconds: Float64Array.of(0), params: null },
    });
    expect(await attempts.fail(started, result, startedAt)).toBe(true);
    expect(await row(started)).toEqual({ status: 'failed', attempts: 1, startedAt, result });
    // A run already final keeps its first ending.
    expect(await attempts.fail(started, { stopReason: 'error', message: 'again' }, new Date())).toBe(false);
    expect(await row(started)).toMatchObject({ result });
  });
});
