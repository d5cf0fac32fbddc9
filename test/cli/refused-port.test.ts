/**
 * A Descent address on a port that fetch never connects to (the Fetch standard's blocked ports,
 * 6000 among them) is said to be unusable at once, not retried and called unreachable; so is an
 * address that redirects to one, without blaming the port it was given.
 */
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { fetchBlockedPorts } from '../../src/contracts/fetch-blocked-ports.ts';
import { runCli } from './capture.ts';
import { useFakeDescent } from './fake-descent.ts';

const redirecting = useFakeDescent((request, response) => {
  response.writeHead(307, { location: `http://127.0.0.1:6000${request.url}` }).end();
});

/** `descent runs` at `url` exits 2 (bad usage or input) having said `stderr`. */
async function expectUsageError(url: string, stderr: string): Promise<void> {
  const answer = await runCli(['runs', '--url', url, '--key', 'k']);
  expect([answer.stderr, answer.code]).toEqual([stderr, 2]);
}

describe('a Descent address on a port fetch refuses', () => {
  it('is a usage error naming the port, with no retry', async () => {
    await expectUsageError('http://127.0.0.1:6000', 'descent runs: cannot reach Descent at http://127.0.0.1:6000: fetch never connects to port 6000, '
      + 'one of the ports the Fetch standard blocks; serve Descent on another port (PORT)\n');
  });

  it('that a redirect leads to is said to be where the redirect went, not the port given', async () => {
    await expectUsageError(redirecting.url, `descent runs: cannot reach Descent at ${redirecting.url}: it redirected to a port fetch never connects to, `
      + 'one of the ports the Fetch standard blocks; give --url the address Descent is served at\n');
  });

  it('is not sent again by the client', async () => {
    const retries: unknown[] = [];
    const descent = createClient({ url: 'http://127.0.0.1:6000', apiKey: 'k', retry: { onRetry: (notice) => retries.push(notice) } });
    await expect(descent.runs().next()).rejects.toMatchObject({ cause: { message: 'bad port' } });
    expect(retries).toEqual([]);
  });

  // The list is the one fetch keeps: each of its ports is refused, and the ports beside them are not.
  it('is each port of the list, and only those', async () => {
    const refused = async (port: number) => {
      const error: unknown = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(() => undefined, (caught: unknown) => caught);
      return error instanceof TypeError && error.cause instanceof Error && error.cause.message === 'bad port';
    };
    const ports = [...fetchBlockedPorts];
    const beside = [...new Set(ports.flatMap((port) => [port - 1, port + 1]))].filter((port) => port > 0 && !fetchBlockedPorts.has(port));
    expect(await Promise.all(ports.map(refused))).toEqual(ports.map(() => true));
    expect((await Promise.all(beside.map(async (port) => [port, await refused(port)]))).filter(([, isRefused]) => isRefused)).toEqual([]);
  });
});

describe('a Descent address with a user name or password', () => {
  // Whatever the scheme: the check of an http(s) address quotes the address.
  it.each(['http://user:secret@127.0.0.1:3000', 'ftp://user:secret@127.0.0.1'])('is a usage error that does not repeat the password: %s', async (url) => {
    await expectUsageError(url, 'descent runs: --url must not hold a user name or password (user:password@host): '
      + 'Descent takes an API key, pass it with --key or DESCENT_API_KEY\nRun \'descent runs --help\' for usage.\n');
  });

  // An address that cannot be parsed has no user info to refuse: the scheme's check quotes it, without it.
  it.each([
    ['http://user:secret@host:99999', 'http://***@host:99999'],
    ['http://user:secret@exa mple.com', 'http://***@exa mple.com'],
    ['http://user:secret@', 'http://***@'],
    ['http://user:secret@[::1', 'http://***@[::1'],
  ])('that cannot be parsed is quoted without them: %s', async (url, quoted) => {
    await expectUsageError(url, `descent runs: --url must be an http(s) address, not '${quoted}'\nRun 'descent runs --help' for usage.\n`);
  });

  it('from DESCENT_URL is quoted without them', async () => {
    vi.stubEnv('DESCENT_URL', 'http://u:secret@host:70000');
    try {
      const answer = await runCli(['runs', '--key', 'k']);
      expect([answer.stderr, answer.code]).toEqual(["descent runs: --url must be an http(s) address, not 'http://***@host:70000'\nRun 'descent runs --help' for usage.\n", 2]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
