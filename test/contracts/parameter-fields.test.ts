import { describe, expect, it } from 'vitest';
import { sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import { toFieldIssues } from '../../src/contracts/issues.ts';

const base = {
  objective: { type: 'expression', expression: '(x - 1)^2 + 10*(y + 2)^2', variables: ['x', 'y'], initial: [4, 3] },
  optimizer: { name: 'sgd', learningRate: 0.01 },
  training: { maxSteps: 100 },
};

const issuesOf = (parameters: Record<string, unknown>, sweepBase: unknown = base) => {
  const parsed = sweepSpecSchema.safeParse({ base: sweepBase, parameters });
  return parsed.success ? [] : toFieldIssues(parsed.error).map(({ path, message }) => ({ path, message }));
};

describe('a sweep parameter that no trial\'s spec can take', () => {
  it('is refused when its path is no field of a run spec, naming where the path leaves the spec', () => {
    expect(issuesOf({ 'foo.bar': { type: 'float', low: 0, high: 1 }, 'training.foo': { type: 'int', low: 1, high: 3 }, 'training.maxSteps.x': { type: 'int', low: 1, high: 3 } })).toEqual([
      { path: 'parameters["foo.bar"]', message: 'Names no field of a run spec: a run spec has no field `foo` (its fields: objective, optimizer, training, schedule, gradientNoise, clip, earlyStopping, stopWhen, record, parallel).' },
      { path: 'parameters["training.foo"]', message: 'Names no field of a run spec: training has no field `foo` (its fields: maxSteps, epochs, batchSize, curriculum, shuffle, seed, timeLimitSeconds, validationEvery).' },
      { path: 'parameters["training.maxSteps.x"]', message: 'Names no field of a run spec: training.maxSteps is a number, with no fields.' },
    ]);
  });

  it('is refused when the field is another form\'s than the one the base sets, and taken when a parameter can choose that form', () => {
    expect(issuesOf({ 'optimizer.rho': { type: 'float', low: 0.1, high: 0.9 } })).toEqual([{
      path: 'parameters["optimizer.rho"]',
      message: 'No trial\'s spec of this base has this field: optimizer has no field `rho` (its fields: name, flavor, weightDecay, learningRate). '
        + 'Another form has it: choose that form in the base, or search the field that chooses it too (optimizer.name, objective.type).',
    }]);
    // A stored objective's id beside an inline objective's fields: no trial is either.
    expect(issuesOf({ 'objective.id': { type: 'categorical', values: ['01a24c7a-50b4-77f5-80a5-a784bb1fa69c'] } })).toEqual([
      expect.objectContaining({ path: 'parameters["objective.id"]', message: expect.stringContaining('objective has no field `id`') }),
    ]);
    expect(issuesOf({
      'optimizer.name': { type: 'categorical', values: ['sgd', 'rmsprop'] },
      'optimizer.rho': { type: 'float', low: 0.1, high: 0.9, when: { 'optimizer.name': ['rmsprop'] } },
    })).toEqual([]);
    expect(issuesOf({ 'objective.id': { type: 'categorical', values: ['a', 'b'] } }, { ...base, objective: { id: 'a' } })).toEqual([]);
  });

  it('names each value, end of a range, or fraction a float range draws that the field never takes', () => {
    expect(issuesOf({
      'optimizer.learningRate': { type: 'float', values: [-1, 0.1] },
      'training.maxSteps': { type: 'float', low: 10, high: 100 },
      'training.batchSize': { type: 'int', low: 0, high: 8 },
      'objective.variables.0': { type: 'categorical', values: ['x', 3] },
      'parallel.algorithm': { type: 'categorical', values: ['easgd', 'nope'] },
    })).toEqual([
      { path: 'parameters["optimizer.learningRate"].values[0]', message: 'optimizer.learningRate cannot be -1: Too small: expected number to be >0.' },
      { path: 'parameters["training.maxSteps"].type', message: expect.stringMatching(/^A float range draws values such as 44\.37\d+, which training\.maxSteps does not take \(Invalid input: expected int, received number\): use type int, or a step of a whole number\.$/) },
      { path: 'parameters["training.batchSize"].low', message: 'training.batchSize cannot be 0: Too small: expected number to be >=1.' },
      { path: 'parameters["objective.variables.0"].values[1]', message: 'objective.variables.0 cannot be 3: Invalid input: expected string, received number.' },
      { path: 'parameters["parallel.algorithm"].values[1]', message: expect.stringMatching(/^parallel\.algorithm cannot be 'nope': Invalid option/) },
    ]);
  });

  it('names every choice of a field that chooses a form (optimizer.name), not the first form\'s alone', () => {
    expect(issuesOf({ 'optimizer.name': { type: 'categorical', values: ['adam', 'bogus'] } })).toEqual([{
      path: 'parameters["optimizer.name"].values[1]',
      message: 'optimizer.name cannot be \'bogus\': Invalid option: expected one of '
        + '"sgd"|"momentum"|"nesterov"|"adagrad"|"adadelta"|"rmsprop"|"adam"|"adamax"|"nadam"|"amsgrad"|"adamw"|"radam".',
    }]);
    // The forms the base's fields allow, alone: an expression's fields fit no benchmark or model.
    expect(issuesOf({ 'objective.type': { type: 'categorical', values: ['expression', 'polynomial'] } })).toEqual([
      { path: 'parameters["objective.type"].values[1]', message: 'objective.type cannot be \'polynomial\': Invalid input: expected "expression".' },
    ]);
  });

  it('checks a float range without a step next to its ends, which its samplers draw, and a stepped or int range at them', () => {
    const sgd = { objective: { type: 'benchmark', name: 'rosenbrock' }, optimizer: { name: 'sgd' } };
    const adam = { ...sgd, optimizer: { name: 'adam' } };
    const momentum = { ...sgd, optimizer: { name: 'momentum' } };
    const model = { objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } }, optimizer: { name: 'sgd' } };
    const step = { ...sgd, schedule: { type: 'step', stepSize: 10 } };
    const plateau = { ...sgd, schedule: { type: 'reduceOnPlateau' } };
    const accepted: [unknown, Record<string, unknown>][] = [
      [sgd, { 'optimizer.learningRate': { type: 'float', low: 0, high: 0.1 } }],
      [momentum, { 'optimizer.momentum': { type: 'float', low: 0.5, high: 1 } }],
      [adam, { 'optimizer.beta2': { type: 'float', low: 0.9, high: 1, log: true } }],
      [step, { 'schedule.gamma': { type: 'float', low: 0, high: 1 } }],
      [plateau, { 'schedule.factor': { type: 'float', low: 0, high: 1 } }],
      [model, { 'objective.validationSplit': { type: 'float', low: 0, high: 1 } }],
    ];
    for (const [sweepBase, parameters] of accepted) expect(issuesOf(parameters, sweepBase), JSON.stringify(parameters)).toEqual([]);
    // An unscrambled sequence's first point is the low; a step and an int range reach both ends.
    const exact = sweepSpecSchema.safeParse({ base: sgd, parameters: { 'optimizer.learningRate': { type: 'float', low: 0, high: 0.1 } }, sampler: { type: 'qmc', scramble: false } });
    expect(exact.success ? [] : toFieldIssues(exact.error).map(({ path }) => path)).toEqual(['parameters["optimizer.learningRate"].low']);
    expect(issuesOf({ 'optimizer.momentum': { type: 'float', low: 0.5, high: 1, step: 0.25 } }, momentum)).toEqual([
      { path: 'parameters["optimizer.momentum"].high', message: expect.stringMatching(/^optimizer\.momentum cannot be 1: /) },
    ]);
    // A range no value of which the field takes is refused at both ends.
    expect(issuesOf({ 'optimizer.learningRate': { type: 'float', low: -1, high: -0.5 } }, sgd)).toEqual([
      { path: 'parameters["optimizer.learningRate"].low', message: expect.stringMatching(/^A float range draws values just above low, such as -0\.9999\d+, which optimizer\.learningRate does not take \(Too small/) },
      { path: 'parameters["optimizer.learningRate"].high', message: expect.stringMatching(/^A float range draws values just below high, such as -0\.5000\d+, which optimizer\.learningRate does not take/) },
    ]);
  });

  it('names the base\'s field that a value\'s form lacks, as why the value is refused', () => {
    const momentum = { ...base, optimizer: { name: 'momentum', learningRate: 0.01, momentum: 0.9 } };
    expect(issuesOf({ 'optimizer.name': { type: 'categorical', values: ['momentum', 'adam'] } }, momentum)).toEqual([{
      path: 'parameters["optimizer.name"].values[1]',
      message: 'optimizer.name cannot be \'adam\': its form has no field base.optimizer.momentum, which the base gives.',
    }]);
  });

  it('names every parameter that names no field, however many bad values the others have', () => {
    const values = Array.from({ length: 101 }, (_, index) => -index - 1);
    const issues = issuesOf({ 'optimizer.learningRate': { type: 'float', values }, 'foo.bar': { type: 'float', low: 0, high: 1 } });
    expect(issues[0]).toEqual(expect.objectContaining({ path: 'parameters["foo.bar"]' }));
    expect(issues.length).toBeLessThanOrEqual(100);
  });

  it('takes PRODUCT\'s example sweep, and leaves what depends on other fields to each trial', () => {
    expect(issuesOf({
      'optimizer.name': { type: 'categorical', values: ['adam', 'momentum', 'rmsprop'] },
      'optimizer.learningRate': { type: 'float', low: 1e-4, high: 1, log: true },
      'optimizer.momentum': { type: 'float', low: 0.5, high: 0.99, when: { 'optimizer.name': ['momentum'] } },
      'training.batchSize': { type: 'int', low: 8, high: 256, log: true },
    })).toEqual([]);
    // A parallel block without its replicas fails as a trial, with the reason.
    expect(issuesOf({ 'parallel.algorithm': { type: 'categorical', values: ['hogwild'] } })).toEqual([]);
  });
});
