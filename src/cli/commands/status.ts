/** `descent status ID`: a remote run's status, progress and result; or a remote sweep's. */
import { ProblemError, type DescentClient, type Run, type Sweep } from '../../client/index.ts';
import type { Command } from '../main.ts';
import { runOutcomeText } from '../remote/follow-run.ts';
import { connectionHelp, exitHelp, exitStatus, formatNumber, runRemote } from '../remote/remote-command.ts';
import { leaderboardOf, outcomeText } from '../remote/remote-sweep.ts';
import { formatParameters, formatValue } from '../sweep/leaderboard-text.ts';

const help = `Usage: descent status <run or sweep id> [options]

Prints a run's status on a running Descent: its progress while it is queued or running, how it
ended once it has. Given a sweep's id (descent sweep --remote without --wait prints it), the
sweep's: its trials and best trial so far while it runs, how it ended and its leaderboard once
it has.

Options:
  --json           Print the run (GET /v1/runs/{id}) or the sweep (GET /v1/sweeps/{id}) as one JSON line.
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

/** A running sweep's line: its trials finished of its budget, and its best trial so far. */
function sweepProgressText(sweep: Sweep): string {
  const { trials, maxTrials, fraction } = sweep.progress;
  const best = sweep.best;
  return `${sweep.id}  sweep ${sweep.status}  trials ${trials}/${maxTrials} (${Math.floor(fraction * 100)}%)`
    + (best ? `  best ${sweep.spec.metric.name} ${formatValue(best.value)} (trial ${best.trialNumber}, ${formatParameters(best.parameters)})` : '');
}

/** The run with this id, or, when the tenant has none, its sweep with it; a 404 of neither is the run's. */
async function runOrSweep(client: DescentClient, id: string): Promise<{ readonly run: Run } | { readonly sweep: Sweep }> {
  try {
    return { run: await client.getRun(id) };
  } catch (error) {
    if (!(error instanceof ProblemError) || error.status !== 404) throw error;
    const sweep = await client.getSweep(id).catch((sweepError: unknown) => {
      throw sweepError instanceof ProblemError && sweepError.status === 404 ? error : sweepError;
    });
    return { sweep };
  }
}

async function sweepStatusText(client: DescentClient, sweep: Sweep): Promise<string> {
  return sweep.result ? outcomeText(sweep, await leaderboardOf(client, sweep.id)) : `${sweepProgressText(sweep)}\n`;
}

export const command: Command = {
  summary: 'show a run or a sweep on a running Descent',
  help,
  execute: (args) => runRemote('status', args, { json: { type: 'boolean' } }, { names: 'one run or sweep id', count: 1 }, async ({ values, positionals, client }) => {
    const found = await runOrSweep(client, positionals[0]!);
    if ('run' in found) process.stdout.write(`${values.json ? JSON.stringify(found.run) : statusText(found.run)}\n`);
    else process.stdout.write(values.json ? `${JSON.stringify(found.sweep)}\n` : await sweepStatusText(client, found.sweep));
    return exitStatus.ok;
  }),
};
