/** `descent submit spec.json`: submits a run to a running Descent; with --wait, follows it to its end. */
import type { RunSpecInput } from '../../client/index.ts';
import type { Command } from '../main.ts';
import { uploadDataFiles } from '../remote/data-uploads.ts';
import { followRun, runOutcomeText } from '../remote/follow-run.ts';
import { connectionHelp, exitHelp, exitStatus, readJsonFile, runExitStatus, runRemote, submission, submissionOptions } from '../remote/remote-command.ts';
import { specFolder } from '../spec-file.ts';

const help = `Usage: descent submit <spec.json | -> [--wait] [options]

Submits a run spec (the body of POST /v1/runs; "-" reads it from standard input) to a running
Descent and prints the run's id. With --wait, follows the run's events to its end, with a
progress bar on stderr (when it is a terminal), then prints how it ended. A model's data given
as a file, {"path": "file.csv"} or {"path": "file.json"} (relative to the spec file's folder, as
for descent run), is read and checked as descent run reads it, then named by a stored dataset's
id: the tenant's dataset of the same content (its contentSha256) if there is one, else the file
uploaded (POST /v1/datasets); stderr says which. A spec Descent then refuses leaves the datasets
it uploaded stored: submitting again names them rather than uploading more ('DELETE
/v1/datasets/{id}' removes one).

Options:
  --wait           Follow the run to its end; the exit status says how it ended. A run that
                   can no longer be followed (Descent unreachable, the key revoked) is named
                   on stderr before what went wrong: 'descent watch <id>' follows it again.
  --json           Print the run (GET /v1/runs/{id}) as one JSON line instead of text.
  --no-progress    No progress bar.
  --idempotency-key KEY
                   Submitting again with the same key and spec gives the same run (the
                   client also retries a lost answer with a key of its own).
${connectionHelp}
  -h, --help       This text.

${exitHelp(true)}`;


export const command: Command = {
  summary: 'submit a run to a running Descent (--wait: follow it to its end)',
  help,
  execute: (args) => runRemote('submit', args, submissionOptions, { names: 'one spec file (a path, or - for standard input)', count: 1 }, async ({ values, positionals, client }) => {
    const file = positionals[0]!;
    const spec = (await uploadDataFiles(client, await readJsonFile(file), specFolder(file), (line) => process.stderr.write(`descent submit: ${line}\n`))) as RunSpecInput;
    const submitted = await submission('run', positionals[0]!, spec, () => client.submitRun(spec, { idempotencyKey: values['idempotency-key'] }));
    if (!values.wait) {
      process.stdout.write(`${values.json ? JSON.stringify(submitted) : submitted.id}\n`);
      return exitStatus.ok;
    }
    const run = await followRun(client, submitted.id, process.stderr, !values['no-progress'], 'submit', true).catch((error: unknown) => {
      // The run was stored and goes on: the line after this one says why it is no longer followed.
      process.stderr.write(`descent submit: run ${submitted.id} was submitted; 'descent watch ${submitted.id}' follows it\n`);
      throw error;
    });
    process.stdout.write(`${values.json ? JSON.stringify(run) : runOutcomeText(run)}\n`);
    return runExitStatus(run.status);
  }),
};
