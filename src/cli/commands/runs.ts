/** `descent runs`: lists the runs of a running Descent, newest first. */
import type { RunListItem, RunStatus } from '../../client/index.ts';
import type { Command } from '../main.ts';
import { connectionHelp, exitHelp, exitStatus, formatNumber, runRemote, UsageError } from '../remote/remote-command.ts';
import { wholeNumberOption } from '../whole-number-option.ts';

const help = `Usage: descent runs [options]

Lists the key's runs on a running Descent, newest first: id, status, optimizer, steps, final
loss and when it was submitted.

Options:
  --status STATUS  Only runs in this status (queued, running, completed, early_stopped,
                   diverged, failed, cancelled, pruned).
  --sweep ID       Only the trials of this sweep.
  --search TEXT    Only runs whose optimizer, expression, benchmark or model contains TEXT
                   (ignoring case), or whose id it is.
  --limit N        At most N runs (default 20; the pages are followed).
  --json           One JSON line per run (the items of GET /v1/runs: results without params).
${connectionHelp}
  -h, --help       This text.

${exitHelp()}`;

const options = {
  status: { type: 'string' },
  sweep: { type: 'string' },
  search: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const line = (run: RunListItem) => [
  run.id,
  run.status.padEnd(13),
  run.spec.optimizer.name.padEnd(10),
  String(run.result?.steps ?? run.progress?.step ?? 0).padStart(9),
  formatNumber(run.result?.finalLoss).padStart(12),
  run.createdAt,
].join('  ');

export const command: Command = {
  summary: 'list the runs of a running Descent',
  help,
  execute: (args) => runRemote('runs', args, options, { names: 'no arguments', count: 0 }, async ({ values, client }) => {
    const limit = wholeNumberOption(UsageError, 'limit', values.limit) ?? 20;
    const query = { status: values.status as RunStatus | undefined, sweepId: values.sweep, search: values.search, limit: Math.min(limit, 200) };
    // The table's header once the first page has come: a refused list prints nothing on standard output.
    let headed = Boolean(values.json);
    const head = () => {
      if (!headed) process.stdout.write(`${['id'.padEnd(36), 'status'.padEnd(13), 'optimizer'.padEnd(10), 'steps'.padStart(9), 'final loss'.padStart(12), 'created'].join('  ')}\n`);
      headed = true;
    };
    let count = 0;
    for await (const run of client.runs(query)) {
      head();
      process.stdout.write(`${values.json ? JSON.stringify(run) : line(run)}\n`);
      if (++count >= limit) break;
    }
    head();
    return exitStatus.ok;
  }),
};
