/**
 * Following a resource over server-sent events, over a real socket: a stream opens with the
 * messages of the stored state, whatever is published while that state is being read.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createFollowedStreams } from '../../src/api/server-sent-events/followed-streams.ts';
import type { EventListener } from '../../src/queue/event-hub.ts';
import { eventually } from '../support/eventually.ts';

interface Stored {
  readonly status: string;
  readonly step: number;
}

let app: FastifyInstance | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
});

/** The `event:` names of an event stream's text, in order. */
const eventNames = (text: string) => [...text.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);

describe('followed streams', () => {
  it('open with the stored state, and relay what was published while it was read after it', async () => {
    const server = Fastify();
    app = server;
    const streams = createFollowedStreams(server);
    let publish: EventListener | null = null;
    let storedRead: ((stored: Stored) => void) | null = null;
    server.get('/followed', async (_, reply) => {
      await streams.follow<Stored>(reply, {
        id: 'one',
        subscribe: async (listener) => {
          publish = listener;
          return () => undefined;
        },
        // A database slow to answer: the read ends when the test says.
        read: () => new Promise((resolve) => { storedRead = resolve; }),
        isFinal: (stored) => stored.status === 'completed',
        opening: (stored) => [{ event: 'status', data: { status: stored.status } }, { event: 'progress', data: { step: stored.step } }],
        closing: (stored) => [{ event: 'status', data: { status: stored.status } }],
        messageId: (message) => (typeof message.lastStep === 'number' ? message.lastStep : undefined),
        endsWith: (message) => message.type === 'status' && message.status === 'completed',
      });
    });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    // The headers go out with the first message: the answer comes once the stream has opened.
    const answer = fetch(`${base}/followed`);
    await eventually(() => storedRead, (read) => read !== null);
    // Published once subscribed, before the stored state is read: a slice, then the end.
    publish!({ type: 'metrics', firstStep: 1, lastStep: 12 });
    publish!({ type: 'status', status: 'completed' });
    storedRead!({ status: 'running', step: 10 });
    const text = await (await answer).text();
    expect(eventNames(text)).toEqual(['status', 'progress', 'metrics', 'status', 'end']);
    expect(text).toContain('id: 12\nevent: metrics');
  });
});
