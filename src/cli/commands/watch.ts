/** `descent watch ID`: follows a remote run to its end with a progress bar. */
import type { Command } from '../main.ts';
import { followRun, runOutcomeText } from '../remote/follow-run.ts';
import { connectionHelp, exitHelp, runExitStatus, runRemote } from '../remote/remote-command.ts';

const help = `Usage: descent watch <run id> [options]

Follows a run on a running Descent to its end (its event stream), with a progress bar on
stderr when it is a terminal, then prints how it ended. A run that has already ended is
printed at once. Across an API restart (a deployment) it waits for Descent to be back, for a
minute after the stream was last open, saying on stderr why the bar stands still; the run's
metrics stored meanwhile are read then, so none is missed.

Options:
  --json           Print the run (GET /v1/runs/{id}) as one JSON line instead of text.
  --no-progress    No progress bar.
${connectionHelp}
  -h, --help       This text.

${exitHelp(true)}`;

export const command: Command = {
  summary: 'follow a run on a running Descent to its end',
  help,
  execute: (args) => runRemote('watch', args, { json: { type: 'boolean' }, 'no-progress': { type: 'boolean' } }, { names: 'one run id', count: 1 }, async ({ values, positionals, client }) => {
    const run = await followRun(client, positionals[0], process.stderr, !values['no-progress'], 'watch');
    process.stdout.write(`${values.json ? JSON.stringify(run) : runOutcomeText(run)}\n`);
    return runExitStatus(run.status);
  }),
};
