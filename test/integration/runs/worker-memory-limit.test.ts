/**
 * WORKER_MAX_RUN_BYTES: a run a worker cannot hold is refused at submission with a 422 naming
 * the field that makes it large and the limit, nothing stored or queued; one that fits is queued.
 */
import { describe, expect, it } from 'vitest';
import { postRun, storedRuns, useTestApi } from './support.ts';

const adam = { name: 'adam', learningRate: 0.001 };

describe('POST /v1/runs against what a worker can hold (1 GiB by default)', () => {
  const api = useTestApi();

  async function refused(spec: unknown, path: string) {
    const runsBefore = await storedRuns(api);
    const response = await postRun(api.app, api.authorization, spec);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'run_too_large', errors: [{ path, code: 'WORKER_MAX_RUN_BYTES' }] });
    expect(problem.errors[0].message).toContain('WORKER_MAX_RUN_BYTES');
    expect(await storedRuns(api)).toBe(runsBefore);
    return problem.errors[0].message as string;
  }

  it('refuses a 10⁷-parameter Adam run, naming objective.dimensions, the bytes and what they hold', async () => {
    const message = await refused({ objective: { type: 'benchmark', name: 'sphere', dimensions: 10_000_000 }, optimizer: adam }, 'objective.dimensions');
    // θ and the loop's copies (3), gradient and m, v (3), the checkpoint's θ, m, v six times (18), the start (1): 25 vectors of 80 MB.
    expect(message).toContain('about 2,000 MB');
    expect(message).toContain('gradient and optimizer state (3 vectors)');
    expect(message).toContain('10,000,000 parameters');
    expect(message).toContain('at most 1,073.7 MB');
  });

  it('accepts the run on 10⁶ parameters, and refuses 64 simulated replicas of it naming parallel.replicas', async () => {
    const accepted = await postRun(api.app, api.authorization, { objective: { type: 'benchmark', name: 'sphere', dimensions: 1_000_000 }, optimizer: adam, training: { maxSteps: 1 } });
    expect(accepted.statusCode).toBe(201);
    await refused({
      objective: { type: 'benchmark', name: 'sphere', dimensions: 1_000_000 },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      parallel: { algorithm: 'downpour', replicas: 64, execution: 'simulated' },
    }, 'parallel.replicas');
  });

  it('refuses an mlp whose full-batch scratch no worker can hold, naming objective.hidden', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i % 7, (i * 13) % 11]);
    const message = await refused({
      objective: { type: 'model', model: 'mlp', hidden: [2048], data: { features: rows, targets: rows.map((_, i) => i % 3) } },
      optimizer: adam,
    }, 'objective.hidden');
    expect(message).toContain('the objective');
  });
});
