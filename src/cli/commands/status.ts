/** `descent status ID`: a remote run's status, progress and result. */
import type { Run } from '../../client/index.ts';
import type { Command } from '../main.ts';
import { runOutcomeText } from '../remote/follow-run.ts';
import { connectionHelp, exitHelp, exitStatus, formatNumber, runRemote } from '../remote/remote-command.ts';

const help = `Usage: descent status <run id> [options]

Prints a run's status on a running Descent: its progress while it is queued or running, how it
ended once it has.

Options:
  --json           Print the run (GET /v1/runs/{id}) as one JSON line.
${connectionHelp}
  -h, --help       This text.

${exitHelp()}`;

function statusText(run: Run): string {
  if (run.result) return runOutcomeText(run);
  const progress = run.progress;
  if (!progress) return `${run.id}  ${run.status}`;
  const percent = progress.fraction === null ? '' : ` (${Math.floor(progress.fraction * 100)}%)`;
  return `${run.id}  ${run.status}  step ${progress.step}${progress.totalSteps === null ? '' : `/${progress.totalSteps}`}${percent}`
    + `${progress.stepsPerSecond ? `  ${formatNumber(Math.round(progress.stepsPerSecond))} steps/s` : ''}`;
}

export const command: Command = {
  summary: 'show a run on a running Descent',
  help,
  execute: (args) => runRemote('status', args, { json: { type: 'boolean' } }, { names: 'one run id', count: 1 }, async ({ values, positionals, client }) => {
    const run = await client.getRun(positionals[0]);
    process.stdout.write(`${values.json ? JSON.stringify(run) : statusText(run)}\n`);
    return exitStatus.ok;
  }),
};
