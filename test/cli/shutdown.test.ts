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
    expect(child.stdout).toBe('stopped (fatal)\n');
    expect(child.stderr).toContain('unhandled error: Error: connection terminated unexpectedly');
    expect(child.stderr).toContain('shutting down after an unhandled error');
    expect(child.status).toBe(1);
  });
});
