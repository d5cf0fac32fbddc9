/**
 * Requests that reach an API process while it shuts down (pipelined behind a request in flight,
 * or on a keep-alive connection) get a 503 `shutting_down` problem with `Retry-After` and
 * `Connection: close`, not Fastify's own plain body.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { until } from '../support/server-sent-events.ts';
import { buildTestApp, createTenantKey, minimalSpec, useTestApp } from '../support/services.ts';

const context = useTestApp();

describe('an API process shutting down', () => {
  it('answers a request that reaches it meanwhile with a 503 problem naming when to retry', async () => {
    const app = await buildTestApp(context.services);
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const { authorization } = await createTenantKey(context.services.database, 'shutting-down');

    // A request in flight keeps its connection open through the shutdown: its body is sent in
    // two parts, and the server reads the request behind it only once the body is whole.
    const socket = connect(Number(address.port), address.hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise<void>((resolve) => socket.write(
      `POST /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: ${JSON.stringify(minimalSpec).length}\r\n\r\n{`, () => resolve()));

    const closing = app.close();
    // The server stops listening once the shutdown has begun (after the close hooks).
    await until(async () => !app.server.listening);
    socket.write(`${JSON.stringify(minimalSpec).slice(1)}GET /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nAccept: application/json\r\n\r\n`);
    await closed;
    await closing;

    const answers = received.split(/(?=HTTP\/1\.1 \d{3} )/);
    const [head, body] = answers.at(-1)!.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(head).toMatch(/\r\nretry-after: 1(\r|$)/i);
    expect(head).toMatch(/\r\nconnection: close/i);
    expect(JSON.parse(body)).toMatchObject({ status: 503, code: 'shutting_down', title: 'The API process is shutting down' });
  });
});
