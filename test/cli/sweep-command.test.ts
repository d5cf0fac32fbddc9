/**
 * `descent sweep`: the README's sweep runs locally as written; a model's data read from files next
 * to the spec, as `descent run` reads them; bad specs are refused with every path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import { createPruner, prunerSpecSchema } from '../../src/core/sweep/index.ts';
import { runCli } from './capture.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Sweeps'), readme.indexOf('## Parallel and distributed SGD'));
const [example, pruned] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]);
const directory = mkdtempSync(join(tmpdir(), 'descent-sweep-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('descent sweep', () => {
  it("runs the README's sweep to its budget, with a leaderboard and reasons for the pruned trials", async () => {
    expect(sweepSpecSchema.safeParse(JSON.parse(example)).success).toBe(true);
    const file = join(directory, 'sweep.json');
    writeFileSync(file, example);
    const { code, stdout } = await runCli(['sweep', file, '--jsonl', '--threads', '2']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const trials = lines.filter((line) => line.trial).map((line) => line.trial);
    expect(trials).toHaveLength(12);
    const { sweep } = lines.at(-1);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'budget_exhausted' }, seed: 1 });
    expect(sweep.trials.map((t: { trialNumber: number }) => t.trialNumber).sort((a: number, b: number) => a - b)).toEqual([...Array(12).keys()]);
    for (const trial of sweep.trials.filter((t: { status: string }) => t.status === 'pruned')) {
      expect(trial.pruning).toMatchObject({ rule: 'asha' });
      expect(trial.message).toMatch(/^Pruned at rung \d \(step \d+00\): loss .* ranks \d+(st|nd|rd|th) of \d+ trial\(s\) at this step; the best \d+ \(1 in 3\) go on, the last of them at .*\.$/);
    }
    expect(sweep.best.value).toBe(sweep.trials[0].value);
  });

  it("writes the README's pruning reason exactly as the pruner does", () => {
    const shown = JSON.parse(pruned.replace('"Pruned at rung 0 (step 100): …"', '"…"'));
    const pruner = createPruner(prunerSpecSchema.parse({ type: 'asha', minSteps: 100, reductionFactor: 3 }));
    // 14 competitors, 7 of them better; of the 15 values the best ⌊15/3⌋ = 5 go on.
    const competitors = [5.1, 5.2, 5.3, 5.4, 5.65202, 5.7, 5.8, 5.9, 6, 6.1, 6.2, 6.3, 6.4, 6.5].map((value) => ({ value, prunedRung: null }));
    const decision = pruner.decide({ step: 100, value: 5.82623, bestValue: 5.82623, previousStep: 90, goal: 'minimize', metric: 'loss', completedTrials: 0 }, competitors);
    expect(decision.message).toBe(shown.message);
    const { prune: _prune, message: _message, ...fields } = decision;
    const { message: _shown, ...shownFields } = shown.pruning;
    expect(fields).toEqual(shownFields);
  });

  it('refuses a bad spec naming every bad field, exit 2', async () => {
    const file = join(directory, 'bad.json');
    writeFileSync(file, JSON.stringify({ base: { optimizer: { name: 'adam' } }, parameters: { x: { type: 'float', low: 2, high: 1 } }, sampler: { type: 'grid' } }));
    const { code, stderr } = await runCli(['sweep', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('base.objective');
    expect(stderr).toContain('parameters.x.high: Must be greater than low (2).');
  });

  const moons = { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } };
  const moonsBase = { objective: moons, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 10, batchSize: 8 } };
  const rates = { 'optimizer.learningRate': { type: 'float', values: [0.1, 0.2] } };

  it('refuses a validation metric over a base without a validation set, as POST /v1/sweeps does, exit 2', async () => {
    const file = join(directory, 'validation.json');
    writeFileSync(file, JSON.stringify({ base: moonsBase, parameters: rates, metric: { name: 'valLoss', goal: 'minimize' }, budget: { maxTrials: 2 } }));
    const { code, stdout, stderr } = await runCli(['sweep', file, '--no-progress']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`descent sweep: ${file}: metric.name: valLoss is measured on a validation set, and the base objective has no validation set: give it objective.validationSplit or objective.validation, or use finalLoss or bestLoss.\n`);
  });

  it('refuses a base whose curriculum its objective cannot order by, as POST /v1/sweeps and descent run do, exit 2, unless a parameter changes the batch size', async () => {
    const file = join(directory, 'curriculum.json');
    const base = { ...moonsBase, training: { ...moonsBase.training, curriculum: { by: 'difficulty' } } };
    writeFileSync(file, JSON.stringify({ base, parameters: rates, budget: { maxTrials: 2 } }));
    const { code, stdout, stderr } = await runCli(['sweep', file, '--no-progress']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`descent sweep: ${file}: base.training.curriculum.by: curriculum by difficulty needs data with a difficulty column; this data has none\n`);
    writeFileSync(file, JSON.stringify({ base, parameters: { 'training.batchSize': { type: 'int', values: [8] } }, budget: { maxTrials: 1 } }));
    // Taken, not refused (exit 2): its one trial fails as the run would, and with it the sweep (exit 1).
    expect((await runCli(['sweep', file, '--no-progress'])).code).toBe(1);
  });

  it('reads {path} data files relative to the spec, once for every trial, and trains as descent run does', async () => {
    mkdirSync(join(directory, 'specs', 'data'), { recursive: true });
    const rows = [[0.5, -1.2, 1], [1.1, 0.4, 0], [-0.3, 0.8, 1], [2.0, -0.5, 0], [0.1, 0.1, 1], [1.5, 1.2, 0]];
    writeFileSync(join(directory, 'specs', 'data', 'train.csv'), ['a,b,label', ...rows.map((row) => row.join(','))].join('\n'));
    writeFileSync(join(directory, 'specs', 'data', 'validation.csv'), ['a,b,label', ...rows.slice(0, 3).map((row) => row.join(','))].join('\n'));
    const base = {
      objective: { type: 'model', model: 'logistic', data: { path: 'data/train.csv' }, validation: { path: 'data/validation.csv' } },
      optimizer: { name: 'sgd', learningRate: 0.5 },
      training: { maxSteps: 40 },
    };
    const spec = join(directory, 'specs', 'files-sweep.json');
    writeFileSync(spec, JSON.stringify({ base, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.1, 0.5] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' } }));
    const { code, stdout, stderr } = await runCli(['sweep', spec, '--jsonl', '--threads', '2']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { sweep } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(sweep.trials.map((trial: { status: string }) => trial.status)).toEqual(['completed', 'completed']);

    // The trial with learning rate 0.5 is the run of the base spec: same data, same loss.
    const runSpec = join(directory, 'specs', 'files-run.json');
    writeFileSync(runSpec, JSON.stringify(base));
    const run = await runCli(['run', runSpec, '--jsonl']);
    expect(run.code).toBe(0);
    const { result } = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    const trial = sweep.trials.find((t: { parameters: Record<string, number> }) => t.parameters['optimizer.learningRate'] === 0.5);
    expect(trial.steps).toBe(40);
    expect(trial.value).toBe(result.finalLoss);
    expect(trial.message).toBe(result.message);

    writeFileSync(spec, JSON.stringify({ base: { ...base, objective: { ...base.objective, validation: { path: 'data/nowhere.csv' } } }, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.1] } } }));
    const missing = await runCli(['sweep', spec]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^descent sweep: .*files-sweep\.json: base\.objective\.validation\.path: data\/nowhere\.csv: cannot read /);
  });

  it('fails a sweep whose every trial diverged, exit 1: it has no best trial, and says why', async () => {
    const file = join(directory, 'diverging.json');
    const base = { objective: { type: 'expression', expression: 'x^4 + y^2', variables: ['x', 'y'], initial: [3, 3] }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 200 } };
    writeFileSync(file, JSON.stringify({ base, parameters: { 'optimizer.learningRate': { type: 'float', values: [50, 100] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' } }));
    const { code, stdout } = await runCli(['sweep', file, '--no-progress']);
    expect(code).toBe(1);
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      'Sweep failed: All 2 points of the grid finished. No trial ran to its end with a finite value of finalLoss (2 diverged), so the sweep has no best trial.',
      'Best: —',
    ]);
  });

  it('stops its trials at its time limit and decides once each has ended, as the service does: a stopped trial\'s result says where it stopped', async () => {
    const file = join(directory, 'time-limit.json');
    // Trials far longer than the limit: each is stopped, and says so.
    const base = { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.001 }, training: { maxSteps: 1e9 } };
    writeFileSync(file, JSON.stringify({
      base, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.001, 0.002, 0.003] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' },
      budget: { timeLimitSeconds: 0.2 }, parallelism: 2,
    }));
    const { code, stdout } = await runCli(['sweep', file, '--jsonl', '--threads', '2']);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    // Each trial's end is told, as it ended in its thread.
    const ended = lines.filter((line) => line.trial).map((line) => line.trial);
    expect(ended.map((trial: { trialNumber: number }) => trial.trialNumber).sort()).toEqual([0, 1]);
    const { sweep } = lines.at(-1);
    expect(sweep).toMatchObject({
      status: 'failed', best: null,
      result: { reason: 'no_trial_finished', message: 'The time limit of 0.2 s passed before any trial finished, so the sweep has no best trial; its 2 trials were cancelled.' },
    });
    for (const trial of sweep.trials) expect(trial).toMatchObject({ status: 'cancelled', stopReason: 'cancelled', steps: expect.any(Number), finishedAt: expect.any(String) });
    expect(sweep.trials.every((trial: { steps: number }) => trial.steps > 0)).toBe(true);
  });

  it('stops its other trials once a trial reached its target and decides once each has ended, as the service does: a stopped trial is told as it ended', async () => {
    const file = join(directory, 'target.json');
    // One trial reaches the target within a few steps; the other would run far longer than the test, and is stopped.
    const base = { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.01 }, training: { maxSteps: 1e9 } };
    writeFileSync(file, JSON.stringify({
      base, parameters: { 'training.maxSteps': { type: 'int', values: [20, 1e9] } }, metric: { name: 'finalLoss', target: 1e6 }, sampler: { type: 'grid' }, parallelism: 2,
    }));
    const { code, stdout } = await runCli(['sweep', file, '--jsonl', '--threads', '2']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    // Both trials' ends are told, the stopped one's too.
    const ended = lines.filter((line) => line.trial).map((line) => line.trial);
    expect(ended.map((trial: { parameters: Record<string, number> }) => trial.parameters['training.maxSteps']).sort((a: number, b: number) => a - b)).toEqual([20, 1e9]);
    const { sweep } = lines.at(-1);
    const short = sweep.trials.find((trial: { parameters: Record<string, number> }) => trial.parameters['training.maxSteps'] === 20);
    const long = sweep.trials.find((trial: { parameters: Record<string, number> }) => trial.parameters['training.maxSteps'] === 1e9);
    expect(sweep).toMatchObject({
      status: 'completed', best: { trialNumber: short.trialNumber },
      result: { reason: 'target_reached', message: `Trial ${short.trialNumber} reached finalLoss ${short.value} (target 1000000).` },
    });
    expect(short).toMatchObject({ status: 'completed', stopReason: 'max_steps', steps: 20 });
    // Stopped where it was: its result says so.
    expect(long).toMatchObject({ status: 'cancelled', stopReason: 'cancelled', steps: expect.any(Number), message: expect.stringMatching(/^Cancelled at step \d+\.$/), finishedAt: expect.any(String) });
    expect(long.steps).toBeGreaterThan(0);
  });

  it('stops a trial whose updates are slow at the end of its thread\'s advance under way, which ends at a deadline, not after 20,000 updates', async () => {
    const file = join(directory, 'slow-updates.json');
    // A logistic model on 4,000 rows: 20,000 of its updates take seconds. One trial reaches the target at its first update; the other is stopped.
    const base = { objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 4000 } }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 1e6 } };
    writeFileSync(file, JSON.stringify({
      base, parameters: { 'training.maxSteps': { type: 'int', values: [1, 1e6] } }, metric: { name: 'finalLoss', target: 1e9 }, sampler: { type: 'grid' }, parallelism: 2,
    }));
    const { code, stdout } = await runCli(['sweep', file, '--jsonl', '--threads', '2']);
    expect(code).toBe(0);
    const { sweep } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(sweep).toMatchObject({ status: 'completed', result: { reason: 'target_reached' } });
    const long = sweep.trials.find((trial: { parameters: Record<string, number> }) => trial.parameters['training.maxSteps'] === 1e6);
    expect(long).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    // Its thread read the stop between two advances: well before the 20,000 updates an advance holds at most.
    expect(long.steps).toBeGreaterThan(0);
    expect(long.steps).toBeLessThan(20_000);
  });

  it('stops a trial at its training.timeLimitSeconds, as descent run does', async () => {
    const file = join(directory, 'trial-time-limit.json');
    const base = { objective: { type: 'benchmark', name: 'booth' }, optimizer: { name: 'sgd', learningRate: 0.0001 }, training: { maxSteps: 2e8, timeLimitSeconds: 0.2 } };
    writeFileSync(file, JSON.stringify({ base, parameters: { 'optimizer.learningRate': { type: 'float', values: [0.0001] } }, metric: { name: 'finalLoss' }, sampler: { type: 'grid' } }));
    const { code, stdout } = await runCli(['sweep', file, '--jsonl', '--threads', '1']);
    expect(code).toBe(0);
    const { sweep } = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(sweep.trials[0]).toMatchObject({ status: 'completed', stopReason: 'time_limit', message: expect.stringMatching(/^Stopped at step \d+ by the time limit of 0.2 s\.$/) });
    expect(sweep.trials[0].steps).toBeLessThan(2e8);
  });

  it('has --help', async () => {
    const { code, stdout } = await runCli(['sweep', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: descent sweep/);
  });
});
