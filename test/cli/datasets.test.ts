import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.ts';

const directory = mkdtempSync(join(tmpdir(), 'descent-data-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(directory, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const features = [[0.5, -1.2], [1.1, 0.4], [-0.3, 0.8], [2.0, -0.5]];
const targets = [1, 0, 1, 0];
const csv = ['a,b,label', ...features.map((row, r) => `${row.join(',')},${targets[r]}`)].join('\n');

const modelSpec = (data: object) => ({
  objective: { type: 'model', model: 'logistic', data },
  optimizer: { name: 'sgd', learningRate: 0.5 },
  training: { maxSteps: 25 },
  record: { every: 1, params: true },
});

const jsonl = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line));

describe('descent run with data files', () => {
  it('reads {path: file.csv} relative to the spec folder and trains exactly as on the same data inline', async () => {
    file('specs/data/train.csv', csv);
    const fromFile = await runCli(['run', file('specs/from-csv.json', JSON.stringify(modelSpec({ path: 'data/train.csv' }))), '--jsonl']);
    const inline = await runCli(['run', file('inline.json', JSON.stringify(modelSpec({ features, targets }))), '--jsonl']);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expect(inline.code).toBe(0);
    const steps = jsonl(fromFile.stdout);
    expect(steps).toHaveLength(26);
    // Same numbers, same order, same arithmetic: bit-identical trajectories.
    expect(steps).toEqual(jsonl(inline.stdout));
    expect(steps.at(-1).result.params).toHaveLength(3);
  });

  it('takes the target column by name (targetColumn) and reads a .json file in the upload form', async () => {
    file('cols.csv', ['label,a,b', ...features.map((row, r) => `${targets[r]},${row.join(',')}`)].join('\n'));
    file('data.json', JSON.stringify({ name: 'four rows', features, targets, targetName: 'label' }));
    const byName = await runCli(['run', file('by-name.json', JSON.stringify(modelSpec({ path: 'cols.csv', targetColumn: 'label' }))), '--jsonl']);
    const fromJson = await runCli(['run', file('from-json.json', JSON.stringify(modelSpec({ path: 'data.json' }))), '--jsonl']);
    const inline = await runCli(['run', file('inline2.json', JSON.stringify(modelSpec({ features, targets }))), '--jsonl']);
    const finalParams = (stdout: string) => jsonl(stdout).at(-1).result.params;
    expect(byName.code).toBe(0);
    expect(fromJson.code).toBe(0);
    expect(finalParams(byName.stdout)).toEqual(finalParams(inline.stdout));
    expect(finalParams(fromJson.stdout)).toEqual(finalParams(inline.stdout));
  });

  it.each([
    ['a non-numeric cell', 'a,b,label\n0.5,-1.2,1\n1.1,abc,0\n', /line 3, column 2 \('b'\): 'abc' is not a finite number/],
    ['a ragged row', 'a,b,label\n0.5,-1.2,1\n1.1,0\n', /line 3 has 2 fields, the header has 3 \(line 3, column 3\)/],
    ['a missing target', 'a,b,label\n0.5,-1.2,\n', /line 2, column 3 \('label'\): missing target value/],
    ['an empty file', '', /the file is empty/],
  ])('rejects %s with the line and column, exit 2', async (_case, content, message) => {
    file('bad.csv', content);
    const { code, stderr, stdout } = await runCli(['run', file('bad-spec.json', JSON.stringify(modelSpec({ path: 'bad.csv' })))]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/objective\.data\.path: bad\.csv: /);
    expect(stderr).toMatch(message);
  });

  it('names a missing file, an unknown target column and an unsupported extension', async () => {
    const missing = await runCli(['run', file('missing.json', JSON.stringify(modelSpec({ path: 'nowhere.csv' })))]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/objective\.data\.path: nowhere\.csv: cannot read .*nowhere\.csv/);

    file('ok.csv', csv);
    const target = await runCli(['run', file('target.json', JSON.stringify(modelSpec({ path: 'ok.csv', targetColumn: 'y' })))]);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/the target column 'y' is not in the header \(a, b, label\)/);

    // A sparse row naming a column twice has no one value for it.
    // Named at the entry that gives it again, as the API names it (objective.data.rows[1].indices[2]).
    const sparseTwice = { columns: 3, rows: [{ indices: [1], values: [1] }, { indices: [0, 2, 0], values: [1, 2, 3] }], targets: [1, 0] };
    file('twice.json', JSON.stringify(sparseTwice));
    const twice = await runCli(['run', file('twice-spec.json', JSON.stringify(modelSpec({ path: 'twice.json' })))]);
    expect([twice.code, twice.stderr]).toEqual([2, `descent run: ${join(directory, 'twice-spec.json')}: objective.data.path: twice.json: rows[1].indices[2]: sparse row 2: column index 0 is given twice\n`]);
    const inlineTwice = await runCli(['run', file('inline-twice.json', JSON.stringify(modelSpec(sparseTwice)))]);
    expect([inlineTwice.code, inlineTwice.stderr]).toEqual([2, `descent run: ${join(directory, 'inline-twice.json')}: objective.data.rows[1].indices[2]: the objective cannot be built: sparse row 2: column index 0 is given twice\n`]);
    const sparseOnce = { ...sparseTwice, rows: [{ indices: [1], values: [1] }, { indices: [0, 2], values: [1, 2] }] };
    const validationSpec = modelSpec(sparseOnce);
    const validationTwice = await runCli(['run', file('validation-twice.json', JSON.stringify({ ...validationSpec, objective: { ...validationSpec.objective, validation: sparseTwice } }))]);
    expect([validationTwice.code, validationTwice.stderr]).toEqual([2, `descent run: ${join(directory, 'validation-twice.json')}: objective.validation.rows[1].indices[2]: the objective cannot be built: sparse row 2: column index 0 is given twice\n`]);

    file('data.txt', csv);
    const extension = await runCli(['run', file('txt.json', JSON.stringify(modelSpec({ path: 'data.txt' })))]);
    expect(extension.code).toBe(2);
    expect(extension.stderr).toMatch(/unsupported file type '\.txt'/);
  });

  it('reads validation data from a file too, and refuses an uploaded dataset id locally', async () => {
    file('train.csv', csv);
    file('validation.csv', 'a,b,label\n0.1,0.2,1\n');
    const spec = modelSpec({ path: 'train.csv' });
    const withValidation = { ...spec, objective: { ...spec.objective, validation: { path: 'validation.csv' } } };
    const ran = await runCli(['run', file('validation-spec.json', JSON.stringify(withValidation)), '--jsonl']);
    expect(ran.code).toBe(0);
    expect(jsonl(ran.stdout)[0].valLoss).toEqual(expect.any(Number));

    const stored = await runCli(['run', file('stored-data.json', JSON.stringify(modelSpec({ id: '0b4f1c7e-0000-4000-8000-000000000000' })))]);
    expect(stored.code).toBe(2);
    expect(stored.stderr).toMatch(/objective\.data\.id: .*only the service can read it/);
  });
});

describe('descent run --check-gradient', () => {
  it('prints the check of a model on a CSV file without running', async () => {
    file('check.csv', csv);
    const { code, stdout } = await runCli(['run', file('check-spec.json', JSON.stringify(modelSpec({ path: 'check.csv' }))), '--check-gradient']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Gradient check at the initial point/);
    expect(stdout).toMatch(/f\(initial\) = 0\.6931471806, 3 parameters/);
    expect(stdout).toMatch(/max absolute error: \d\.\d{3}e-\d+/);
    expect(stdout).toMatch(/^ {4}w_a +analytic +0\.3625 +numeric/m);
    expect(stdout).toMatch(/Result: passed\n$/);
    expect(stdout).not.toMatch(/Stop reason/);
  });

  it('works for expressions and benchmarks, and as one JSON line with --jsonl', async () => {
    const spec = {
      objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
      optimizer: { name: 'adam', learningRate: 0.01 },
    };
    const { code, stdout } = await runCli(['run', file('expression.json', JSON.stringify(spec)), '--check-gradient', '--jsonl']);
    expect(code).toBe(0);
    const lines = jsonl(stdout);
    expect(lines).toHaveLength(1);
    const { gradientCheck } = lines[0];
    // f(-1.5, 2) = 2.5² + 100·(2 − 2.25)² = 12.5; ∂f/∂x = −2(1 − x) − 400x(y − x²) = −5 − 150 = −155, ∂f/∂y = 200(y − x²) = −50.
    expect(gradientCheck.value).toBeCloseTo(12.5, 12);
    expect(gradientCheck.coordinates.map((entry: { variable: string; analytic: number }) => [entry.variable, entry.analytic]))
      .toEqual([['x', -155], ['y', -50]]);
    expect(gradientCheck.passed).toBe(true);
    expect(gradientCheck.maxRelativeError).toBeLessThan(1e-6);

    const benchmark = { objective: { type: 'benchmark', name: 'rosenbrock', dimensions: 150 }, optimizer: { name: 'sgd', learningRate: 0.001 } };
    const sampled = await runCli(['run', file('benchmark.json', JSON.stringify(benchmark)), '--check-gradient']);
    expect(sampled.code).toBe(0);
    expect(sampled.stdout).toMatch(/150 parameters, 100 checked \(seeded sample\)/);
    expect(sampled.stdout).toMatch(/Worst coordinate:/);
  });

  it('fails (exit 1) when the gradient disagrees with finite differences: max(x, 0) at its kink', async () => {
    const spec = { objective: { type: 'expression', expression: 'max(x, 0)', variables: ['x'], initial: [0] }, optimizer: { name: 'sgd', learningRate: 0.1 } };
    const { code, stdout } = await runCli(['run', file('kink.json', JSON.stringify(spec)), '--check-gradient']);
    // The central difference at the kink is (h − 0)/(2h) = 0.5; any one-sided derivative (0 or 1) is 0.5 away.
    expect(stdout).toMatch(/✗ x +analytic +[01] +numeric +0\.5 +abs 5\.000e-1/);
    expect(stdout).toMatch(/Result: FAILED \(1 of 1 checked coordinates disagree\)/);
    expect(code).toBe(1);
  });

  it('is documented in --help together with data files', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--check-gradient/);
    expect(stdout).toMatch(/\{"path": "file\.csv"\}/);
  });
});
