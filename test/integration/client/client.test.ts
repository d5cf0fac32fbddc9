/** The typed client against a real Descent: runs, events, pages, CSV and problems. */
import { createClient, ProblemError, type RunEvent, type RunSpecInput } from 'descent/client';
import { describe, expect, it } from 'vitest';
import { useLiveDescent } from './live-descent.ts';
import { eventually } from '../../support/eventually.ts';

/** The rows of a CSV of numbers (no quoting needed) as records by column name. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])));
}

const spec: RunSpecInput = {
  objective: { type: 'expression', expression: '(x - 1)^2 + 10*(y + 2)^2', variables: ['x', 'y'], initial: [4, 3] },
  optimizer: { name: 'sgd', learningRate: 0.01 },
  training: { maxSteps: 300 },
};

describe('createClient', () => {
  const live = useLiveDescent();
  const client = () => createClient({ url: live.url, apiKey: live.apiKey });

  it('submits a run, follows its events to the end and answers the final run', async () => {
    const descent = client();
    const submitted = await descent.submitRun(spec);
    expect(submitted.status).toBe('queued');
    const events: RunEvent[] = [];
    const run = await descent.waitForRun(submitted.id, { onEvent: (event) => events.push(event) });
    expect(run).toMatchObject({ id: submitted.id, status: 'completed', result: { stopReason: 'max_steps', steps: 300 } });
    expect(events[0].type).toBe('status');
    expect(events.at(-1)!.type).toBe('end');
    const last = events.findLast((event) => event.type === 'status');
    expect(last?.type === 'status' && last.data).toMatchObject({ runId: submitted.id, status: 'completed', result: { steps: 300 } });
  });

  it('walks every page of a list, newest first', async () => {
    const descent = createClient({ url: live.url, apiKey: await live.newKey() });
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await descent.submitRun({ ...spec, training: { maxSteps: 20 } })).id);
    const pages: number[] = [];
    descent.api.use({ onResponse: ({ request }) => { if (new URL(request.url).pathname === '/v1/runs') pages.push(1); } });
    const listed = [];
    for await (const run of descent.runs({ limit: 2 })) listed.push(run.id);
    expect(listed).toEqual([...ids].reverse());
    expect(pages.length).toBe(3);
  });

  it('downloads a whole run as CSV, the same steps the paged rows give', async () => {
    const descent = client();
    const run = await descent.waitForRun((await descent.submitRun({ ...spec, training: { maxSteps: 2500 } })).id);
    expect(run.status).toBe('completed');
    const csv = await descent.metricsCsv(run.id);
    const records = parseCsv(csv);
    expect(records.length).toBe(2500);
    expect(Object.keys(records[0])).toEqual(expect.arrayContaining(['step', 'loss']));
    const rows = [];
    for await (const row of descent.metricRows(run.id, { limit: 1000, fields: 'loss' })) rows.push(row);
    expect(rows.map((row) => row.step)).toEqual(records.map((record) => Number(record.step)));
    expect(rows.map((row) => row.loss)).toEqual(records.map((record) => Number(record.loss)));
  });

  it('throws a ProblemError with the code and every bad field in one line', async () => {
    const descent = client();
    const bad: RunSpecInput = { ...spec, optimizer: { name: 'sgd', learningRate: -1 }, training: { maxSteps: 0 } };
    const error = await descent.submitRun(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation_failed');
    expect(problem.message).toMatch(/^validation_failed: /);
    expect(problem.message).toContain('optimizer.learningRate');
    expect(problem.message).toContain('training.maxSteps');
    expect(problem.message).not.toContain('\n');
    const missing = await descent.getRun('00000000-0000-4000-8000-000000000000').catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('names a bad field once when the problem\'s detail already names it', async () => {
    // The detail of these problems is "<field>: <message>", the field's issue repeated.
    const descent = client();
    const inline: RunSpecInput['objective'] = { type: 'model', model: 'linear', data: { features: [[1], [2]], targets: [1] } };
    const error = await descent.submitRun({ ...spec, objective: inline }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 422, code: 'invalid_objective' });
    expect((error as ProblemError).message).toBe('invalid_objective: objective.data.targets: 1 target for 2 rows: one a row');
  });

  it('follows a sweep cancelled mid-round until the trials it cancelled have stopped, and answers them as cancelled', async () => {
    const descent = client();
    const submitted = await descent.submitSweep({
      base: { ...spec, training: { maxSteps: 50_000_000 } },
      parameters: { 'optimizer.learningRate': { type: 'float', low: 1e-5, high: 1e-4, log: true } },
      sampler: { type: 'random', seed: 1 },
      budget: { maxTrials: 6 },
      parallelism: 2,
    });
    await eventually(() => descent.getSweep(submitted.id), (sweep) => sweep.trials.running === 2, { timeoutMs: 30_000, intervalMs: 50 });
    const cancelled = await descent.cancelSweep(submitted.id);
    // The sweep ends at once; its running trials stop within a slice.
    expect(cancelled).toMatchObject({ status: 'cancelled', result: { reason: 'cancelled' } });
    const sweep = await descent.waitForSweep(submitted.id);
    expect(sweep).toMatchObject({ status: 'cancelled', trials: { queued: 0, running: 0, cancelled: 2, total: 2 } });
  });

  it('streams the metrics of a running run, and a cancel ends it as cancelled', async () => {
    const descent = client();
    const submitted = await descent.submitRun({ ...spec, training: { maxSteps: 50_000_000 } });
    const events: RunEvent[] = [];
    let cancelled: Promise<unknown> | undefined;
    const run = await descent.waitForRun(submitted.id, { onEvent: (event) => {
      events.push(event);
      if (event.type === 'metrics' && !cancelled) cancelled = descent.cancelRun(submitted.id);
    } });
    expect(await cancelled).toMatchObject({ id: submitted.id });
    expect(run).toMatchObject({ status: 'cancelled', result: { stopReason: 'cancelled' } });
    const metrics = events.find((event) => event.type === 'metrics');
    expect(metrics?.type === 'metrics' && metrics.data.count).toBeGreaterThan(0);
    expect(events.map((event) => event.type).slice(-2)).toEqual(['status', 'end']);
  });
});
