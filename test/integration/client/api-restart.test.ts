/** Following a run while the API process it follows through restarts, as a deployment does: the client, and descent watch. */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type RunEvent, type RunSpecInput } from 'descent/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/capture.ts';
import { useLiveDescent } from './live-descent.ts';
import { eventually } from '../../support/eventually.ts';
import { buildTestApp } from '../support/services.ts';

const spec: RunSpecInput = {
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'adam', learningRate: 0.02 },
  training: { maxSteps: 100_000_000 },
};

describe('waitForRun across an API restart', () => {
  const live = useLiveDescent();
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  /** Another API process over the same services, on `port` (a free one by default). */
  const startApi = async (port = 0) => {
    const app = await buildTestApp(live.services);
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port });
    return { app, port: (app.server.address() as AddressInfo).port };
  };

  it('waits out the closing 503s and the refused connections, and answers the run once the API is back', async () => {
    const { app: first, port } = await startApi();
    // Every attempt to open the events again that got no stream: a 503 of the closing process, or no answer.
    let failedOpens = 0;
    const descent = createClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: live.apiKey,
      retry: false,
      fetch: async (request) => {
        const events = new URL(request.url).pathname.endsWith('/events');
        try {
          const response = await fetch(request);
          if (events && !response.ok) failedOpens += 1;
          return response;
        } catch (error) {
          if (events) failedOpens += 1;
          throw error;
        }
      },
    });
    const { id } = await descent.submitRun(spec);
    const events: RunEvent[] = [];
    let outcome: { readonly run?: unknown; readonly error?: unknown } | undefined;
    void descent.waitForRun(id, { onEvent: (event) => events.push(event) }).then((run) => { outcome = { run }; }, (error: unknown) => { outcome = { error }; });
    await eventually(() => events.some((event) => event.type === 'progress'), Boolean);
    expect(events.some((event) => event.type === 'progress')).toBe(true);

    await first.close();
    await eventually(() => failedOpens >= 2 || outcome !== undefined, Boolean);
    expect(outcome).toBeUndefined();

    await startApi(port);
    await createClient({ url: live.url, apiKey: live.apiKey }).cancelRun(id);
    await eventually(() => outcome, (settled) => settled !== undefined, { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ run: { id, status: 'cancelled', result: { stopReason: 'cancelled' } } });

    // Nothing lost across the reopened stream: every step recorded from the first slice delivered
    // to the last lies in a delivered slice (those stored while away too); no status said twice.
    const slices = events.flatMap((event) => (event.type === 'metrics' ? [event.data] : []));
    const recorded: number[] = [];
    for await (const row of descent.metricRows(id, { from: slices[0]!.firstStep, to: slices.at(-1)!.lastStep })) recorded.push(row.step);
    expect(recorded.filter((step) => !slices.some((slice) => slice.firstStep <= step && step <= slice.lastStep))).toEqual([]);
    expect(slices.every((slice, index) => index === 0 || slice.firstStep > slices[index - 1]!.lastStep)).toBe(true);
    const statuses = events.flatMap((event) => (event.type === 'status' ? [JSON.stringify(event.data)] : []));
    expect(statuses).toEqual([...new Set(statuses)]);
  });

  it('descent watch says why its bar stands still while the API is away, then how the run ended', async () => {
    const { app: first, port } = await startApi();
    let streams = 0;
    first.server.on('request', (request: IncomingMessage) => { if (request.url?.endsWith('/events')) streams += 1; });
    const direct = createClient({ url: live.url, apiKey: live.apiKey });
    const { id } = await direct.submitRun(spec);
    const watched = runCli(['watch', id, '--no-progress', '--url', `http://127.0.0.1:${port}`, '--key', live.apiKey]);
    await eventually(() => streams, (count) => count > 0);
    await first.close();
    // Between the two processes, a proxy in front of them answers 503 until the watch has asked twice.
    let refused = 0;
    const between = http.createServer((request, response) => {
      if (request.url?.endsWith('/events')) refused += 1;
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => between.listen(port, '127.0.0.1', resolve));
    await eventually(() => refused, (count) => count >= 2, { timeoutMs: 30_000 });
    between.closeAllConnections();
    await new Promise((resolve) => between.close(resolve));
    await startApi(port);
    await direct.cancelRun(id);
    const { code, stdout, stderr } = await watched;
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${id}  cancelled: `));
    expect(refused).toBe(2);
    // The closing process may have answered a 503 of its own first (with a Retry-After, which the client's retry waits out and says).
    expect(stderr).toMatch(/^(descent watch: Descent answered 503 Service Unavailable; asking again in \d+ s\n)?(descent watch: lost the run's events \(503 http_503\); asking again in \d+ s\n){2,3}$/);
  });
});
