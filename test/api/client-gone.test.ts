/**
 * clientGone's signal aborts when the client closes its connection before the answer is sent,
 * with a 400 problem as its reason, at once when first asked for after that, and not when the
 * answer was sent.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { clientGone } from '../../src/api/routes/client-gone.ts';

describe('clientGone', () => {
  const app = Fastify();
  const signals: AbortSignal[] = [];
  app.get('/slow', (_request, reply) => {
    const signal = clientGone(reply)();
    signals.push(signal);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve('gone')));
  });
  app.get('/quick', (_request, reply) => {
    signals.push(clientGone(reply)());
    return 'answered';
  });
  /** Asks for the signal only once the connection closed. */
  app.get('/late', (request, reply) => {
    const signal = clientGone(reply);
    return new Promise((resolve) => {
      request.raw.socket.once('close', () => setImmediate(() => {
        signals.push(signal());
        resolve('late');
      }));
    });
  });
  afterAll(() => app.close());

  async function port(): Promise<number> {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  }

  it('aborts when the connection closes before the answer', async () => {
    const client = httpRequest({ host: '127.0.0.1', port: await port(), path: '/slow' });
    client.on('error', () => undefined);
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.destroy();
    const signal = signals.at(-1)!;
    await new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve)));
    expect(signal.reason).toMatchObject({ statusCode: 400, code: 'bad_request', title: 'The client went away' });
  });

  it('aborts at once when asked for after the connection closed', async () => {
    const client = httpRequest({ host: '127.0.0.1', port: await port(), path: '/late' });
    client.on('error', () => undefined);
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = signals.length;
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signals.length).toBe(before + 1);
    expect(signals.at(-1)!.aborted).toBe(true);
    expect(signals.at(-1)!.reason).toMatchObject({ statusCode: 400, code: 'bad_request' });
  });

  it('does not abort once the answer was sent', async () => {
    const response = await fetch(`http://127.0.0.1:${await port()}/quick`);
    expect(await response.text()).toBe('answered');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals.at(-1)!.aborted).toBe(false);
  });
});
