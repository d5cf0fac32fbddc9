/** Following a run while the API process it follows through restarts, as a deployment does. */
import type { AddressInfo } from 'node:net';
import { createClient, type RunEvent, type RunSpecInput } from 'descent/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
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

  it('waits out the closing 503s and the refused connections, and answers the run once the API is back', async () => {
    const first = await buildTestApp(live.services);
    apps.push(first);
    await first.listen({ host: '127.0.0.1', port: 0 });
    const { port } = first.server.address() as AddressInfo;
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

    const second = await buildTestApp(live.services);
    apps.push(second);
    await second.listen({ host: '127.0.0.1', port });
    await createClient({ url: live.url, apiKey: live.apiKey }).cancelRun(id);
    await eventually(() => outcome, (settled) => settled !== undefined, { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ run: { id, status: 'cancelled', result: { stopReason: 'cancelled' } } });
  });
});
