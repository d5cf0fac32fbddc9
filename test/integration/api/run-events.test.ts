/**
 * GET /v1/runs/{id}/events over a real socket: the opening status, relayed worker messages,
 * the end of the stream when the run finishes, and unsubscribing when the client leaves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runChannel } from '../../../src/queue/run-events.ts';
import { readEvents, subscriberCount, until } from '../support/server-sent-events.ts';
import { finalRunStatuses } from '../../../src/contracts/run-status.ts';
import { createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const context = useTestApp();

let base: string;
beforeAll(async () => {
  base = await context.app.listen({ port: 0, host: '127.0.0.1' });
});

async function submit(authorization: string): Promise<string> {
  const response = await context.app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
  return response.json().id;
}

/** Connections subscribed to the run's channel: the API process's one, or none. */
const subscribers = (runId: string) => subscriberCount(context.services.redis, runChannel(runId));

describe('GET /v1/runs/{id}/events', () => {
  it('opens with the status, relays worker messages and ends with the run', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'events');
    const runId = await submit(authorization);
    // The worker of this file's queue prefix is not running: the run stays queued until we say otherwise.
    const response = await fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const reading = readEvents(response, (events) => events.some((e) => e.event === 'end'));
    await until(async () => (await subscribers(runId)) === 1);
    const publish = (message: object) => context.services.redis.publish(runChannel(runId), JSON.stringify(message));
    await publish({ type: 'progress', progress: { step: 10, totalSteps: 500 } });
    await publish({ type: 'metrics', lastStep: 10, points: [{ step: 10, loss: 1.5 }] });
    await publish({ type: 'status', status: 'completed', result: { stopReason: 'max_steps' } });
    const events = await reading;

    expect(events.map((e) => e.event)).toEqual(['status', 'progress', 'metrics', 'status', 'end']);
    // Every status event has the shape the worker publishes, the first one included.
    expect(events[0].data).toEqual({ runId, status: 'queued', result: null });
    expect(events[1].data).toEqual({ progress: { step: 10, totalSteps: 500 } });
    expect(events[2].id).toBe('10');
    expect(events[3].data).toMatchObject({ status: 'completed' });
    await until(async () => (await subscribers(runId)) === 0);
    expect(await subscribers(runId)).toBe(0);
  });

  it('follows the first status with the stored progress, in the shapes the worker publishes', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'events-progress');
    const runId = await submit(authorization);
    const progress = { step: 40, totalSteps: 500, epoch: 0, fraction: 0.08, stepsPerSecond: 1000, etaSeconds: 0.46 };
    const earlyStopping = { enabled: false, monitor: 'loss', best: null, bestStep: null, patience: 100, stepsSinceBest: 0, stopped: false };
    const result = { stopReason: 'max_steps', message: 'Reached maxSteps (500).', steps: 500, params: [1, 1], finalLoss: 1, finalValLoss: null, finalValAccuracy: null, best: { metric: 'loss', value: 1, step: 500 }, restoredBest: false };
    await context.services.database.run.update({ where: { id: runId }, data: { status: 'completed', progress, earlyStopping, result } });
    const response = await fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization } });
    const events = await readEvents(response, () => false);
    expect(events.map((e) => e.event)).toEqual(['status', 'progress', 'end']);
    expect(events[0].data).toEqual({ runId, status: 'completed', result });
    // earlyStopping repeats earlyStoppingState for one version.
    expect(events[1].data).toEqual({ runId, progress, earlyStoppingState: earlyStopping, earlyStopping });
  });

  // Every final status of the contract, `pruned` included (a trial's stream once never ended).
  it.each(finalRunStatuses)('answers a %s run with its status and the end at once', async (status) => {
    const { authorization } = await createTenantKey(context.services.database, `events-${status}`);
    const runId = await submit(authorization);
    await context.services.database.run.update({ where: { id: runId }, data: { status } });
    const response = await fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization } });
    const events = await readEvents(response, () => false);
    expect(events.map((e) => e.event)).toEqual(['status', 'end']);
    expect(events[0].data).toMatchObject({ status });
  });

  it('unsubscribes when the client leaves', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'events-leave');
    const runId = await submit(authorization);
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization }, signal: abort.signal });
    await readEvents(response, (events) => events.length > 0);
    await until(async () => (await subscribers(runId)) === 1);
    expect(await subscribers(runId)).toBe(1);
    abort.abort();
    await until(async () => (await subscribers(runId)) === 0);
    expect(await subscribers(runId)).toBe(0);
  });

  // event-source-polyfill, and others, add the last event's id to every reconnection's URL (and
  // header); a 400 there made such a client give up on the stream for good.
  it.each(['lastEventId', 'Last-Event-ID', 'Last-Event-Id'])('takes a reconnection that names the last event as ?%s=<id>, and opens it afresh', async (name) => {
    const { authorization } = await createTenantKey(context.services.database, 'events-reconnect');
    const runId = await submit(authorization);
    const first = new AbortController();
    const reading = readEvents(await fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization }, signal: first.signal }),
      (events) => events.some((e) => e.event === 'metrics'));
    await until(async () => (await subscribers(runId)) === 1);
    await context.services.redis.publish(runChannel(runId), JSON.stringify({ type: 'metrics', runId, firstStep: 1, lastStep: 10, count: 10, rows: [] }));
    const lastEventId = (await reading).at(-1)!.id!;
    first.abort();
    expect(lastEventId).toBe('10');

    const again = new AbortController();
    const response = await fetch(`${base}/v1/runs/${runId}/events?${name}=${lastEventId}`, {
      headers: { authorization, accept: 'text/event-stream', 'cache-control': 'no-cache', 'last-event-id': lastEventId },
      signal: again.signal,
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
    const events = await readEvents(response, (read) => read.length > 0);
    again.abort();
    expect(events[0]).toMatchObject({ event: 'status', data: { runId, status: 'queued' } });
  });

  // event-source-polyfill versions that do not take out the parameter they added before add it
  // again at every reconnection: the stream was refused from the second reconnection on. Nothing
  // reads the value, so none is refused: a 400 would end such a client's stream for good.
  it.each([
    'lastEventId=5&lastEventId=7&Last-Event-ID=5&Last-Event-ID=7',
    'lastEventId=7%0A8',
    'lastEventId=5&lastEventId=7%0D&Last-Event-Id=1%00',
    'Last-Event-Id=&Last-Event-Id=&_=1&_=2',
  ])('takes the reconnection parameters given more than once, with any value, and ignores them: ?%s', async (query) => {
    const { authorization } = await createTenantKey(context.services.database, 'events-repeated');
    const runId = await submit(authorization);
    const again = new AbortController();
    const response = await fetch(`${base}/v1/runs/${runId}/events?${query}`, {
      headers: { authorization, accept: 'text/event-stream', 'last-event-id': '7' }, signal: again.signal,
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
    const events = await readEvents(response, (read) => read.length > 0);
    again.abort();
    expect(events[0]).toMatchObject({ event: 'status', data: { runId, status: 'queued' } });
  });

  it('still refuses any other parameter given more than once, or one it does not take', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'events-other-parameters');
    const runId = await submit(authorization);
    for (const [query, paths] of [['lastEventId=5&lastEventId=7&fields=a&fields=b', ['fields']], ['lastEventId=5&from=1', ['from']]] as const) {
      const refused = await context.app.inject({ url: `/v1/runs/${runId}/events?${query}`, headers: { authorization } });
      expect([query, refused.statusCode, refused.json().errors.map((issue: { path: string }) => issue.path)]).toEqual([query, 400, paths]);
    }
  });

  it('is a 404 for another tenant and a 401 without a key', async () => {
    const owner = await createTenantKey(context.services.database, 'events-owner');
    const other = await createTenantKey(context.services.database, 'events-other');
    const runId = await submit(owner.authorization);
    const foreign = await context.app.inject({ url: `/v1/runs/${runId}/events`, headers: { authorization: other.authorization } });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await context.app.inject({ url: `/v1/runs/${runId}/events` })).statusCode).toBe(401);
  });
});

describe('GET /v1/runs/{id}/events with many viewers', () => {
  it('relays every message to 100 viewers of one run over one subscription, and lets go of it when they leave', async () => {
    const { authorization } = await createTenantKey(context.services.database, 'events');
    const runId = await submit(authorization);
    const controller = new AbortController();
    const responses = await Promise.all(Array.from({ length: 100 }, () =>
      fetch(`${base}/v1/runs/${runId}/events`, { headers: { authorization }, signal: controller.signal })));
    const readings = responses.map((response) => readEvents(response, (events) => events.some((e) => e.event === 'metrics' && e.id === '30')));
    await until(async () => (await subscribers(runId)) === 1);
    expect(await subscribers(runId)).toBe(1);
    for (const lastStep of [10, 20, 30]) {
      await context.services.redis.publish(runChannel(runId), JSON.stringify({ type: 'metrics', runId, firstStep: lastStep - 9, lastStep, count: 10, rows: [] }));
    }
    const all = await Promise.all(readings);
    for (const events of all) expect(events.filter((e) => e.event === 'metrics').map((e) => e.id)).toEqual(['10', '20', '30']);
    controller.abort();
    await until(async () => (await subscribers(runId)) === 0);
    expect(await subscribers(runId)).toBe(0);
  });

  it('sends open streams a reconnect hint when the API closes', async () => {
    const services = context.services;
    const { buildTestApp } = await import('../support/services.ts');
    const app = await buildTestApp(services);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { authorization } = await createTenantKey(services.database, 'events');
    const created = await app.inject({ method: 'POST', url: '/v1/runs', headers: { authorization }, payload: minimalSpec });
    const response = await fetch(`${address}/v1/runs/${created.json().id}/events`, { headers: { authorization } });
    const reading = readEvents(response, (events) => events.some((e) => e.event === 'reconnect'));
    await until(async () => (await subscribers(created.json().id)) >= 1);
    await app.close();
    const events = await reading;
    expect(events.at(-1)).toEqual({ event: 'reconnect', data: { reason: 'server shutting down', retryMs: 2000 }, id: undefined });
  });
});
