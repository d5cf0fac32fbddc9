/**
 * Resuming runs whose checkpoints hold large arrays (stored as float64 bytes, see
 * src/db/checkpoint-encoding.ts): a worker stopped mid-run hands the run to another, which
 * continues bit for bit; a checkpoint written before the bytes existed (every array in its JSON)
 * resumes bit for bit too.
 */
import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { iterateRun } from '../../../src/core/training/index.ts';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, useTestApi, waitForRun } from './support.ts';
import { eventually } from '../../support/eventually.ts';

const spec = {
  objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 4096 },
  optimizer: { name: 'adam', learningRate: 0.0005 },
  training: { maxSteps: 40_000 },
  earlyStopping: { patience: 1_000_000, restoreBest: true },
  record: { every: 10 },
};

describe('a run with a large checkpoint', () => {
  const api = useTestApi();

  it('stores its arrays as bytes and resumes from them on another worker, bit-identical', async () => {
    const first = await startTestWorker(api.services);
    const id = (await postRun(api.app, api.authorization, spec)).json().id as string;
    const stored = async () => (await first.pool.query<{ step: number; bytes: number | null; json: number }>(
      'SELECT step, octet_length(data) AS bytes, length(state::text) AS json FROM checkpoints WHERE run_id = $1', [id])).rows[0];
    const checkpoint = await eventually(stored, (row) => row !== undefined, { timeoutMs: 30_000, intervalMs: 5 });
    await first.close();
    // θ, Adam's m and v, and the best parameters: four vectors of 4,096 float64 each (16,384 entries, enough for bytes).
    expect(checkpoint).toMatchObject({ bytes: 4 * 4096 * 8 });
    expect(checkpoint!.json).toBeLessThan(2_000);
    const stopped = await getRun(api.app, api.authorization, id);
    expect(stopped.status).toBe('running');
    expect(stopped.progress!.step).toBeLessThan(spec.training.maxSteps);

    const second = await startTestWorker(api.services);
    try {
      const view = await waitForRun(api.app, api.authorization, id, isFinal, 90_000);
      const reference = referenceTrajectory(spec);
      expect(view).toMatchObject({ status: 'completed', attempts: 2, result: { steps: spec.training.maxSteps } });
      expect(compareTrajectories(await storedMetrics(second.pool, id), reference.records)).toEqual([]);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('resumes from a checkpoint written before, every array in its JSON, bit-identical', async () => {
    const id = (await postRun(api.app, api.authorization, spec)).json().id as string;
    const resumeAt = 12_340;
    const earlier = iterateRun(runSpecSchema.parse(spec));
    earlier.advance({ maxSteps: resumeAt });
    // As the worker stored it before: one JSON document, on a run an interrupted attempt left running.
    await api.services.database.$executeRawUnsafe(
      `WITH run AS (UPDATE runs SET status = 'running', attempts = 1 WHERE id = $1::uuid RETURNING id)
       INSERT INTO checkpoints (run_id, step, state) SELECT id, $2, $3::jsonb FROM run`,
      id, resumeAt, JSON.stringify(earlier.checkpoint()));

    const worker = await startTestWorker(api.services);
    try {
      const view = await waitForRun(api.app, api.authorization, id, isFinal, 90_000);
      const reference = referenceTrajectory(spec);
      expect(view).toMatchObject({ status: 'completed', attempts: 2, result: { steps: spec.training.maxSteps, params: reference.result.params } });
      const after = reference.records.filter((record) => record.step > resumeAt);
      expect(compareTrajectories(await storedMetrics(worker.pool, id), after)).toEqual([]);
    } finally {
      await worker.close();
    }
  }, 120_000);
});
