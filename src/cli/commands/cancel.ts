/** `descent cancel ID`: cancels a remote run. */
import type { Command } from '../main.ts';
import { connectionHelp, exitHelp, exitStatus, runRemote } from '../remote/remote-command.ts';

const help = `Usage: descent cancel <run id> [options]

Cancels a run on a running Descent: a queued run at once ("cancelled"), a running one within a
slice, its metrics kept ("cancelling"; 'descent watch' follows it to its end). A run that has
already ended cannot be cancelled: 409 run_finished.

Options:
  -h, --help       This text.
${connectionHelp}

${exitHelp()}`;

export const command: Command = {
  summary: 'cancel a run on a running Descent',
  help,
  execute: (args) => runRemote('cancel', args, {}, { names: 'one run id', count: 1 }, async ({ positionals, client }) => {
    const run = await client.cancelRun(positionals[0]);
    process.stdout.write(`${run.id}  ${run.status === 'cancelled' ? 'cancelled' : 'cancelling'}\n`);
    return exitStatus.ok;
  }),
};
