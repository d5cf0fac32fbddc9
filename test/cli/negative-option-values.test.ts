/** A negative number given to an option that takes a value is the option's own usage error, as 0 is. */
import { describe, expect, it } from 'vitest';
import { runCli, unreachableUrl } from './capture.ts';

const id = '00000000-0000-4000-8000-000000000000';
// Nothing listens there: a request would exit 4, a usage error exits 2 before any.
const connection = ['--url', await unreachableUrl(), '--key', 'k'];

describe('a negative number after an option', () => {
  it.each([
    [['runs', '--limit', '-3'], /^descent runs: --limit takes a whole number of at least 1\n/],
    [['runs', '--limit', '0'], /^descent runs: --limit takes a whole number of at least 1\n/],
    [['metrics', id, '--max-points', '-2'], /^descent metrics: --max-points takes a whole number from 2 to 10000\n/],
    // Decimal digits only, as the API takes them: not hexadecimal, an exponent or nothing.
    [['runs', '--limit', '0x10'], /^descent runs: --limit takes a whole number of at least 1\n/],
    [['runs', '--limit', ''], /^descent runs: --limit takes a whole number of at least 1\n/],
    [['metrics', id, '--max-points', '1e3'], /^descent metrics: --max-points takes a whole number from 2 to 10000\n/],
    [['metrics', id, '--from', '0x10'], /^descent metrics: --from takes a whole number of at least 1\n/],
    [['runs', '--timeout', '-1.5'], /^descent runs: --timeout takes a number of seconds above 0 and at most \d+, not '-1.5'\n/],
    [['runs', '--timeout', '0x10'], /^descent runs: --timeout takes a number of seconds above 0 and at most \d+, not '0x10'\n/],
    [['runs', '--timeout', ''], /^descent runs: --timeout takes a number of seconds above 0 and at most \d+, not ''\n/],
    [['runs', '--timeout', '1e1'], /^descent runs: --timeout takes a number of seconds above 0 and at most \d+, not '1e1'\n/],
  ])('%j is the option\'s usage error', async (args, message) => {
    const { code, stderr } = await runCli([...args, ...connection]);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('still takes an option\'s missing value for what it is, and -- ends the options', async () => {
    const missing = await runCli(['runs', ...connection, '--limit']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^descent runs: Option '--limit <value>' argument missing\n/) });
    const ended = await runCli(['runs', ...connection, '--limit', '--', '-3']);
    expect(ended.code).toBe(2);
    expect(ended.stderr).not.toMatch(/takes a whole number/);
  });
});
