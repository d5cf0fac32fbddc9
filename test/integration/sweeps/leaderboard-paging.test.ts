/**
 * Walking the pages of a sweep's trials while its trials end: `order=trial` returns every trial
 * exactly once; `order=rank` (the leaderboard) returns every trial exactly once when none changes
 * its place, and every trial that keeps its place exactly once whatever others do (a page
 * continues after the last trial shown, not at an offset into a ranking that changed).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TrialView } from '../../../src/contracts/sweep-view.ts';
import { useTestApi } from '../runs/support.ts';
import { quadraticBase, useTestPool } from './support.ts';

describe("paging a sweep's trials while they end", () => {
  const api = useTestApi();
  const database = useTestPool(api);

  const result = (value: number) => ({ stopReason: 'max_steps', message: 'Reached maxSteps.', steps: 10, finalLoss: value, best: { metric: 'loss', value, step: 9 } });

  /** A sweep (no worker runs it) with 16 trials: 0–7 completed with values 8 … 1 (trial 7 best), 8–15 running. */
  async function sweepWithTrials(): Promise<string> {
    const response = await api.app.inject({
      method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization },
      payload: { base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, sampler: { type: 'random' }, budget: { maxTrials: 16 }, parallelism: 2 },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    const { rows: [{ tenantId }] } = await database.pool.query<{ tenantId: string }>('SELECT tenant_id AS "tenantId" FROM sweeps WHERE id = $1', [id]);
    for (let n = 0; n < 16; n += 1) {
      const completed = n < 8;
      await database.pool.query(
        `INSERT INTO runs (id, tenant_id, status, spec, result, sweep_id, trial_number, trial_value, parameters, created_at, finished_at)
         VALUES ($1, $2, $3::run_status, $4::jsonb, $5::jsonb, $6, $7, $8, $9::jsonb, now(), CASE WHEN $3 = 'completed' THEN now() END)`,
        [randomUUID(), tenantId, completed ? 'completed' : 'running', JSON.stringify(quadraticBase), completed ? JSON.stringify(result(8 - n)) : null, id, n,
          completed ? 8 - n : null, JSON.stringify({ 'optimizer.learningRate': 0.01 + n / 1000 })],
      );
    }
    return id;
  }

  /** Trial `n` completes with `value`. */
  const finish = (id: string, n: number, value: number) =>
    database.pool.query(`UPDATE runs SET status = 'completed', trial_value = $3, result = $4::jsonb, finished_at = now() WHERE sweep_id = $1 AND trial_number = $2`,
      [id, n, value, JSON.stringify(result(value))]);

  async function page(id: string, query: string): Promise<{ items: TrialView[]; nextCursor: string | null }> {
    const response = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials?${query}`, headers: { authorization: api.authorization } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  /** Every page of `order` by 2, `between` run after each page; the trial numbers in the order returned. */
  async function walk(id: string, order: string, between: (pageIndex: number) => Promise<unknown> | undefined = () => undefined): Promise<number[]> {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let index = 0; ; index += 1) {
      const { items, nextCursor }: { items: TrialView[]; nextCursor: string | null } = await page(id, `limit=2${order}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...items.map((trial) => trial.trialNumber));
      if (nextCursor === null) return seen;
      cursor = nextCursor;
      await between(index);
    }
  }

  const all = [...Array(16).keys()];
  const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

  it('returns every trial exactly once in order=trial, however many end during the walk', async () => {
    const id = await sweepWithTrials();
    // After each page a running trial ends, better than every other: the leaderboard's order changes at every page.
    const seen = await walk(id, '&order=trial', (index) => (index < 8 ? finish(id, 15 - index, -index) : undefined));
    expect(seen).toEqual(all);
  });

  it('returns every trial exactly once in order=rank when none ends, in the order of a single page', async () => {
    const id = await sweepWithTrials();
    const single = (await page(id, 'limit=100')).items.map((trial) => trial.trialNumber);
    expect(single).toEqual([7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(await walk(id, '')).toEqual(single);
    expect(await walk(id, '&order=rank')).toEqual(single);
  });

  it('returns every trial that keeps its place exactly once in order=rank while others end, and those that end ahead of the page read not at all', async () => {
    const id = await sweepWithTrials();
    // After each of the first pages a running trial ends, the best of all: it moves ahead of the walk.
    const ended = [15, 14, 13];
    const seen = await walk(id, '', (index) => (index < ended.length ? finish(id, ended[index], -index) : undefined));
    const kept = all.filter((n) => !ended.includes(n));
    expect(sorted(seen.filter((n) => kept.includes(n)))).toEqual(kept);
    expect(seen.filter((n) => ended.includes(n))).toEqual([]);
    // One that ends behind the page read (a running trial shown, which fails: failed ones rank last) is returned a second time, where it now ranks.
    const again = await sweepWithTrials();
    const fail = () => database.pool.query(`UPDATE runs SET status = 'failed', result = $2::jsonb, finished_at = now() WHERE sweep_id = $1 AND trial_number = 8`,
      [again, JSON.stringify({ stopReason: 'error', message: 'It failed.', steps: 3 })]);
    const repeated = await walk(again, '', (index) => (index === 4 ? fail() : undefined));
    expect(repeated.slice(8, 10)).toEqual([8, 9]);
    expect(sorted(repeated)).toEqual(sorted([...all, 8]));
  });

  it("refuses a cursor of the other order, and writes the order into the CSV's next link", async () => {
    const id = await sweepWithTrials();
    const ranked = await page(id, 'limit=2');
    const byNumber = await page(id, 'limit=2&order=trial');
    for (const query of [`order=trial&cursor=${ranked.nextCursor}`, `order=rank&cursor=${byNumber.nextCursor}`]) {
      const response = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials?${query}`, headers: { authorization: api.authorization } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_cursor' });
    }
    const csv = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials?format=csv&limit=3&order=trial`, headers: { authorization: api.authorization } });
    const next = /^<\?(.*)>; rel="next"$/.exec(csv.headers.link as string)![1];
    expect(next).toMatch(/&order=trial$/);
    // In trial order the CSV's rank column is empty.
    expect(csv.body.trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual([',0', ',1', ',2']);
    const second = await api.app.inject({ method: 'GET', url: `/v1/sweeps/${id}/trials?${next}`, headers: { authorization: api.authorization } });
    expect(second.body.trim().split('\n').slice(1).map((line) => line.split(',')[1])).toEqual(['3', '4', '5']);
  });
});
