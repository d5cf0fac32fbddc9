/**
 * The last line of defence of a service process: an error nothing handled is logged, the
 * process stops the way SIGTERM stops it (closing its connections), and exits 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/unhandled-error.ts', import.meta.url));

describe('shutdown', () => {
  it('stops cleanly and exits 1 on an error nothing handled', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 });
    // Every line is a JSON line: the unhandled error (with its stack), the shutdown, the stop.
    const lines = child.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, msg: 'unhandled error: connection terminated unexpectedly', err: expect.objectContaining({ type: 'Error', stack: expect.any(String) }) }),
      expect.objectContaining({ level: 50, msg: 'shutting down after an unhandled error' }),
      { stopped: 'fatal' },
    ]);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(1);
  });
});
