/** `descent metrics --max-points`: the bounds the service takes, checked before asking it. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/metrics.ts';
import { runCli, unreachableUrl } from './capture.ts';

const id = '00000000-0000-4000-8000-000000000000';
// Nothing listens there: a request would exit 4, a usage error exits 2 before any.
const connection = ['--url', await unreachableUrl(), '--key', 'k'];

describe('descent metrics --max-points', () => {
  it.each(['1', '10001', '2.5', 'many'])('%s is a usage error naming the range', async (value) => {
    const { code, stderr } = await runCli(['metrics', id, '--max-points', value, ...connection]);
    expect(stderr).toMatch(/^descent metrics: --max-points takes a whole number from 2 to 10000\n/);
    expect(code).toBe(2);
  });

  it('takes 2 and 10000, the ends of the range, asking Descent for them', async () => {
    const asked: string[] = [];
    const server = http.createServer((request, response) => {
      asked.push(new URL(request.url!, 'http://descent').searchParams.get('maxPoints')!);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ points: [] }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const value of ['2', '10000']) expect((await runCli(['metrics', id, '--max-points', value, '--url', url, '--key', 'k'])).code).toBe(0);
      expect(asked).toEqual(['2', '10000']);
    } finally {
      server.close();
    }
  });

  it('--help gives the range', () => {
    expect(command.help).toMatch(/--max-points N\s+At most N buckets \(N from 2 to 10000;/);
  });
});
