/**
 * Sweeps stored before a check that submissions now have: their coordinator ends them failed
 * with the reason, and goes on coordinating other sweeps.
 */
import { describe, expect, it } from 'vitest';
import { useTestApi } from '../runs/support.ts';
import { eventually } from '../../support/eventually.ts';
import { quadraticBase, startTestSweepWorker, useTestPool, waitForSweep } from './support.ts';

describe('sweeps stored before a check of submissions', () => {
  const api = useTestApi();
  const database = useTestPool(api);

  const post = (body: unknown) => api.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization: api.authorization }, payload: body as object });

  it('ends failed, naming the parameter, a sweep stored with an index far past the end of an array, and the worker coordinates the next sweep', async () => {
    const response = await post({
      base: quadraticBase,
      parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.01 }, 'objective.initial.1': { type: 'float', low: -1, high: 1 } },
      sampler: { type: 'random' },
      budget: { maxTrials: 4 },
      parallelism: 2,
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    // Written as submissions took it before they checked indexes: every trial's spec would be a billion entries long.
    const { rows: [{ spec }] } = await database.pool.query<{ spec: { parameters: Record<string, unknown> } }>('SELECT spec FROM sweeps WHERE id = $1', [id]);
    const parameters = Object.fromEntries(Object.entries(spec.parameters).map(([path, definition]) => [path === 'objective.initial.1' ? 'objective.initial.999999999' : path, definition]));
    await database.pool.query('UPDATE sweeps SET spec = $2::json WHERE id = $1', [id, JSON.stringify({ ...spec, parameters })]);

    const worker = await startTestSweepWorker(api.services);
    try {
      // Read from its row: its view holds the spec that no longer validates.
      const row = () => database.pool.query<{ status: string; result: { reason: string; message: string } | null }>('SELECT status, result FROM sweeps WHERE id = $1', [id]).then((result) => result.rows[0]);
      const refused = await eventually(row, (sweep) => sweep.status === 'failed', { timeoutMs: 30_000, intervalMs: 100 });
      expect(refused).toMatchObject({ status: 'failed', result: { reason: 'refused_spec' } });
      expect(refused.result?.message).toContain('parameters["objective.initial.999999999"]: Index 999999999 is past the end of base.objective.initial (2 entries');
      const trials = await database.pool.query('SELECT id FROM runs WHERE sweep_id = $1', [id]);
      expect(trials.rowCount).toBe(0);

      const next = await post({ base: quadraticBase, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.01, 0.02] } }, sampler: { type: 'grid' } });
      expect(next.statusCode, next.body).toBe(201);
      expect(await waitForSweep(api.app, api.authorization, next.json().id as string)).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' } });
    } finally {
      await worker.close();
    }
  });
});
