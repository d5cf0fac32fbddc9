/** Every command's --help reads as one manual: summaries in one voice, no section left empty. */
import { describe, expect, it } from 'vitest';
import { runCli } from './capture.ts';

const listed = async () => {
  const { stdout } = await runCli(['--help']);
  return [...stdout.matchAll(/^ {2}(\w+) +(.+)$/gm)].filter(([, name]) => name !== 'npm' && name !== 'node' && name !== 'npx').map(([, name, summary]) => ({ name: name!, summary: summary! }));
};

describe('descent --help', () => {
  it('lists every command with a summary in the same voice (lower case, as the rest)', async () => {
    const commands = await listed();
    expect(commands.map(({ name }) => name)).toContain('cancel');
    for (const { name, summary } of commands) expect(`${name}: ${summary}`).toMatch(new RegExp(`^${name}: [a-z]`));
  });

  it('tells, for watch, submit and sweep --remote, that following waits across an API restart and what submitting again reuses', async () => {
    expect((await runCli(['watch', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('Across an API restart (a deployment) it waits for Descent to be back, for a minute after the stream was last open');
    expect((await runCli(['submit', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('A spec Descent then refuses leaves the datasets it uploaded stored: submitting again names them');
    expect((await runCli(['sweep', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('across an API restart, stderr saying why it stands still');
  });

  it('leaves no heading of a command\'s --help without lines under it', async () => {
    for (const { name } of await listed()) {
      const { stdout, code } = await runCli([name, '--help']);
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      const headings = lines.flatMap((line, index) => (/^[A-Z][\w ]*:$/.test(line) ? [{ line, next: lines[index + 1] ?? '' }] : []));
      for (const { line, next } of headings) expect(`${name}: ${line} ${next}`).toMatch(new RegExp(`^${name}: ${line} {3}`));
    }
  });
});
