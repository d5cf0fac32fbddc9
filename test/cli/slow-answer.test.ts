/**
 * A Descent that takes its time to start an answer it is legitimately working on: a downsampled
 * read of a long run runs a count and a downsampling statement, each bounded by the service's
 * DATABASE_STATEMENT_TIMEOUT_MS (60 s by default), so its first byte may come after a minute.
 * A remote command with the default --timeout waits for it, asking once.
 */
import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './capture.ts';
import { useFakeDescent } from './fake-descent.ts';

const waiting: http.ServerResponse[] = [];
const descent = useFakeDescent((request, response) => void waiting.push(response));

describe('the default --timeout', () => {
  it('waits for an answer that starts after two of the service\'s statement bounds (110 s)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const done = runCli(['metrics', '00000000-0000-4000-8000-000000000000', '--max-points', '10', '--url', descent.url, '--key', 'k']);
      // setImmediate, not setTimeout: the clock is the test's.
      while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(110_000);
      for (const response of waiting) if (!response.destroyed) response.writeHead(200, { 'content-type': 'application/json' }).end('{"points":[{"step":1,"loss":0.5}]}');
      const { code, stdout, stderr } = await done;
      expect(stderr).toBe('');
      expect(stdout).toBe('{"step":1,"loss":0.5}\n');
      expect(code).toBe(0);
      expect(waiting).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  }, 20_000);
});
