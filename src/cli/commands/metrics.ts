/** `descent metrics ID`: a remote run's recorded steps, as JSON lines or CSV. */
import { once } from 'node:events';
import { maxPointsRange } from '../../contracts/metric-fields.ts';
import type { Command } from '../main.ts';
import { connectionHelp, exitHelp, exitStatus, runRemote, UsageError } from '../remote/remote-command.ts';
import { wholeNumberOption } from '../whole-number-option.ts';

const help = `Usage: descent metrics <run id> [options]

Prints every recorded step of a run on a running Descent, in step order: one JSON object per
line (step, then the fields), or CSV with a header row.

Options:
  --csv            CSV instead of JSON lines.
  --max-points N   At most N buckets (N from ${maxPointsRange.least} to ${maxPointsRange.most}; mean, min and max of each
                   field per bucket) instead of every step: a long run's curve in a few rows.
  --fields LIST    Comma-separated fields (default: all but params): loss, valLoss,
                   valAccuracy, gradNorm, learningRate, updateNorm, epoch, elapsedSeconds, params.
  --from STEP      First step (inclusive).
  --to STEP        Last step (inclusive).
${connectionHelp}
  -h, --help       This text.

${exitHelp()}`;

const options = {
  csv: { type: 'boolean' },
  'max-points': { type: 'string' },
  fields: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

export const command: Command = {
  summary: "print a run's recorded steps from a running Descent (JSON lines or CSV)",
  help,
  execute: (args) => runRemote('metrics', args, options, { names: 'one run id', count: 1 }, async ({ values, positionals, client }) => {
    const [id] = positionals;
    const query = { fields: values.fields, from: wholeNumberOption(UsageError, 'from', values.from), to: wholeNumberOption(UsageError, 'to', values.to) };
    const maxPoints = wholeNumberOption(UsageError, 'max-points', values['max-points'], maxPointsRange.least, maxPointsRange.most);
    if (values.csv) {
      // Written as it arrives: a long run's CSV can be larger than one string can hold.
      for await (const chunk of await client.metricsCsvStream(id, { ...query, maxPoints })) {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      }
    } else if (maxPoints !== undefined) {
      for (const point of (await client.metrics(id, { ...query, maxPoints })).points) process.stdout.write(`${JSON.stringify(point)}\n`);
    } else {
      for await (const row of client.metricRows(id, { ...query, limit: 10_000 })) process.stdout.write(`${JSON.stringify(row)}\n`);
    }
    return exitStatus.ok;
  }),
};
