/** An option a command does not have is named as such, in the words of the local commands, whatever the command. */
import { describe, expect, it } from 'vitest';
import { runCli, unreachableUrl } from './capture.ts';

// Nothing listens there: a request would exit 4, a usage error exits 2 before any.
const connection = ['--url', await unreachableUrl(), '--key', 'k'];

describe('an unknown option', () => {
  it.each([
    [['runs', '--bogus'], 'runs'],
    [['status', '00000000-0000-4000-8000-000000000000', '-x'], 'status'],
    // A local sweep's options, given with --remote.
    [['sweep', 'sweep.json', '--remote', '--jsonl'], 'sweep'],
    [['run', 'spec.json', '--bogus'], 'run'],
  ])('%j is a usage error naming it alone', async (args, name) => {
    const option = args.find((arg) => arg.startsWith('-') && arg !== '--remote')!;
    const { code, stderr } = await runCli([...args, ...(name === 'run' ? [] : connection)]);
    expect(stderr).toBe(`descent ${name}: unknown option '${option}'\nRun 'descent ${name} --help' for usage.\n`);
    expect(code).toBe(2);
  });
});
