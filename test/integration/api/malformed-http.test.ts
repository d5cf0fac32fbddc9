/**
 * Bytes that are not an HTTP request the server can read (a header with a control character, a
 * request line that is not one, headers beyond Node's limit) never reach fastify's routes: the
 * HTTP parser refuses them. They are answered as problems too, on the raw socket, which is
 * then closed.
 */
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerClientError } from '../../../src/api/plugins/error-handler.ts';
import { useTestApp } from '../support/services.ts';

// A REQUEST_TIMEOUT_MS of its own, to see it reach the server.
const context = useTestApp({ REQUEST_TIMEOUT_MS: '1000' });
let port: number;

beforeAll(async () => {
  await context.app.listen({ port: 0, host: '127.0.0.1' });
  port = (context.app.server.address() as { port: number }).port;
});

/** Sends `bytes` on a connection of its own; the whole answer once the server closes it. */
function exchange(bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(bytes);
  });
}

function problemOf(answer: string) {
  const [head, body] = answer.split('\r\n\r\n');
  const [statusLine, ...headers] = head.split('\r\n');
  const contentType = headers.find((header) => header.toLowerCase().startsWith('content-type:'));
  return { status: Number(statusLine.split(' ')[1]), contentType, problem: JSON.parse(body) };
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['a header with a control character', 'GET /v1/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0001\r\n\r\n'],
    ['a request line that is not one', 'GARBAGE\r\n\r\n'],
    ['both Content-Length and chunked', 'POST /v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ])('%s → 400 bad_request as a problem', async (_what, request) => {
    const { status, contentType, problem } = problemOf(await exchange(request));
    expect(status).toBe(400);
    expect(contentType).toMatch(/application\/problem\+json/);
    expect(problem).toMatchObject({ type: 'urn:descent:problem:bad_request', status: 400, code: 'bad_request', detail: expect.stringMatching(/^The request is not valid HTTP: .+\.$/) });
  });

  it('a request may take REQUEST_TIMEOUT_MS to arrive, and one that takes longer is a 408 request_timeout problem, its connection closed', async () => {
    // Fastify's default is no limit: a body announced and never sent held its connection for good.
    expect(context.app.server.requestTimeout).toBe(1000);
    // Node looks for late requests every 30 s or more; its error is answered as the parser's others.
    const written: string[] = [];
    const socket = Object.assign(new PassThrough(), { write: (text: string) => written.push(text) > 0 });
    const destroyedWith = new Promise((resolve) => socket.on('error', resolve));
    answerClientError(Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    const { status, contentType, problem } = problemOf(written.join(''));
    expect(status).toBe(408);
    expect(contentType).toMatch(/application\/problem\+json/);
    expect(problem).toMatchObject({ status: 408, code: 'request_timeout' });
    expect(await destroyedWith).toMatchObject({ code: 'ERR_HTTP_REQUEST_TIMEOUT' });
  });

  it('bytes the parser refuses behind a response already under way close the connection without a problem inside that response', async () => {
    const written: string[] = [];
    const socket = Object.assign(new PassThrough(), { write: (text: string) => written.push(text) > 0, _httpMessage: { headersSent: true } });
    const destroyedWith = new Promise((resolve) => socket.on('error', resolve));
    answerClientError(Object.assign(new Error('Parse Error: Invalid method encountered'), { code: 'HPE_INVALID_METHOD' }), socket);
    expect(await destroyedWith).toMatchObject({ code: 'HPE_INVALID_METHOD' });
    expect(written).toEqual([]);
  });

  it('headers beyond the server\'s limit → 431 headers_too_large as a problem', async () => {
    const { status, contentType, problem } = problemOf(await exchange(`GET /v1/runs HTTP/1.1\r\nHost: x\r\nX-Big: ${'k'.repeat(100_000)}\r\n\r\n`));
    expect(status).toBe(431);
    expect(contentType).toMatch(/application\/problem\+json/);
    expect(problem).toMatchObject({ status: 431, code: 'headers_too_large' });
  });
});
