import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.ts';

const directory = mkdtempSync(join(tmpdir(), 'descent-run-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

const spec = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 50 },
};

describe('descent run', () => {
  it('prints a summary with the stop reason and the parameters by name', async () => {
    const { code, stdout } = await runCli(['run', file('ok.json', JSON.stringify(spec)), '--no-progress']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Stop reason: max_steps/);
    expect(stdout).toMatch(/Steps: +50 \(/);
    expect(stdout).toMatch(/^ {2}x = /m);
    expect(stdout).toMatch(/^ {2}y = /m);
  });

  it('a model with validation data reports the validation loss and accuracy at the returned parameters', async () => {
    const model = {
      objective: { type: 'model', model: 'softmax', data: { builtin: 'iris' }, validationSplit: 0.2 },
      optimizer: { name: 'adam', learningRate: 0.05 },
      training: { epochs: 5, batchSize: 16 },
    };
    const { code, stdout } = await runCli(['run', file('model.json', JSON.stringify(model)), '--no-progress']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Validation: {2}loss \d[\d.e-]*, accuracy (0|1|0\.\d+) \(at the returned parameters\)$/m);
    expect(stdout).toMatch(/^Best loss: {3}\d[\d.e-]* at step \d+$/m);
    // An expression has no validation set: no such line.
    const plain = await runCli(['run', file('plain.json', JSON.stringify(spec)), '--no-progress']);
    expect(plain.stdout).not.toContain('Validation:');
  });

  it("says the best loss is at the end when the last parameters' loss is the lowest, else the update's step", async () => {
    // SGD at 0.1 on x² shrinks x by a fifth at every update: the last parameters are the best.
    const falling = { objective: { type: 'expression', expression: 'x^2', variables: ['x'], initial: [1] }, optimizer: { name: 'sgd', learningRate: 0.1 }, training: { maxSteps: 5 } };
    const ended = await runCli(['run', file('falling.json', JSON.stringify(falling)), '--no-progress']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/^Best loss: {3}0\.1073741824 at the end \(step 5\)$/m);
    // At 1.5, x doubles and changes sign at every update: the loss before the first update is the best.
    const growing = await runCli(['run', file('growing.json', JSON.stringify({ ...falling, optimizer: { name: 'sgd', learningRate: 1.5 } })), '--no-progress']);
    expect(growing.code).toBe(0);
    expect(growing.stdout).toMatch(/^Best loss: {3}1 at step 1$/m);
  });

  it('--jsonl: one object per recorded step, then the result', async () => {
    const path = file('every.json', JSON.stringify({ ...spec, record: { every: 20 } }));
    const { code, stdout } = await runCli(['run', path, '--jsonl']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.slice(0, -1).map((line) => line.step)).toEqual([20, 40, 50]);
    expect(lines[0].params).toHaveLength(2);
    expect(lines.at(-1).result).toMatchObject({ stopReason: 'max_steps', steps: 50 });
    expect(lines.at(-1).result.params).toEqual(lines.at(-2).params);
  });

  it('invalid JSON exits 2', async () => {
    const { code, stderr } = await runCli(['run', file('bad.json', '{"objective":')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it('schema problems: every one with its path, exit 2', async () => {
    const bad = { ...spec, optimizer: { name: 'adam', learningRate: 0 }, training: { maxSteps: 10, turbo: true } };
    const { code, stderr } = await runCli(['run', file('invalid.json', JSON.stringify(bad))]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/2 problems/);
    expect(stderr).toMatch(/optimizer\.learningRate: /);
    expect(stderr).toMatch(/training\.turbo: Unknown field/);
  });

  it('a sweep spec given to run, or a run spec to sweep, is named as such with the command that takes it, exit 2', async () => {
    const sweepFile = file('sweep.json', JSON.stringify({ base: spec, parameters: { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.1 } } }));
    expect(await runCli(['run', sweepFile])).toMatchObject({
      code: 2,
      stderr: `descent run: ${sweepFile}: this is a sweep spec (it has \`base\` and \`parameters\`), not a run spec: run it with 'descent sweep ${sweepFile}'.\n`,
    });
    const runFile = file('run.json', JSON.stringify(spec));
    expect(await runCli(['sweep', runFile])).toMatchObject({
      code: 2,
      stderr: `descent sweep: ${runFile}: this is a run spec (it has \`objective\` and \`optimizer\`), not a sweep spec: run it with 'descent run ${runFile}'.\n`,
    });
  });

  it('a stored objective needs the service', async () => {
    const { code, stderr } = await runCli(['run', file('stored.json', JSON.stringify({ ...spec, objective: { id: 'abc' } }))]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/only the service can resolve it/);
  });

  it('a missing file and unknown options exit 2', async () => {
    expect((await runCli(['run', join(directory, 'missing.json')])).code).toBe(2);
    expect((await runCli(['run', '--fast', 'x.json'])).code).toBe(2);
    expect((await runCli(['run'])).code).toBe(2);
  });

  it('--help documents the output and the exit status', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--jsonl/);
    expect(stdout).toMatch(/Exit status/);
  });
});

describe('descent --help', () => {
  it('says how to run the CLI from any directory', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('npm link');
    expect(stdout).toContain('bin/descent.js');
    expect(stdout).toMatch(/npx descent .*only inside the checkout/);
  });

  it('refuses a concurrent run on a parameter server, saying it needs the service', async () => {
    const spec = {
      objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } },
      optimizer: { name: 'sgd' },
      training: { maxSteps: 10 },
      parallel: { algorithm: 'easgd', replicas: 2 },
    };
    const { code, stderr } = await runCli(['run', file('easgd.json', JSON.stringify(spec)), '--no-progress']);
    expect(code).toBe(2);
    expect(stderr).toContain('A concurrent easgd run needs the service');
    expect(stderr).toContain('"execution": "simulated"');
  });

  it('refuses a curriculum its objective cannot order by, naming training.curriculum.by, exit 2', async () => {
    const curriculum = { ...spec, training: { maxSteps: 10, batchSize: 8, curriculum: { by: 'difficulty' } }, objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } } };
    const { code, stdout, stderr } = await runCli(['run', file('curriculum.json', JSON.stringify(curriculum)), '--no-progress']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^descent run: .*curriculum\.json: training\.curriculum\.by: curriculum by difficulty needs data with a difficulty column; this data has none\n$/);
  });
});

