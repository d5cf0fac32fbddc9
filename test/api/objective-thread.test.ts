/**
 * The objective threads inspect a small objective on the event loop and a large one in a
 * thread; a thread held by a long request does not hold another tenant's; a tenant's requests
 * beyond its waiting bound are refused (429), one whose client went away is never sent, and the
 * same heavy requests in flight share one inspection. Where a request went is told by a stand-in thread answering with its id: an answer
 * without one was made on the loop. The real thread's answers are checked for their content.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectiveThread } from '../../src/api/objective-thread/objective-thread.ts';
import type { Inspection, InspectionRequest } from '../../src/api/objective-thread/inspect-objective.ts';
import { runSpecSchema, type RunSpec } from '../../src/contracts/run-spec.ts';
import { AppError } from '../../src/api/errors/app-error.ts';
import { inspectObjective } from '../../src/api/objective-thread/inspect-objective.ts';

const thread = createObjectiveThread();
const standInUrl = new URL('../fixtures/threads/failing-thread.mjs', import.meta.url);
const standIn = createObjectiveThread({ url: standInUrl });
afterAll(() => Promise.all([thread.close(), standIn.close()]));

function inspectionRequest(objective: RunSpec['objective'], options: Partial<InspectionRequest> = {}): InspectionRequest {
  const run = runSpecSchema.parse({ objective, optimizer: { name: 'adam' }, training: { maxSteps: 10 } });
  return { spec: run.objective as InspectionRequest['spec'], path: 'objective', run, ...options };
}

/** The inspection of a run of `objective`, and whether it was made in the thread (the stand-in's answer names its thread). */
async function inspected(objective: RunSpec['objective'], options: Partial<InspectionRequest> = {}) {
  const inspection = await thread.inspect('tenant', inspectionRequest(objective, options));
  const routed = await standIn.inspect('tenant', inspectionRequest(objective, options)) as Inspection | { threadId: number };
  return { inspection, inThread: 'threadId' in routed };
}

/** A request that goes to a thread (a gradient check); its path says what the stand-in thread does. */
function threadRequest(path: 'fail' | 'answer' | 'hold', gate?: Int32Array, dimensions = 2): InspectionRequest {
  const run = runSpecSchema.parse({ objective: { type: 'benchmark', name: 'rosenbrock', dimensions }, optimizer: { name: 'adam' }, training: { maxSteps: 10 } });
  return { spec: run.objective as InspectionRequest['spec'], path, run, gradientCheck: true, ...(gate ? { gate } : {}) };
}

/** The id of the stand-in thread that answered. */
const answeredBy = (inspection: Inspection) => (inspection as unknown as { threadId: number }).threadId;

describe('objective thread', () => {
  it('inspects a benchmark of up to 1,000 parameters and a short expression on the event loop', async () => {
    const benchmark = await inspected({ type: 'benchmark', name: 'rosenbrock', dimensions: 1_000 });
    expect(benchmark.inThread).toBe(false);
    expect(benchmark.inspection).toMatchObject({ dimension: 1_000, trainingRows: null });
    expect(benchmark.inspection.footprint!.bytes).toBeGreaterThan(0);
    const expression = await inspected({ type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] });
    expect(expression).toMatchObject({ inThread: false, inspection: { dimension: 2, variables: ['x', 'y'], initial: [-1.5, 2] } });
  });

  it('inspects a larger objective, and any gradient check, in the thread with the same kind of answer', async () => {
    const large = await inspected({ type: 'benchmark', name: 'rosenbrock', dimensions: 1_001 });
    expect(large.inThread).toBe(true);
    expect(large.inspection).toMatchObject({ dimension: 1_001, trainingRows: null, variables: null, initial: null });
    expect(large.inspection.footprint!.bytes).toBeGreaterThan(0);
    const checked = await inspected({ type: 'benchmark', name: 'rosenbrock' }, { gradientCheck: true });
    expect(checked.inThread).toBe(true);
    expect(checked.inspection.gradientCheck).not.toBeNull();
  });

  it("refuses the requests of a thread that failed, and not those of the thread started after it", async () => {
    // A thread that names itself in its answers and fails (an exception nothing catches) when asked to.
    const failing = createObjectiveThread({ url: standInUrl });
    try {
      const sent: { next?: Promise<Inspection> } = {};
      // The thread's 'error' arrives before its 'exit': the request sent in between goes to a new thread.
      const failure = await failing.inspect('tenant', threadRequest('fail')).catch((error: unknown) => {
        sent.next = failing.inspect('tenant', threadRequest('answer'));
        return error;
      });
      expect(failure).toMatchObject({ message: 'the thread failed' });
      const next = await sent.next!;
      const after = await failing.inspect('tenant', threadRequest('answer'));
      expect(after).toEqual(next);
    } finally {
      await failing.close();
    }
  });

  it("answers another tenant's request while a thread is held by a long one, and reuses idle threads", async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    const heavy = 200_000;
    try {
      const first = answeredBy(await pool.inspect('a', threadRequest('answer', undefined, heavy)));
      // The first thread is held (its whole event loop) until the gate opens: another answers meanwhile.
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const held = pool.inspect('a', threadRequest('hold', gate, heavy));
      const meanwhile = answeredBy(await pool.inspect('b', threadRequest('answer', undefined, heavy)));
      expect(meanwhile).not.toBe(first);
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      expect(answeredBy(await held)).toBe(first);
      // Both idle again: requests go to the first thread, and no third thread was started.
      expect(answeredBy(await pool.inspect('b', threadRequest('answer', undefined, heavy)))).toBe(first);
    } finally {
      await pool.close();
    }
  });

  it("refuses a tenant's request beyond its waiting bound with 429 and Retry-After, not another tenant's", async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2, maxWaiting: 1 });
    const heavy = 200_000;
    try {
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const held = pool.inspect('a', threadRequest('hold', gate, heavy));
      const waiting = pool.inspect('a', threadRequest('answer', undefined, heavy));
      const refused = await pool.inspect('a', threadRequest('answer', undefined, heavy + 1)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ statusCode: 429, code: 'threads_busy' });
      expect(Number((refused as AppError).headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another tenant has its own bound, and a thread of its own meanwhile.
      await pool.inspect('b', threadRequest('answer', undefined, heavy + 1));
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await Promise.all([held, waiting]);
    } finally {
      await pool.close();
    }
  });

  it('sends a model to the light lane by its parameters, every hidden layer counted, and its data: large mlps on few rows go to the pool', async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    try {
      const lane = async (objective: object) => answeredBy(await pool.inspect('tenant', inspectionRequest(objective as RunSpec['objective'], { gradientCheck: true })));
      const light = await lane({ type: 'model', model: 'linear', data: { builtin: 'iris' } });
      const heavy = answeredBy(await pool.inspect('tenant', threadRequest('answer', undefined, 200_000)));
      expect(heavy).not.toBe(light);
      expect(await lane({ type: 'model', model: 'mlp', hidden: Array.from({ length: 16 }, () => 550), data: { builtin: 'moons', rows: 30 } })).toBe(heavy);
      expect(await lane({ type: 'model', model: 'mlp', hidden: [2000, 2000], data: { builtin: 'moons', rows: 50 } })).toBe(heavy);
      expect(await lane({ type: 'model', model: 'softmax', data: { builtin: 'sparse-text', rows: 50, columns: 100_000 } })).toBe(heavy);
      expect(await lane({ type: 'model', model: 'mlp', data: { builtin: 'iris' } })).toBe(light);
      expect(await lane({ type: 'model', model: 'mlp', hidden: [64, 64], data: { builtin: 'spirals', rows: 300 } })).toBe(light);
      expect(await lane({ type: 'model', model: 'softmax', data: { features: [[1, 2], [3, 4]], targets: [0, 4] } })).toBe(light);
    } finally {
      await pool.close();
    }
  });

  it('makes a heavy inspection once for the same requests in flight: the tenant\'s own, and another tenant\'s once started', async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    try {
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const request = threadRequest('hold', gate, 200_000);
      const answers = [pool.inspect('a', request), pool.inspect('a', { ...request }), pool.inspect('b', { ...request })];
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      const [first, second, third] = await Promise.all(answers);
      // One answer, shared (frozen): three inspections would be three copies from the thread.
      expect(second).toBe(first);
      expect(third).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      // Once answered, the same request is made afresh.
      expect(await pool.inspect('a', threadRequest('answer', undefined, 200_000))).not.toBe(first);
    } finally {
      await pool.close();
    }
  });

  it('never sends a waiting request whose signal aborted', async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    const heavy = 200_000;
    try {
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const held = pool.inspect('a', threadRequest('hold', gate, heavy));
      // Sent, this one would make its thread fail.
      const gone = new AbortController();
      const waiting = pool.inspect('a', threadRequest('fail', undefined, heavy), () => gone.signal);
      gone.abort(new Error('the client went away'));
      await expect(waiting).rejects.toThrow('the client went away');
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      const first = answeredBy(await held);
      expect(answeredBy(await pool.inspect('a', threadRequest('answer', undefined, heavy)))).toBe(first);
    } finally {
      await pool.close();
    }
  });

  it('leaves no rejection unhandled when a client went away: before asking, before its flight started, or before it failed', async () => {
    const unhandled: unknown[] = [];
    const noted = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', noted);
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    const heavy = 200_000;
    try {
      const gone = () => {
        const controller = new AbortController();
        controller.abort(new Error('the client went away'));
        return controller.signal;
      };
      // Gone already: refused before any lane or flight.
      await expect(pool.inspect('a', threadRequest('answer', undefined, heavy), gone)).rejects.toThrow('the client went away');
      // Every waiter leaves before its flight started (the tenant's one thread of two is held).
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const held = pool.inspect('a', threadRequest('hold', gate, heavy));
      const leaving = [new AbortController(), new AbortController()];
      const waiting = leaving.map(({ signal }) => pool.inspect('a', threadRequest('fail', undefined, heavy + 1), () => signal));
      for (const controller of leaving) controller.abort(new Error('the client went away'));
      for (const answer of waiting) await expect(answer).rejects.toThrow('the client went away');
      // A started flight that fails once its only waiter left.
      const left = new AbortController();
      const failing = pool.inspect('b', threadRequest('fail', undefined, heavy + 2), () => left.signal);
      left.abort(new Error('the client went away'));
      await expect(failing).rejects.toThrow('the client went away');
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await held;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', noted);
      await pool.close();
    }
  });

  it('parses uploads one at a time, in the order they came, a refused one not holding the next', async () => {
    const rows = 40_000;
    const large = { features: Array.from({ length: rows }, (_, i) => [i / 7, -i, i % 13, 0.5]), targets: Array.from({ length: rows }, (_, i) => i % 2) };
    const bytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
    const answered: string[] = [];
    const settled = (name: string) => (outcome: unknown) => {
      answered.push(name);
      return outcome;
    };
    const uploads = [
      thread.parseDatasetUpload('tenant', bytes(large)).then(settled('large')),
      thread.parseDatasetUpload('tenant', bytes({ features: [[1, 2], [3]], targets: [0, 1] })).catch(settled('refused')),
      thread.parseDatasetUpload('tenant', bytes({ features: [[1, 2]], targets: [0] })).then(settled('small')),
    ];
    const [first, refused, last] = await Promise.all(uploads);
    // With two threads and no order, the small uploads would be answered while the large one is parsed.
    expect(answered).toEqual(['large', 'refused', 'small']);
    expect(first).toMatchObject({ dataset: { rows } });
    expect(refused).toMatchObject({ statusCode: 422 });
    expect(last).toMatchObject({ dataset: { rows: 1 } });
  });

  it("answers a tenant's upload while its heavy inspections wait, and another tenant's meanwhile", async () => {
    const pool = createObjectiveThread({ url: standInUrl, threads: 2 });
    const heavy = 200_000;
    try {
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const checks = [pool.inspect('a', threadRequest('hold', gate, heavy)), ...[1, 2, 3].map((more) => pool.inspect('a', threadRequest('answer', undefined, heavy + more)))];
      const upload = new TextEncoder().encode('{"features":[[1,2]],"targets":[0]}');
      // Both answered while the gate is shut: neither waits behind A's checks.
      const [own, other] = await Promise.all([pool.parseDatasetUpload('a', upload.slice()), pool.parseDatasetUpload('b', upload.slice())]);
      expect(own).toHaveProperty('threadId');
      expect(other).toHaveProperty('threadId');
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await Promise.all(checks);
    } finally {
      await pool.close();
    }
  });

  it('refuses, once closed, the uploads waiting their turn and any request, starting no thread again', async () => {
    const closing = createObjectiveThread();
    const upload = (rows: number) => new TextEncoder().encode(JSON.stringify({ features: Array.from({ length: rows }, (_, i) => [i, 1]), targets: Array.from({ length: rows }, () => 0) }));
    const first = closing.parseDatasetUpload('tenant', upload(20_000)).then(() => 'parsed', (error: Error) => error.message);
    const waiting = closing.parseDatasetUpload('tenant', upload(2)).then(() => 'parsed', (error: Error) => error.message);
    await closing.close();
    expect(await first).toMatch(/exited|closed/);
    expect(await waiting).toBe('the objective threads are closed');
    await expect(closing.inspect('tenant', threadRequest('answer'))).rejects.toThrow('the objective threads are closed');
  });

  it('rejects a small objective that cannot start with the problem the thread would give', async () => {
    const failure = await inspected({ type: 'benchmark', name: 'rosenbrock', initial: [1e200, 1e200] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ statusCode: 422, code: 'non_finite_start' });
  });

  it('answers a small request the same as before when it comes again, and a request that differs in anything with its own inspection', async () => {
    const request = inspectionRequest({ type: 'benchmark', name: 'rosenbrock', dimensions: 3 });
    const first = await thread.inspect('tenant', request);
    const again = await thread.inspect('tenant', inspectionRequest({ type: 'benchmark', name: 'rosenbrock', dimensions: 3 }));
    expect(again).toEqual(inspectObjective(request));
    expect(again).toBe(first);
    expect(Object.isFrozen(again.initial)).toBe(true);

    // Another optimizer's state, another dimension, another path: each its own answer, as made afresh.
    const momentum = { ...request, run: runSpecSchema.parse({ ...request.run, optimizer: { name: 'momentum' } }) };
    const others = [momentum, inspectionRequest({ type: 'benchmark', name: 'rosenbrock', dimensions: 4 }), { ...request, path: 'base.objective' }];
    for (const other of others) expect(await thread.inspect('tenant', other)).toEqual(inspectObjective(other));
    expect((await thread.inspect('tenant', momentum)).footprint!.bytes).toBeLessThan(first.footprint!.bytes);

    // -0 and 0 (which JSON writes alike) are two starts.
    const negativeZero = await thread.inspect('tenant', inspectionRequest({ type: 'expression', expression: 'x^2 + y^2', variables: ['x', 'y'], initial: [-0, 1] }));
    const zero = await thread.inspect('tenant', inspectionRequest({ type: 'expression', expression: 'x^2 + y^2', variables: ['x', 'y'], initial: [0, 1] }));
    expect(Object.is(negativeZero.initial![0], -0)).toBe(true);
    expect(Object.is(zero.initial![0], 0)).toBe(true);
  });

  it('keeps nothing of a small request that failed: it fails again, with a problem of its own', async () => {
    const request = inspectionRequest({ type: 'benchmark', name: 'rosenbrock', initial: [1e200, 1e200] });
    const failures: unknown[] = [];
    for (let attempt = 0; attempt < 2; attempt++) failures.push(await thread.inspect('tenant', request).catch((error: unknown) => error));
    for (const failure of failures) expect(failure).toMatchObject({ statusCode: 422, code: 'non_finite_start' });
    expect(failures[1]).not.toBe(failures[0]);
  });

  it('keeps no small request whose key is long (many long variable names): each is inspected afresh', async () => {
    const variables = Array.from({ length: 200 }, (_, i) => `a_rather_long_variable_name_${i}`);
    const request = inspectionRequest({ type: 'expression', expression: `${variables[0]}^2`, variables, initial: variables.map(() => 1) });
    const first = await thread.inspect('tenant', request);
    const again = await thread.inspect('tenant', request);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});
