/**
 * A remote command that the client makes wait before asking again (a 429's Retry-After, to the end
 * of the rate-limit window) says so on stderr, instead of printing nothing for up to a minute.
 */
import { describe, expect, it } from 'vitest';
import { runCli, unreachableUrl } from './capture.ts';
import { useFakeDescent } from './fake-descent.ts';
import { retryNoticeLine } from '../../src/cli/remote/remote-command.ts';

let answered = 0;
const descent = useFakeDescent((request, response) => {
  answered += 1;
  if (answered === 1) {
    response.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' })
      .end('{"type":"urn:descent:problem:rate_limited","status":429,"code":"rate_limited","title":"Too many requests"}');
  } else {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"runs":[],"nextCursor":null}');
  }
});

describe('a remote command told to wait', () => {
  it('says why and for how long on stderr, then answers', async () => {
    const { code, stderr } = await runCli(['runs', '--url', descent.url, '--key', 'k']);
    expect(stderr).toBe('descent runs: Descent answered 429 Too Many Requests; asking again in 1 s\n');
    expect(code).toBe(0);
    expect(answered).toBe(2);
  });

  it('leaves a lost answer\'s short retries unsaid: an unreachable Descent is one line', async () => {
    const { code, stderr } = await runCli(['status', 'x', '--url', await unreachableUrl(), '--key', 'k']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^descent status: cannot reach Descent: connect ECONNREFUSED [^\n]*\n$/);
  });

  it.each([
    [{ reason: 'ECONNREFUSED', delayMs: 1500 }, undefined],
    [{ reason: 'fetch failed', delayMs: 30_000 }, undefined],
    [{ reason: 503, delayMs: 999 }, undefined],
    [{ reason: 503, delayMs: 1000 }, 'descent status: Descent answered 503 Service Unavailable; asking again in 1 s\n'],
    [{ reason: 429, delayMs: 58_200 }, 'descent status: Descent answered 429 Too Many Requests; asking again in 59 s\n'],
  ])('says a wait of %o as %j: only the waits Descent asked for, of a second or more', (notice, line) => {
    expect(retryNoticeLine('status', notice)).toBe(line);
  });
});
