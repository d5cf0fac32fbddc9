import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const descent = fileURLToPath(new URL('../../bin/descent.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'descent-pipe-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('a reader that stops early', () => {
  // `descent run spec.json --jsonl | head -1`: head closes the pipe after its line.
  it('ends the command quietly, with status 0 and no stack trace', async () => {
    const spec = join(directory, 'spec.json');
    writeFileSync(spec, JSON.stringify({
      objective: { type: 'expression', expression: 'x^2 + y^2', variables: ['x', 'y'], initial: [1, 1] },
      optimizer: { name: 'sgd', learningRate: 0.001 },
      training: { maxSteps: 200_000 },
    }));
    const child = spawn(process.execPath, [descent, 'run', spec, '--jsonl'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(child, 'exit');
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = await exit;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});

describe('the commands that end quietly when their reader leaves', () => {
  it('are those that print an answer; not the services, migrate, nor keys (a key shown once, unread, is lost)', async () => {
    const { endsQuietlyWhenReaderLeaves } = await import('../../src/cli/main.ts');
    for (const argv of [['run', 'spec.json'], ['runs'], ['metrics', 'id'], ['sweep', 'sweep.json'], ['--help'], []]) expect(endsQuietlyWhenReaderLeaves(argv)).toBe(true);
    for (const argv of [['start'], ['serve'], ['worker'], ['migrate'], ['keys', 'create']]) expect(endsQuietlyWhenReaderLeaves(argv)).toBe(false);
  });
});
