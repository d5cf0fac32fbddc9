/** The API's event hub against the real Redis: one subscription per channel, and listeners told of it only once it is active. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, type Redis } from '../../../src/queue/connection.ts';
import { createEventHub, type EventHub, type EventMessage } from '../../../src/queue/event-hub.ts';
import { testConfig } from '../support/services.ts';

let hub: EventHub;
let publisher: Redis;

beforeAll(async () => {
  hub = createEventHub(testConfig().redisUrl);
  publisher = createRedis(testConfig().redisUrl, 'fail-fast');
  await publisher.connect();
});

afterAll(async () => {
  await hub.close();
  await closeRedis(publisher);
});

describe('event hub', () => {
  it("a second listener of a channel whose subscription is in flight goes on only once Redis confirmed it, and both hear what is published then", async () => {
    const channel = `test:events:${randomUUID()}`;
    const order: string[] = [];
    const heard: Record<'first' | 'second', EventMessage[]> = { first: [], second: [] };
    // The second subscribes while the first's SUBSCRIBE is on its way: it must not resolve before it.
    const first = hub.subscribe(channel, (message) => heard.first.push(message)).then((stop) => (order.push('first'), stop));
    const second = hub.subscribe(channel, (message) => heard.second.push(message)).then((stop) => (order.push('second'), stop));
    const stops = await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(await publisher.publish(channel, JSON.stringify({ type: 'status' }))).toBe(1);
    await expect.poll(() => heard.second.length).toBe(1);
    expect(heard.first).toEqual([{ type: 'status' }]);
    for (const stop of stops) stop();
    await expect.poll(async () => (await publisher.pubsub('NUMSUB', channel))[1]).toBe(0);
  });
});
