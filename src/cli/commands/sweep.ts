/**
 * `descent sweep spec.json`: runs a sweep spec locally, with no services: the service's sampler,
 * pruner and coordination, trials on a pool of threads (one per core by default).
 */
import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Command } from '../main.ts';
import { runSpecSchema, type RunSpec } from '../../contracts/run-spec.ts';
import { settleSweepSpec, sweepSpecSchema, type SweepSpec } from '../../contracts/sweep-spec.ts';
import { describeSweepBase, sweepBaseIssues, type SweepBaseIssue } from '../../contracts/sweep-base.ts';
import { createObjective, type ObjectiveSpec } from '../../core/objectives/index.ts';
import type { Dataset } from '../../core/datasets/index.ts';
import { runStatusRegistry } from '../../contracts/run-status.ts';
import { isObjectiveReference } from '../../core/training/index.ts';
import { DataFileError, readDataFiles, withDataFiles } from '../data-files.ts';
import { ProgressBar } from '../progress-bar.ts';
import { formatParameters, formatValue, leaderboardText } from '../sweep/leaderboard-text.ts';
import { runLocalSweep } from '../sweep/local-sweep.ts';
import { loadSpec, specFolder, specSource } from '../spec-file.ts';
import { wholeNumberOption } from '../whole-number-option.ts';

const help = `Usage: descent sweep <spec.json | -> [options]
       descent sweep <spec.json | -> --remote [--wait] [--json] [--url URL] [--key KEY] [--timeout SECONDS]

Runs a sweep spec (the body of POST /v1/sweeps) locally, with no services: the same samplers,
pruners and budget as the service, trials run in parallel on threads. "-" reads the spec from
standard input. A model's data may be a file, {"path": "file.csv"} or {"path": "file.json"},
relative to the spec file's folder (to the current folder when the spec comes from standard
input), read once for every trial, as with descent run.

Options:
  --jsonl          Print one line {"trial": {...}} per finished trial (the fields of
                   GET /v1/sweeps/{id}/trials: trialNumber, status, value, parameters, steps,
                   stopReason, message, pruning), then {"sweep": {"status", "result", "best",
                   "trials": [...leaderboard]}}.
  --threads N      Trials running at once, at most (default: the number of cores; the spec's
                   parallelism caps it too).
  --no-progress    No progress bar.
  -h, --help       This text.

Without --jsonl: a progress bar on stderr (when it is a terminal), then why the sweep ended and
the leaderboard, best first, with each pruned trial's reason. Ctrl-C stops the running trials
and still prints the leaderboard.

With --remote, the sweep is submitted to a running Descent (POST /v1/sweeps), which runs its
trials on its workers, and its id is printed; with --wait it is followed to its end (a progress
bar of trials ended; across an API restart, stderr saying why it stands still), then printed as
above (--json: {"sweep", "trials"} on one line). A sweep that can no longer be followed is named
on stderr first ('descent status <id>' shows it). The base's data files are uploaded, or named
by a stored dataset of the same content, as 'descent submit' does. The
server and key come from --url and --key, or DESCENT_URL and DESCENT_API_KEY; a problem is
printed as one line "descent sweep: <status> <code>: <detail>" and exits 3, an unreachable
server exits 4 (see 'descent submit --help').

Exit status: 0 when the sweep ran (whatever its trials did), 1 when it failed (more failed trials
than budget.maxFailedTrials, or 10 in a row without it, or every trial; or it has no best trial: the
time limit passed before any trial finished, or no trial ran to its end with a finite value of the
metric) or, with --remote --wait, was cancelled, 2 for bad input (unreadable file, invalid JSON, a spec that does
not validate, or that POST /v1/sweeps refuses for its base: a curriculum the objective cannot
order by, a validation metric without a validation set; every problem is printed with its path).`;

interface Options {
  readonly file: string;
  readonly jsonl: boolean;
  readonly progress: boolean;
  readonly threads: number;
}

class InputError extends Error {}

function parseArguments(args: readonly string[]): Options {
  let file: string | undefined;
  let jsonl = false;
  let progress = true;
  let threads = availableParallelism();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--jsonl') jsonl = true;
    else if (arg === '--no-progress') progress = false;
    else if (arg === '--threads') {
      // A missing value is refused as an empty one.
      threads = wholeNumberOption(InputError, 'threads', args[++i] ?? '', 1, 256)!;
    } else if (arg.startsWith('-') && arg !== '-') throw new InputError(`unknown option '${arg}'`);
    else if (file === undefined) file = arg;
    else throw new InputError(`unexpected argument '${arg}' (one spec file at a time)`);
  }
  if (file === undefined) throw new InputError('missing spec file (a path, or - for standard input)');
  return { file, jsonl, progress, threads };
}

/**
 * What keeps the sweep's trials from running or being measured (sweep-base.ts), as POST
 * /v1/sweeps refuses it; a base objective that cannot be built is left to its trials to report.
 */
async function baseIssues(spec: SweepSpec, base: RunSpec, objective: ObjectiveSpec, files: ReadonlyMap<string, Dataset> | undefined): Promise<SweepBaseIssue[]> {
  const resolved = objective.type === 'model' ? await withDataFiles(objective, files ?? new Map()) : objective;
  try {
    return sweepBaseIssues(spec, base, () => describeSweepBase(createObjective(resolved), base.training.curriculum));
  } catch {
    return [];
  }
}

async function execute(args: string[]): Promise<number> {
  if (args.includes('--remote')) {
    const { executeRemoteSweep } = await import('../remote/remote-sweep.ts');
    return executeRemoteSweep(args.filter((arg) => arg !== '--remote'));
  }
  let options: Options;
  try {
    options = parseArguments(args);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(`descent sweep: ${error.message}\nRun 'descent sweep --help' for usage.`);
    return 2;
  }
  const name = specSource(options.file);
  const sweepSpec = await loadSpec('sweep', options.file, sweepSpecSchema);
  if (sweepSpec === null) return 2;
  const base = runSpecSchema.parse(sweepSpec.base);
  const baseObjective = base.objective;
  if (isObjectiveReference(baseObjective)) {
    console.error('descent sweep: base.objective is a stored objective ({"id": …}): only the service can resolve it (POST /v1/sweeps).');
    return 2;
  }
  let files;
  try {
    files = baseObjective.type === 'model' ? await readDataFiles(baseObjective, specFolder(options.file), ['base', 'objective']) : undefined;
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    console.error(`descent sweep: ${name}: ${error.path}: ${error.message}`);
    return 2;
  }
  const issues = await baseIssues(sweepSpec, base, baseObjective, files);
  if (issues.length > 0) {
    for (const issue of issues) console.error(`descent sweep: ${name}: ${issue.path}: ${issue.message}`);
    return 2;
  }
  const spec = settleSweepSpec(sweepSpec, () => randomInt(0, 2 ** 32 - 1));
  const maxTrials = spec.budget.maxTrials ?? 1;
  const bar = new ProgressBar(process.stderr);
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  process.once('SIGINT', interrupt);
  const outcome = await runLocalSweep(spec, {
    threads: options.threads,
    interrupted,
    files,
    onTrialEnd: (trial, finished, best) => {
      if (options.jsonl) process.stdout.write(`${JSON.stringify({ trial })}\n`);
      else if (options.progress) bar.update(finished / maxTrials, `trial ${finished}/${maxTrials}, best ${formatValue(best?.value ?? null)}`);
    },
  });
  process.removeListener('SIGINT', interrupt);
  bar.clear();
  const best = outcome.trials.find((trial) => trial.value !== null && runStatusRegistry[trial.status].ranked) ?? null;
  if (options.jsonl) {
    process.stdout.write(`${JSON.stringify({ sweep: { status: outcome.status, result: outcome.result, seed: spec.sampler.seed, best, trials: outcome.trials } })}\n`);
  } else {
    process.stdout.write(
      `Sweep ${outcome.status}: ${outcome.result?.message ?? ''}\n`
      + `Best: ${best ? `trial ${best.trialNumber}, ${spec.metric.name} ${formatValue(best.value)}, ${formatParameters(best.parameters)}` : '—'}\n`
      + `Seed: ${spec.sampler.seed} (set sampler.seed to replay this sweep)\n\n${leaderboardText(outcome.trials)}`,
    );
  }
  return outcome.status === 'failed' ? 1 : 0;
}

export const command: Command = { summary: 'run a sweep spec locally, with no services (--remote: on a running Descent)', help, execute };
