/**
 * GET /v1/sweeps/{id}/events over a real socket: the opening state, relayed coordinator and
 * worker messages, the end with the sweep, and the same rules as a run's stream (another tenant's
 * sweep is a 404, a finished sweep answers at once, the subscription ends with the client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepChannel } from '../../../src/queue/sweep-events.ts';
import { readEvents, subscriberCount, until } from '../support/server-sent-events.ts';
import { createTenantKey } from '../support/services.ts';
import { useTestApi } from '../runs/support.ts';
import { quadraticBase, startTestSweepWorker, waitForSweep } from './support.ts';

const api = useTestApi();
let base: string;
beforeAll(async () => {
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
});

const gridSweep = {
  base: quadraticBase,
  parameters: { 'optimizer.learningRate': { type: 'float', values: [0.001, 0.01, 0.05] } },
  metric: { name: 'finalLoss' },
  sampler: { type: 'grid' },
  parallelism: 2,
};

async function submit(authorization = api.authorization): Promise<string> {
  const response = await api.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { authorization }, payload: gridSweep });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

const subscribers = (sweepId: string) => subscriberCount(api.services.redis, sweepChannel(sweepId));
const follow = (sweepId: string, init: RequestInit = {}) =>
  fetch(`${base}/v1/sweeps/${sweepId}/events`, { ...init, headers: { authorization: api.authorization } });

describe('GET /v1/sweeps/{id}/events without workers', () => {
  it('opens with the stored sweep, relays published messages and ends with the sweep', async () => {
    // No worker on this file's queues yet: the sweep stays queued until we say otherwise.
    const sweepId = await submit();
    const response = await follow(sweepId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = readEvents(response, (events) => events.some((e) => e.event === 'end'));
    await until(async () => (await subscribers(sweepId)) === 1);
    const publish = (message: object) => api.services.redis.publish(sweepChannel(sweepId), JSON.stringify({ sweepId, ...message }));
    const runId = '00000000-0000-4000-8000-000000000001';
    await publish({ type: 'sweep', status: 'running', result: null });
    await publish({ type: 'trial', runId, trialNumber: 0, status: 'ended' });
    await publish({ type: 'sweep', status: 'completed', result: { reason: 'grid_exhausted', message: 'Every point of the grid finished.' } });
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(['sweep', 'sweep', 'trial', 'sweep', 'end']);
    // The opening event has the shape the coordinator publishes.
    expect(events[0].data).toEqual({ sweepId, status: 'queued', result: null });
    expect(events[2].data).toEqual({ sweepId, runId, trialNumber: 0, status: 'ended' });
    expect(events[3].data).toMatchObject({ status: 'completed', result: { reason: 'grid_exhausted' } });
    await until(async () => (await subscribers(sweepId)) === 0);
    expect(await subscribers(sweepId)).toBe(0);
  });

  it('answers a finished sweep with its state and the end at once, and a reconnect reads it afresh', async () => {
    const sweepId = await submit();
    const cancel = await api.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel`, headers: { authorization: api.authorization } });
    expect(cancel.statusCode).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++) {
      const events = await readEvents(await follow(sweepId), () => false);
      expect(events.map((e) => e.event)).toEqual(['sweep', 'end']);
      expect(events[0].data).toEqual({ sweepId, status: 'cancelled', result: { reason: 'cancelled', message: 'A client cancelled the sweep.' } });
    }
  });

  // As a run's stream: EventSource polyfills add the last event's id to a reconnection's URL, and
  // give up on the stream for good when it is refused.
  it.each(['lastEventId', 'Last-Event-ID', 'Last-Event-Id'])('takes a reconnection that names a last event as ?%s=<id>, and opens it afresh', async (name) => {
    const sweepId = await submit();
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/sweeps/${sweepId}/events?${name}=7`, {
      headers: { authorization: api.authorization, accept: 'text/event-stream', 'last-event-id': '7' }, signal: abort.signal,
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
    const events = await readEvents(response, (read) => read.length > 0);
    abort.abort();
    expect(events[0]).toEqual({ event: 'sweep', data: { sweepId, status: 'queued', result: null }, id: undefined });
  });

  it('takes ?lastEventId given more than once, as a polyfill adding it at every reconnection sends it, with any value, and ignores it', async () => {
    const sweepId = await submit();
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/sweeps/${sweepId}/events?lastEventId=5&lastEventId=7%0A&Last-Event-ID=%00`, {
      headers: { authorization: api.authorization, accept: 'text/event-stream' }, signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const events = await readEvents(response, (read) => read.length > 0);
    abort.abort();
    expect(events[0]).toMatchObject({ event: 'sweep', data: { sweepId, status: 'queued' } });
  });

  it('unsubscribes when the client leaves', async () => {
    const sweepId = await submit();
    const abort = new AbortController();
    const response = await follow(sweepId, { signal: abort.signal });
    await readEvents(response, (events) => events.length > 0);
    await until(async () => (await subscribers(sweepId)) === 1);
    expect(await subscribers(sweepId)).toBe(1);
    abort.abort();
    await until(async () => (await subscribers(sweepId)) === 0);
    expect(await subscribers(sweepId)).toBe(0);
  });

  it('is a 404 for another tenant\'s or an unknown sweep and a 401 without a key', async () => {
    const sweepId = await submit();
    const other = await createTenantKey(api.services.database, 'sweep-events-other');
    for (const url of [`/v1/sweeps/${sweepId}/events`, '/v1/sweeps/not-a-sweep/events']) {
      const foreign = await api.app.inject({ url, headers: { authorization: other.authorization } });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await api.app.inject({ url: `/v1/sweeps/${sweepId}/events` })).statusCode).toBe(401);
  });
});

describe('GET /v1/sweeps/{id}/events with workers', () => {
  let worker: Awaited<ReturnType<typeof startTestSweepWorker>> | undefined;
  afterAll(async () => {
    await worker?.close();
  });

  it('follows a sweep from its first round to its end: one trial event per trial', async () => {
    const sweepId = await submit();
    const reading = readEvents(await follow(sweepId), () => false);
    // The workers start once the stream is subscribed, so that no message can be missed.
    await until(async () => (await subscribers(sweepId)) === 1);
    worker = await startTestSweepWorker(api.services);
    const events = await reading;
    const done = await waitForSweep(api.app, api.authorization, sweepId);
    expect(done.status).toBe('completed');
    expect(events[0]).toEqual({ event: 'sweep', data: { sweepId, status: 'queued', result: null }, id: undefined });
    expect(events.filter((e) => e.event === 'sweep').map((e) => e.data.status)).toContain('running');
    expect(events.at(-2)).toEqual({ event: 'sweep', data: { sweepId, status: 'completed', result: done.result }, id: undefined });
    expect(events.at(-1)?.event).toBe('end');
    const trials = events.filter((e) => e.event === 'trial');
    // Every trial's end is told once, with its number and how it ended (`ended` comes only from a worker of an earlier release).
    expect(trials.map((e) => `${e.data.trialNumber} ${e.data.status}`).sort()).toEqual(['0 completed', '1 completed', '2 completed']);
    for (const trial of trials) expect(trial.data.sweepId).toBe(sweepId);
  });
});
