/**
 * runEvents across connections that end early, against a running Descent: a first opening reads
 * nothing back, a reopening reads the steps stored while away in one bounded request, from the
 * step after the last delivered (or after the step the run had made at the first opening).
 */
import { createClient, type DescentClient, type RunEvent, type RunSpecInput } from 'descent/client';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.ts';
import { useLiveDescent } from './live-descent.ts';

/** A run that goes on until cancelled, recording every step: a second away is thousands of rows. */
const spec: RunSpecInput = {
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'adam', learningRate: 0.001 },
  training: { maxSteps: 100_000_000 },
  record: { every: 1, params: false },
};

/** The response with its event stream ended after its `messages`-th message: a connection that drops. */
function endedAfter(response: Response, messages: number): Response {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const encoder = new TextEncoder();
  let pending = '';
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      pending += value;
      let passed = '';
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const block = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        passed += block;
        if (/^event:/m.test(block) && ++seen === messages) {
          controller.enqueue(encoder.encode(passed));
          controller.close();
          await reader.cancel();
          return;
        }
      }
      if (passed) controller.enqueue(encoder.encode(passed));
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** A stream that says `reconnect` before any event: a process shutting down, or without Redis. */
const reconnectAtOnce = () => new Response('retry: 1\nevent: reconnect\ndata: {"reason":"server shutting down","retryMs":1}\n\n', {
  headers: { 'content-type': 'text/event-stream' },
});

type Connection = 'reconnect at once' | { readonly endAfter: number } | 'whole';

describe('runEvents across connections that end early', () => {
  const live = useLiveDescent();

  /**
   * Follows a fresh run, its event streams' connections as `connections` say, and cancels it once
   * the last connection gave a `progress`. Before the last opens, the run is let go on for
   * `awaySteps` steps (3,000 of a run recording every step: thousands of rows).
   */
  async function follow(connections: readonly Connection[], { awaySteps = 3000, submitted = spec } = {}) {
    const direct = createClient({ url: live.url, apiKey: live.apiKey });
    const { id } = await direct.submitRun(submitted);
    const started = await eventually(() => direct.getRun(id), (run) => (run.progress?.step ?? 0) > 0);
    expect(started.progress?.step).toBeGreaterThan(0);
    const backfills: URLSearchParams[] = [];
    let opened = 0;
    const events: RunEvent[] = [];
    const descent = createClient({
      url: live.url,
      apiKey: live.apiKey,
      retry: false,
      fetch: async (request) => {
        const { pathname, searchParams } = new URL(request.url);
        if (pathname.endsWith('/metrics')) backfills.push(searchParams);
        if (!pathname.endsWith('/events')) return fetch(request);
        const connection = connections[Math.min(opened++, connections.length - 1)]!;
        if (connection === 'reconnect at once') return reconnectAtOnce();
        if (opened === connections.length) {
          const delivered = Math.max(0, ...events.map((event) => (event.type === 'progress' ? event.data.progress.step : 0)));
          await eventually(() => direct.getRun(id), (run) => run.progress!.step > delivered + awaySteps);
        }
        const response = await fetch(request);
        return connection === 'whole' ? response : endedAfter(response, connection.endAfter);
      },
    });
    let cancelled = false;
    for await (const event of descent.runEvents(id)) {
      events.push(event);
      if (!cancelled && opened === connections.length && event.type === 'progress') {
        cancelled = true;
        await direct.cancelRun(id);
      }
    }
    return { id, events, backfills, direct };
  }

  const slicesOf = (events: readonly RunEvent[]) => events.flatMap((event) => (event.type === 'metrics' ? [event.data] : []));

  it('reads nothing back on the first opening, after a connection that gave nothing too, and reopened reads from the step the run had made then', async () => {
    const { events, backfills } = await follow(['reconnect at once', { endAfter: 2 }, 'whole']);
    // The first opening: the run's status, then its progress (the step it had made).
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(['status', 'progress']);
    const opening = events[1]!.type === 'progress' ? events[1].data.progress.step : NaN;
    // Reopened: one read, from the step after it, of at most 256 points.
    expect([backfills[0]!.get('from'), backfills[0]!.get('maxPoints')]).toEqual([String(opening + 1), '256']);
    const [backfill] = slicesOf(events);
    expect(backfill).toMatchObject({ firstStep: opening + 1 });
    expect(events[2]).toMatchObject({ type: 'metrics', data: backfill });
  });

  /** The recorded step `step` as `/metrics` answers it. */
  const storedRow = async (direct: DescentClient, id: string, step: number) => (await direct.metrics(id, { from: step, to: step })).points[0]!;

  it('reopened after more than 256 steps, reads them as buckets from the step after the last delivered, with the real first and last rows', async () => {
    const { id, events, backfills, direct } = await follow([{ endAfter: 6 }, 'whole']);
    const before = slicesOf(events.slice(0, 6));
    expect(before.length).toBeGreaterThan(0);
    const lastDelivered = before.at(-1)!.lastStep;
    // The backfill comes before the reopened stream's first event, and says the whole gap.
    const backfill = events[6]!.type === 'metrics' ? events[6].data : expect.unreachable('the backfill');
    expect(backfill.firstStep).toBe(lastDelivered + 1);
    expect(backfill.count).toBe(backfill.lastStep - backfill.firstStep + 1);
    expect(backfill.count).toBeGreaterThan(3000);
    // One read of at most 256 buckets, and one of each of the gap's first and last rows.
    expect(backfills.map((query) => [query.get('from'), query.get('to'), query.get('maxPoints')])).toEqual([
      [String(lastDelivered + 1), null, '256'],
      [String(backfill.firstStep), String(backfill.firstStep), null],
      [String(backfill.lastStep), String(backfill.lastStep), null],
    ]);
    expect(backfill).toMatchObject({ downsampled: true, bucketSize: expect.any(Number) });
    const buckets = backfill.buckets!;
    expect(buckets.length).toBeLessThanOrEqual(256);
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(backfill.count);
    expect(buckets[0]).toMatchObject({ step: backfill.firstStep, loss: expect.any(Number), lossMin: expect.any(Number), lossMax: expect.any(Number) });
    expect(buckets.at(-1)!.stepEnd).toBe(backfill.lastStep);
    // Its rows are the gap's real first and last rows, shaped as a published slice's.
    expect(backfill.rows.map((row) => row.step)).toEqual([backfill.firstStep, backfill.lastStep]);
    expect(backfill.rows[0]!.loss).toBe((await storedRow(direct, id, backfill.firstStep)).loss);
    expect(backfill.rows[1]!.loss).toBe((await storedRow(direct, id, backfill.lastStep)).loss);
    const published = before.at(-1)!.rows.at(-1)!;
    expect(backfill.rows.map((row) => Object.keys(row).sort())).toEqual([Object.keys(published).sort(), Object.keys(published).sort()]);
    // Nothing lost after it, nothing said twice: the slices follow one another step by step.
    const slices = slicesOf(events);
    expect(slices.filter((slice, index) => index > 0 && slice.firstStep !== slices[index - 1]!.lastStep + 1)).toEqual([]);
    expect((await direct.getRun(id)).status).toBe('cancelled');
  });

  it('reopened after at most 256 recorded steps, reads them as rows in one request, shaped as a published slice\'s', async () => {
    // One row every 100,000 steps: 2,000,000 steps away are some 20 rows.
    const sparse: RunSpecInput = { ...spec, record: { every: 100_000, params: false } };
    const { id, events, backfills, direct } = await follow([{ endAfter: 6 }, 'whole'], { awaySteps: 2_000_000, submitted: sparse });
    const before = slicesOf(events.slice(0, 6));
    expect(before.length).toBeGreaterThan(0);
    const lastDelivered = before.at(-1)!.lastStep;
    expect(backfills.map((query) => [query.get('from'), query.get('maxPoints')])).toEqual([[String(lastDelivered + 1), '256']]);
    const backfill = events[6]!.type === 'metrics' ? events[6].data : expect.unreachable('the backfill');
    const stored = (await direct.metrics(id, { from: lastDelivered + 1, to: backfill.lastStep })).points;
    expect(stored.length).toBeGreaterThanOrEqual(20);
    expect(stored.length).toBeLessThanOrEqual(256);
    expect(backfill).toMatchObject({ firstStep: stored[0]!.step, lastStep: stored.at(-1)!.step, count: stored.length });
    expect(backfill.downsampled).toBeUndefined();
    expect(backfill.rows.map((row) => [row.step, row.loss])).toEqual(stored.map((row) => [row.step, row.loss]));
    // No valLoss or valAccuracy (the run has no validation set), as in a published row.
    const published = before.at(-1)!.rows.at(-1)!;
    expect(backfill.rows.every((row) => Object.keys(row).sort().join() === Object.keys(published).sort().join())).toBe(true);
    expect(Object.keys(published)).not.toContain('valLoss');
  });
});
