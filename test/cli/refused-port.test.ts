/**
 * A Descent address on a port that fetch never connects to (the Fetch standard's blocked ports,
 * 6000 among them) is said to be unusable at once, not retried and called unreachable.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import { runCli } from './capture.ts';

describe('a Descent address on a port fetch refuses', () => {
  it('is a usage error naming the port, with no retry', async () => {
    const { code, stderr } = await runCli(['runs', '--url', 'http://127.0.0.1:6000', '--key', 'k']);
    expect(stderr).toBe('descent runs: cannot reach Descent at http://127.0.0.1:6000: fetch never connects to port 6000, '
      + 'one of the ports the Fetch standard blocks; serve Descent on another port (PORT)\n');
    expect(code).toBe(2);
  });

  it('is not sent again by the client', async () => {
    const retries: unknown[] = [];
    const descent = createClient({ url: 'http://127.0.0.1:6000', apiKey: 'k', retry: { onRetry: (notice) => retries.push(notice) } });
    await expect(descent.runs().next()).rejects.toMatchObject({ cause: { message: 'bad port' } });
    expect(retries).toEqual([]);
  });
});
