/**
 * An export read page by page against the retention pass: a pass that deletes the run's rows
 * between two pages fails the stream (the client sees a cut-off response) instead of ending it
 * as if complete with a gap in the middle of the range, as do rows deleted ahead of it by anything
 * else; a destroyed export (its client left)
 * stops waiting for a connection for its next page.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createMetricsExport } from '../../../src/db/metrics-export.ts';
import { createMetricsRetention } from '../../../src/db/metrics-retention.ts';
import { createPool } from '../../../src/db/pool.ts';
import { useTestTenantPool } from '../support/services.ts';

const tenant = useTestTenantPool('export-retention');

/** A completed run with steps 1..`steps`, finished `daysAgo` days ago. */
async function finishedRun(steps: number, daysAgo: number): Promise<string> {
  const id = randomUUID();
  await tenant.pool.query(
    `INSERT INTO runs (id, tenant_id, status, spec, finished_at, metric_rows)
     VALUES ($1, $2, 'completed', '{}', now() - make_interval(days => $3::int), $4)`,
    [id, tenant.tenantId, daysAgo, steps]);
  await tenant.pool.query(`INSERT INTO run_metrics (run_id, step, loss) SELECT $1, s, 1.0 / s FROM generate_series(1, $2::int) s`, [id, steps]);
  return id;
}

describe('metrics export against the retention pass', () => {
  it('fails the stream when the retention pass deletes rows of the run between two pages', async () => {
    const run = await finishedRun(50_000, 30);
    const stream = await createMetricsExport(tenant.pool).open(run, { fields: ['loss'], from: 1, to: 50_000, format: 'csv' });
    expect(stream).not.toBeNull();
    const chunks = stream![Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.done).toBe(false);
    expect(await createMetricsRetention(tenant.pool).prune(7)).toMatchObject({ ran: true });
    const read = async () => {
      for (let chunk = await chunks.next(); !chunk.done; chunk = await chunks.next());
    };
    await expect(read()).rejects.toThrow(/retention pass/);
  }, 60_000);

  it('fails the stream when rows ahead of it are deleted without lowering the run\'s count of rows', async () => {
    // As another process sharing the database might: the pages after step 30,000 come back empty.
    const run = await finishedRun(50_000, 1);
    const stream = await createMetricsExport(tenant.pool).open(run, { fields: ['loss'], from: 1, to: 50_000, format: 'csv' });
    const chunks = stream![Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    await tenant.pool.query('DELETE FROM run_metrics WHERE run_id = $1 AND step > 30000', [run]);
    const read = async () => {
      for (let chunk = await chunks.next(); !chunk.done; chunk = await chunks.next());
    };
    await expect(read()).rejects.toThrow(/had 50000 rows in the range exported, and 30000 were read/);
  }, 60_000);

  it('reads the whole range of a run the retention pass leaves alone', async () => {
    const run = await finishedRun(25_000, 1);
    const stream = await createMetricsExport(tenant.pool).open(run, { fields: ['loss'], from: 1, to: 25_000, format: 'csv' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 1) await createMetricsRetention(tenant.pool).prune(7);
    }
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(25_001);
  }, 60_000);

  it('stops waiting through a busy pool for its next page once its stream is destroyed', async () => {
    const run = await finishedRun(25_000, 1);
    const waitMs = 300;
    const pool = createPool(tenant.services.config.databaseUrl, 1, undefined, { connectionTimeoutMs: waitMs });
    try {
      const stream = (await createMetricsExport(pool).open(run, { fields: ['loss'], from: 1, to: 25_000, format: 'csv' }))!;
      const held = await pool.connect();
      try {
        // The first page is sent; reading ahead, the second waits for the connection held here.
        expect((await stream[Symbol.asyncIterator]().next()).done).toBe(false);
        const closed = once(stream, 'close');
        const started = Date.now();
        stream.destroy();
        await closed;
        // One wait for a connection, not the six a later page makes while its client reads on.
        expect(Date.now() - started).toBeLessThan(3 * waitMs);
      } finally {
        held.release();
      }
      expect(pool.waitingCount).toBe(0);
    } finally {
      await pool.end();
    }
  }, 60_000);
});
