/**
 * `descent run spec.json`: runs a run spec locally, with no services, through the same run loop
 * as the workers.
 */
import { performance } from 'node:perf_hooks';
import type { Command } from '../main.ts';
import { runSpecSchema } from '../../contracts/run-spec.ts';
import { checkGradient, createNewObjective, type Objective, type ObjectiveSpec, type ResolvedObjectiveSpec } from '../../core/objectives/index.ts';
import { curriculumIssue, isObjectiveReference, type RunLoop, type RunResult } from '../../core/training/index.ts';
import type { ParallelReport } from '../../core/parallel/index.ts';
import { startRun } from '../../hogwild/start-run.ts';
import { bestStepText } from '../../contracts/best-step.ts';
import { DataFileError, resolveDataFiles } from '../data-files.ts';
import { gradientCheckJson, gradientCheckText } from '../gradient-check-report.ts';
import { ProgressBar } from '../progress-bar.ts';
import { errorMessage } from '../../core/error-message.ts';
import { DatasetFieldError } from '../../core/datasets/index.ts';
import { formatPath } from '../../contracts/issues.ts';
import { loadSpec, specFolder, specSource } from '../spec-file.ts';

const help = `Usage: descent run <spec.json | -> [options]

Runs a run spec (the body of POST /v1/runs) locally, with no services. "-" reads the spec
from standard input.

Options:
  --jsonl        Print one JSON object per recorded step on stdout,
                   {"step": t, "loss": …, "gradNorm": …, "learningRate": …, "updateNorm": …,
                    "epoch": …, "valLoss"?: …, "valAccuracy"?: …, "params"?: [...]}
                 where t counts updates from 1, loss is the objective at the parameters
                 before update t and params are the parameters after it; then a last line
                 {"result": {"stopReason", "message", "steps", "params", "finalLoss",
                 "finalValLoss", "finalValAccuracy", "best", "restoredBest"}} (the run
                 view's result: README, "Results"). Which steps are recorded: the spec's
                 record.every (and always the last step); record.params adds the parameters.
  --no-progress  No progress bar.
  --check-gradient
                 Do not run: print the gradient check at the initial point instead, the
                 analytic gradient against central finite differences for every parameter
                 (a seeded sample of 100 above 100 parameters), with the max absolute and
                 relative errors and pass/fail. Any objective: expression, benchmark, model.
                 With --jsonl, one line {"gradientCheck": {...}}. Exit 0 when it passes, 1
                 when it fails.
  -h, --help     This text.

Without --jsonl: a progress bar on stderr (when it is a terminal), then a summary on stdout:
stop reason and message, steps and steps per second, the loss (and validation loss and
accuracy) at the returned parameters, the best monitored value, a parallel run's replicas
(exchanges, staleness, distance to the center), and the parameters by name. Ctrl-C cancels the
run and still prints the summary.

Data files: a model objective's "data" (or "validation") may be {"path": "file.csv"} or
{"path": "file.json"}, relative to the spec file's folder (to the current folder when the spec
comes from standard input). A CSV file has a header row of column names, then one row of decimal
numbers per line; "targetColumn" names the target (default: the last column), "difficultyColumn" an
optional difficulty column for curriculum learning. A JSON file holds the dense or sparse form a
spec takes inline (as GET /v1/datasets/{id}/data returns it). A bad file is reported with the
line and column, exit 2.

A spec with a "parallel" block and "execution": "simulated" runs its replicas interleaved tick by
tick, bit-reproducible, exactly as the service does (GET /v1/parallel-algorithms lists the
algorithms); records are those of the center/server parameters. A concurrent hogwild run
("execution": "concurrent") runs one worker thread per replica on this machine (at most its
cores), all updating one shared parameter vector without locks.

A spec whose objective is {"id": …} (a stored objective) or whose data is {"id": …} (an uploaded
dataset) needs the service: submit it with POST /v1/runs instead.

Exit status: 0 when the run ran (whatever its stop reason), 1 when it failed with an error,
2 for bad input (unreadable file, invalid JSON, a spec that does not validate, a bad data file or
an objective that cannot be built; every problem is printed with its path).`;

interface Options {
  readonly file: string;
  readonly jsonl: boolean;
  readonly progress: boolean;
  readonly checkGradient: boolean;
}

class InputError extends Error {}

function parseArguments(args: readonly string[]): Options {
  let file: string | undefined;
  let jsonl = false;
  let progress = true;
  let checkGradient = false;
  for (const arg of args) {
    if (arg === '--jsonl') jsonl = true;
    else if (arg === '--check-gradient') checkGradient = true;
    else if (arg === '--no-progress') progress = false;
    else if (arg.startsWith('-') && arg !== '-') throw new InputError(`unknown option '${arg}'`);
    else if (file === undefined) file = arg;
    else throw new InputError(`unexpected argument '${arg}' (one spec file at a time)`);
  }
  if (file === undefined) throw new InputError('missing spec file (a path, or - for standard input)');
  return { file, jsonl, progress, checkGradient };
}

/** Writes to stdout, waiting when the pipe is full. */
async function writeOut(text: string): Promise<void> {
  if (text === '' || process.stdout.write(text)) return;
  await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e6) ? value.toExponential(6) : String(Number(value.toPrecision(10)));
}

/** A parallel run's replicas in one line: exchanges, staleness, distance to the center. */
function parallelLine(report: ParallelReport): string {
  const staleness = report.staleness ? `; staleness mean ${formatNumber(report.staleness.mean)}, p50 ${report.staleness.p50}, p99 ${report.staleness.p99}, max ${report.staleness.max}` : '';
  const center = report.centerDistance ? `; distance to the center mean ${formatNumber(report.centerDistance.mean)}, max ${formatNumber(report.centerDistance.max)}` : '';
  return `Replicas:    ${report.replicas} ${report.algorithm} (${report.execution}), ${report.communicationRounds} exchanges${staleness}${center}`;
}

function summary(result: RunResult, variables: readonly string[], seconds: number): string {
  const rate = seconds > 0 ? Math.round(result.steps / seconds).toLocaleString('en-US') : '—';
  const width = Math.max(...variables.map((name) => name.length), 1);
  const lines = [
    `Stop reason: ${result.stopReason}`,
    `  ${result.message}`,
    `Steps:       ${result.steps} (${rate} steps/s, ${seconds.toFixed(3)} s)`,
    `Final loss:  ${formatNumber(result.finalLoss)}${result.restoredBest ? ' (at the restored best parameters)' : ''}`,
    ...(result.finalValLoss !== null ? [`Validation:  loss ${formatNumber(result.finalValLoss)}${result.finalValAccuracy !== null ? `, accuracy ${formatNumber(result.finalValAccuracy)}` : ''} (at the returned parameters)`] : []),
    `Best ${result.best?.metric ?? 'loss'}:${' '.repeat(Math.max(1, 7 - (result.best?.metric ?? 'loss').length))}${formatNumber(result.best?.value ?? null)}${result.best ? ` ${bestStepText(result.best)}` : ''}`,
    ...(result.parallel ? [parallelLine(result.parallel)] : []),
    'Parameters:',
    ...result.params.map((value, i) => `  ${(variables[i] ?? `#${i + 1}`).padEnd(width)} = ${formatNumber(value)}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function execute(args: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseArguments(args);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(`descent run: ${error.message}\nRun 'descent run --help' for usage.`);
    return 2;
  }
  const name = specSource(options.file);
  const spec = await loadSpec('run', options.file, runSpecSchema);
  if (spec === null) return 2;
  if (isObjectiveReference(spec.objective)) {
    console.error(`descent run: objective {"id": "${spec.objective.id}"} is a stored objective: only the service can resolve it (POST /v1/runs). Give the objective inline to run locally.`);
    return 2;
  }

  const built = await buildObjective(spec.objective, specFolder(options.file));
  if (typeof built === 'string') {
    console.error(`descent run: ${name}: ${built}`);
    return 2;
  }
  const { objective, objectiveSpec } = built;
  const unordered = spec.training.curriculum ? curriculumIssue(spec.training.curriculum, objective) : null;
  if (unordered !== null) {
    console.error(`descent run: ${name}: training.curriculum.by: ${unordered}`);
    return 2;
  }
  if (options.checkGradient) {
    const check = checkGradient(objective, Float64Array.from(objective.initial));
    await writeOut(options.jsonl ? gradientCheckJson(check, objective.variables) : gradientCheckText(check, objective.variables));
    return check.passed ? 0 : 1;
  }

  const clock = () => performance.now();
  let run: RunLoop;
  try {
    run = startRun(spec, { objectiveSpec, objective, clock });
  } catch (error) {
    console.error(`descent run: ${name}: the run cannot start: ${errorMessage(error)}`);
    return 2;
  }
  const bar = new ProgressBar(process.stderr);
  const showBar = options.progress && bar.interactive;
  const cancel = () => run.cancel();
  process.once('SIGINT', cancel);
  const started = clock();
  try {
    while (!run.done) {
      const records = run.advance({ deadline: clock() + 100 });
      if (options.jsonl && records.length > 0) {
        let chunk = '';
        for (const record of records) chunk += `${JSON.stringify(record)}\n`;
        await writeOut(chunk);
      }
      if (showBar) {
        const { step, totalSteps, fraction } = run.progress;
        const last = records.at(-1);
        bar.update(fraction, `step ${step}/${totalSteps}${last ? `  loss ${formatNumber(last.loss)}` : ''}`);
      }
      await nextTurn();
    }
  } finally {
    process.removeListener('SIGINT', cancel);
    bar.clear();
    await run.close?.();
  }
  const seconds = (clock() - started) / 1000;
  const result = run.result!;
  if (options.jsonl) await writeOut(`${JSON.stringify({ result })}\n`);
  else await writeOut(summary(result, run.variables, seconds));
  if (options.progress && !bar.interactive && !options.jsonl) {
    process.stderr.write(`descent run: ${result.steps} steps in ${seconds.toFixed(3)} s (${result.stopReason})\n`);
  }
  return result.stopReason === 'error' ? 1 : 0;
}

/**
 * The objective of an inline spec, its data files read from `folder`; or, when it cannot be
 * built (a bad data file, data that does not fit the model), the problem with its path.
 */
async function buildObjective(spec: ObjectiveSpec, folder: string): Promise<{ objective: Objective; objectiveSpec: ResolvedObjectiveSpec } | string> {
  try {
    const objectiveSpec = spec.type === 'model' ? await resolveDataFiles(spec, folder, ['objective']) : spec;
    return { objective: createNewObjective(objectiveSpec), objectiveSpec };
  } catch (error) {
    if (error instanceof DataFileError) return `${error.path}: ${error.message}`;
    // Inline data that does not fit together is named at its field, as the API names it.
    const field = error instanceof DatasetFieldError ? formatPath(['objective', ...error.path]) : 'objective';
    return `${field}: the objective cannot be built: ${errorMessage(error)}`;
  }
}

export const command: Command = {
  summary: 'run a spec file locally, with no services (progress bar, or --jsonl step records)',
  help,
  execute,
};
