/**
 * The SSE streams of one process over real sockets: one encoding per message for every
 * stream, slow consumers dropped with a reconnect hint instead of buffered without limit, and
 * every stream ended with the hint on shutdown.
 */
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventStreams, encodeEvent, type EventStream, type EventStreams } from '../../src/api/server-sent-events/event-streams.ts';
import { eventually } from '../support/eventually.ts';

let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

/** A server whose every request becomes a stream of `streams`; resolves to its port and the streams opened. */
async function serve(streams: EventStreams): Promise<{ port: number; opened: EventStream[] }> {
  const opened: EventStream[] = [];
  server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    opened.push(streams.open(response));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, opened };
}

function connect(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request({ port, host: '127.0.0.1' }, resolve).on('error', reject).end());
}

async function readAll(response: IncomingMessage): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) text += chunk;
  return text;
}

const until = (condition: () => boolean) => eventually(condition, (held) => held, { timeoutMs: 4_000, intervalMs: 10 });

describe('event streams', () => {
  it('sends the same message to many streams, encoded once', async () => {
    const streams = createEventStreams();
    const { port, opened } = await serve(streams);
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(port)));
    await until(() => opened.length === 50);
    const message = { type: 'metrics', lastStep: 7, rows: [{ step: 7, loss: 0.5 }] };
    let encodings = 0;
    const data = { get lastStep() { encodings++; return 7; }, rows: message.rows };
    for (const stream of opened) stream.send('metrics', data, 7, message);
    for (const stream of opened) stream.close();
    const texts = await Promise.all(clients.map(readAll));
    expect(encodings).toBe(1);
    expect(new Set(texts)).toEqual(new Set([encodeEvent('metrics', { lastStep: 7, rows: message.rows }, 7).toString()]));
    expect(streams.size).toBe(0);
  });

  it('drops a client that does not read, with a reconnect hint, instead of buffering without limit', async () => {
    const streams = createEventStreams({ maxBufferedBytes: 256 * 1024, retryMs: 1500 });
    const { port, opened } = await serve(streams);
    const client = await connect(port);
    client.pause();
    await until(() => opened.length === 1);
    const stream = opened[0];
    const big = { rows: 'x'.repeat(16 * 1024) };
    for (let i = 0; i < 10_000 && !stream.closed; i++) stream.send('metrics', big, i);
    expect(stream.closed).toBe(true);
    expect(streams.size).toBe(0);
    client.resume();
    const text = await readAll(client);
    expect(text.endsWith(`retry: 1500\nevent: reconnect\ndata: {"reason":"slow consumer","retryMs":1500}\n\n`)).toBe(true);
    // What was sent before the drop arrived whole: far less than the 160 MB asked for.
    expect(text.length).toBeLessThan(8 * 1024 * 1024);
  });

  it('ends every stream with a reconnect hint on shutdown', async () => {
    const streams = createEventStreams();
    const { port, opened } = await serve(streams);
    const clients = await Promise.all(Array.from({ length: 5 }, () => connect(port)));
    await until(() => opened.length === 5);
    streams.closeAll();
    const texts = await Promise.all(clients.map(readAll));
    for (const text of texts) expect(text).toContain('event: reconnect\ndata: {"reason":"server shutting down","retryMs":2000}');
    expect(streams.size).toBe(0);
  });

  it('ends at once, with the hint, a stream opened after shutdown began (a request already in its handler)', async () => {
    const streams = createEventStreams();
    const { port } = await serve(streams);
    streams.closeAll();
    const text = await readAll(await connect(port));
    expect(text).toBe('retry: 2000\nevent: reconnect\ndata: {"reason":"server shutting down","retryMs":2000}\n\n');
    expect(streams.size).toBe(0);
  });

  it('keeps idle streams alive with comment lines', async () => {
    const streams = createEventStreams({ heartbeatMs: 20 });
    const { port, opened } = await serve(streams);
    const client = await connect(port);
    await until(() => opened.length === 1);
    let text = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => (text += chunk));
    await until(() => text.split(': keep-alive\n\n').length > 3);
    opened[0].close();
    expect(text.startsWith(': keep-alive\n\n: keep-alive\n\n')).toBe(true);
  });
});
