/**
 * A submitted run's job carries its spec as stored, and a worker starts the run from it on the
 * job's first delivery without reading the run; when the run moved on meanwhile (cancelled, or
 * left a checkpoint), the fenced first slice is refused and the worker reads the run instead. A
 * concurrent parallel run's job carries none.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRunEnqueuer, jobSpecMaxBytes } from '../../../src/queue/runs-queue.ts';
import { compareTrajectories, getRun, isFinal, postRun, referenceTrajectory, startTestWorker, storedMetrics, waitForCheckpoint, waitForRun, useTestApi, type TestWorker } from './support.ts';

const shortSpec = {
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 200 },
  record: { every: 10 },
};

/** Long enough to be stopped after a few slices. */
const longSpec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 100_000 },
  record: { every: 1, params: true },
};

describe('a run\'s spec in its job', () => {
  const api = useTestApi();
  const workers: TestWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.close();
  });

  const storedRun = async (id: string) => (await api.services.database.run.findUniqueOrThrow({ where: { id } }));

  it('is the spec as stored, and the worker runs the spec its job carries without reading the run', async () => {
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    const job = await api.services.runsQueue.getJob(id);
    const stored = await storedRun(id);
    expect(job!.data).toEqual({ runId: id, tenantId: stored.tenantId, spec: stored.spec });
    expect(Object.keys(job!.data.spec as object)).toEqual(Object.keys(stored.spec as object));

    // Were the run read, its stored spec (changed behind the job's back here) would say 50 steps.
    await api.services.database.$executeRaw`UPDATE runs SET spec = jsonb_set(spec, '{training,maxSteps}', '50') WHERE id = ${id}::uuid`;
    const worker = await startTestWorker(api.services);
    workers.push(worker);
    const view = await waitForRun(api.app, api.authorization, id, isFinal);
    expect(view).toMatchObject({ status: 'completed', attempts: 1, result: { steps: 200 } });
    expect(compareTrajectories(await storedMetrics(worker.pool, id), referenceTrajectory(shortSpec).records)).toEqual([]);
  });

  it('is left out of the job when large: the worker reads the run', async () => {
    const expression = `(1 - x)^2 + 100*(y - x^2)^2${' + 0*x'.repeat(jobSpecMaxBytes / 6)}`;
    const large = { ...shortSpec, objective: { type: 'expression', expression, variables: ['x', 'y'], initial: [-1.5, 2] } };
    const response = await postRun(api.app, api.authorization, large);
    expect(response.statusCode).toBe(201);
    const job = await api.services.runsQueue.getJob(response.json().id);
    expect(job!.data).not.toHaveProperty('spec');
    await waitForRun(api.app, api.authorization, response.json().id, isFinal);
  });

  it('is left out of the job of a concurrent parallel run, whose start has effects outside its rows', async () => {
    // No worker: the runs stay queued until cancelled.
    for (const worker of workers.splice(0)) await worker.close();
    const objective = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 200, seed: 5 } };
    const parallelSpec = (execution: string) => ({ objective, optimizer: { name: 'sgd' }, training: { maxSteps: 20 }, parallel: { algorithm: 'downpour', replicas: 2, execution } });
    for (const [execution, carried] of [['concurrent', false], ['simulated', true]] as const) {
      const response = await postRun(api.app, api.authorization, parallelSpec(execution));
      expect(response.statusCode).toBe(201);
      const id = response.json().id;
      const job = await api.services.runsQueue.getJob(id);
      expect(job!.data.spec !== undefined, execution).toBe(carried);
      expect((await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } })).statusCode).toBe(200);
    }
  });

  it('starts nothing for a run cancelled while queued, whose job came back', async () => {
    for (const worker of workers.splice(0)) await worker.close();
    const id = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    const job = await api.services.runsQueue.getJob(id);
    expect((await api.app.inject({ method: 'POST', url: `/v1/runs/${id}/cancel`, headers: { authorization: api.authorization } })).statusCode).toBe(200);
    // Its job enqueued again with the spec, as a replayed submission whose first job was lost would.
    await createRunEnqueuer(api.services.runsQueue).enqueue(id, { priority: 1, tenantId: job!.data.tenantId! }, job!.data.spec);
    expect((await api.services.runsQueue.getJob(id))!.data.spec).toEqual(job!.data.spec);

    const worker = await startTestWorker(api.services);
    workers.push(worker);
    const later = (await postRun(api.app, api.authorization, shortSpec)).json().id;
    await waitForRun(api.app, api.authorization, later, isFinal);
    await expect.poll(() => api.services.runsQueue.getJob(id)).toBeUndefined();
    expect(await getRun(api.app, api.authorization, id)).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(await storedMetrics(worker.pool, id)).toEqual([]);
  });

  it('resumes from the run\'s checkpoint when the job comes again on a first delivery, bit for bit', async () => {
    for (const worker of workers.splice(0)) await worker.close();
    const first = await startTestWorker(api.services, { sliceMs: 5, maxRowsPerSlice: 500 });
    const id = (await postRun(api.app, api.authorization, longSpec)).json().id;
    const job = await api.services.runsQueue.getJob(id);
    await waitForCheckpoint(first.pool, id);
    // Stopped at a slice boundary: the run stays running with its checkpoint, its job goes back.
    await first.close();
    expect(await getRun(api.app, api.authorization, id)).toMatchObject({ status: 'running', attempts: 1 });
    // A new job carrying the spec, delivered for the first time: its unread start is refused, and the run read.
    await api.services.runsQueue.remove(id);
    await createRunEnqueuer(api.services.runsQueue).enqueue(id, { priority: 1, tenantId: job!.data.tenantId! }, job!.data.spec);

    const worker = await startTestWorker(api.services);
    workers.push(worker);
    const view = await waitForRun(api.app, api.authorization, id, isFinal, 60_000);
    expect(view).toMatchObject({ status: 'completed', attempts: 2, result: { steps: longSpec.training.maxSteps } });
    const reference = referenceTrajectory(longSpec);
    expect(view.result).toMatchObject({ params: reference.result.params });
    expect(compareTrajectories(await storedMetrics(worker.pool, id), reference.records)).toEqual([]);
  }, 90_000);
});
