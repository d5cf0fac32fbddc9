/** The README's client example is examples/client.ts, and it runs as written against a live Descent. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useLiveDescent } from './live-descent.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplePath = fileURLToPath(new URL('../../../examples/client.ts', import.meta.url));

function runScript(path: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("README: the client's example", () => {
  const live = useLiveDescent();

  it('shows examples/client.ts as it is', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## A typed client and the remote CLI'), readme.indexOf('## The run spec'));
    const shown = /```ts\n([\s\S]*?)```/.exec(section)![1];
    expect(shown).toBe(await readFile(examplePath, 'utf8'));
  });

  it('submits, waits and reads the metrics against a running Descent', async () => {
    const { code, stdout, stderr } = await runScript(examplePath, { DESCENT_URL: live.url, DESCENT_API_KEY: live.apiKey });
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^completed: Reached maxSteps: 3000 updates\. final loss \d/);
    const curve = lines.slice(1, -1);
    expect(curve.length).toBeGreaterThan(1);
    expect(curve.length).toBeLessThanOrEqual(5);
    for (const line of curve) expect(line).toMatch(/^step \d+: loss [\d.e+-]+$/);
    const rows = Number(/^(\d+) rows of CSV$/.exec(lines.at(-1)!)![1]);
    expect(rows).toBeGreaterThan(curve.length);
    expect(rows).toBeLessThanOrEqual(3000);
  }, 120_000);
});
