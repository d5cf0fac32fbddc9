/**
 * `descent submit --wait` in a terminal (a pseudo-terminal from `script`): the progress bar is
 * drawn live from the run's events and cleared at the end, leaving how the run ended. The test
 * reads the output as a terminal renders it: `\r` returns to the start of the line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useLiveDescent } from './live-descent.ts';

const binary = fileURLToPath(new URL('../../../bin/descent.js', import.meta.url));
const barPattern = /^\[([#.]+)\] +(\d+)% step (\d+)\/100000/;

/** The screen's lines once every `\r` has sent the cursor back to the start of its line. */
function renderLines(output: string): string[] {
  return output.split('\n').map((line) => {
    let screen = '';
    for (const segment of line.split('\r')) screen = segment + screen.slice(segment.length);
    return screen.trimEnd();
  }).filter((line) => line !== '');
}

/** Every frame of the bar drawn, in order. */
const frames = (output: string) => output.split(/[\r\n]/).map((segment) => barPattern.exec(segment)).filter((match) => match !== null);

function inTerminal(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('descent submit --wait in a terminal', () => {
  const live = useLiveDescent();

  it('shows a live progress bar over a 100,000-step run, then exits 0 with the result', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'descent-terminal-'));
    const specPath = join(folder, 'long.json');
    await writeFile(specPath, JSON.stringify({
      objective: { type: 'benchmark', name: 'rosenbrock' },
      optimizer: { name: 'adam', learningRate: 0.001 },
      training: { maxSteps: 100_000 },
    }));
    const { code, output } = await inTerminal(`stty cols 120; exec ${process.execPath} ${binary} submit ${specPath} --wait`, {
      DESCENT_URL: live.url,
      DESCENT_API_KEY: live.apiKey,
    });
    expect(code, output).toBe(0);

    const drawn = frames(output);
    expect(drawn.length, output).toBeGreaterThan(1);
    const percents = drawn.map((match) => Number(match[2]));
    const steps = drawn.map((match) => Number(match[3]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(percents.some((percent) => percent > 0 && percent < 100), output).toBe(true);
    for (const match of drawn) expect(match[1].replaceAll('.', '').length / match[1].length).toBeCloseTo(Number(match[2]) / 100, 1);

    // Cleared at the end: the screen keeps how the run ended, not the bar.
    const screen = renderLines(output);
    expect(screen.some((line) => barPattern.test(line)), screen.join('\n')).toBe(false);
    expect(screen.at(-2)).toMatch(/^[0-9a-f-]{36}  completed: /);
    expect(screen.at(-1)).toMatch(/^  steps 100000, final loss /);
  }, 180_000);
});
