import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../../src/db/pool.ts';
import { spawnWorkerProcess } from '../support/worker-process.ts';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, storedMetrics, waitForCheckpoint, waitForRun, useTestApi } from './support.ts';

describe('a worker killed with SIGKILL mid-run', () => {
  const api = useTestApi();
  let pool: Pool;
  const workers: ChildProcess[] = [];

  function startWorkerProcess(): ChildProcess {
    const child = spawnWorkerProcess(api.services);
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    pool = createPool(api.services.config.databaseUrl, 2);
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await pool.end();
  });

  it('is detected as stalled; another worker resumes from the checkpoint and the trajectory is bit-identical', async () => {
    const spec = {
      objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
      optimizer: { name: 'adam', learningRate: 0.001 },
      training: { maxSteps: 150_000 },
      record: { every: 1, params: true },
    };
    const first = startWorkerProcess();
    const id = (await postRun(api.app, api.authorization, spec)).json().id;

    // Kill it once at least one slice (metrics + checkpoint) is committed, while the run goes on.
    await waitForCheckpoint(pool, id);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await getRun(api.app, api.authorization, id);
    expect(atKill.status).toBe('running');
    expect(atKill.progress!.step).toBeLessThan(spec.training.maxSteps);

    startWorkerProcess();
    const view = await waitForRun(api.app, api.authorization, id, isFinal, 90_000);
    expect(view.status).toBe('completed');
    expect(view.attempts).toBe(2);

    const reference = referenceTrajectory(spec);
    expect(view.result).toMatchObject({ stopReason: 'max_steps', steps: 150_000, params: reference.result.params });
    const stored = await storedMetrics(pool, id);
    expect(stored).toHaveLength(150_000);
    expect(compareTrajectories(stored, reference.records)).toEqual([]);
  }, 120_000);
});
