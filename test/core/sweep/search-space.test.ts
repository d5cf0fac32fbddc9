import { describe, expect, it } from 'vitest';
import { applyParameters, isActive, searchSpaceSchema, toSearchSpace } from '../../../src/core/sweep/index.ts';
import { toFieldIssues } from '../../../src/contracts/issues.ts';
import { sweepSpecSchema } from '../../../src/contracts/sweep-spec.ts';

function problems(input: unknown): string[] {
  const parsed = searchSpaceSchema.safeParse(input);
  return parsed.success ? [] : toFieldIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
}

describe('search space', () => {
  it('parses ranges, steps, logs, values and conditions into distributions, in order', () => {
    const space = toSearchSpace(
      searchSpaceSchema.parse({
        'optimizer.name': { type: 'categorical', values: ['adam', 'momentum'] },
        'optimizer.learningRate': { type: 'float', low: 1e-4, high: 1, log: true },
        'optimizer.momentum': { type: 'float', low: 0.5, high: 0.99, step: 0.1, when: { 'optimizer.name': ['momentum'] } },
        'training.batchSize': { type: 'int', low: 8, high: 256, log: true },
        'training.seed': { type: 'int', values: [1, 2, 3] },
      }),
    );
    expect(space.map((p) => p.name)).toEqual(['optimizer.name', 'optimizer.learningRate', 'optimizer.momentum', 'training.batchSize', 'training.seed']);
    expect(space[2].distribution).toEqual({ kind: 'float', low: 0.5, high: 0.9, log: false, step: 0.1 });
    expect(space[3].distribution).toEqual({ kind: 'int', low: 8, high: 256, log: true, step: 1 });
    expect(space[4].distribution).toEqual({ kind: 'categorical', choices: [1, 2, 3] });
    expect(isActive(space[2], { 'optimizer.name': 'adam' })).toBe(false);
    expect(isActive(space[2], { 'optimizer.name': 'momentum' })).toBe(true);
  });

  it('names every bad field', () => {
    expect(
      problems({
        a: { type: 'float', low: 1, high: 0 },
        b: { type: 'float', low: 0, high: 1, log: true },
        d: { type: 'float', values: [1], low: 0 },
        e: { type: 'categorical', values: [] },
        'f..g': { type: 'int', low: 0, high: 1 },
        h: { type: 'int', low: 0.5, high: 2 },
      }),
    ).toEqual([
      'a.high: Must be greater than low (1).',
      'b.low: Must be positive on a log scale.',
      'd.low: Give either `values` or a range, not both.',
      expect.stringMatching(/^e\.values: /),
      expect.stringMatching(/^\["f\.\.g"\]: /),
      expect.stringMatching(/^h\.low: /),
    ]);
  });

  it('refuses a range whose ends meet, float or int alike, naming high, and takes its one value as a list', () => {
    expect(problems({
      a: { type: 'float', low: 0.5, high: 0.5 },
      b: { type: 'int', low: 3, high: 3 },
      c: { type: 'int', low: 8, high: 8, log: true },
      d: { type: 'float', low: 2, high: 1 },
      e: { type: 'int', low: 2, high: 1 },
      f: { type: 'float', values: [0.5] },
      g: { type: 'int', values: [3] },
    })).toEqual([
      'a.high: Must be greater than low (0.5): a range searches more than one value; give one value as `values: [0.5]`.',
      'b.high: Must be greater than low (3): a range searches more than one value; give one value as `values: [3]`.',
      'c.high: Must be greater than low (8): a range searches more than one value; give one value as `values: [8]`.',
      'd.high: Must be greater than low (2).',
      'e.high: Must be greater than low (2).',
    ]);
  });

  it('refuses a range whose width or number of steps is beyond a double, where every trial would draw Infinity', () => {
    expect(problems({
      a: { type: 'float', low: -1e308, high: 1e308 },
      b: { type: 'float', low: 0.001, high: 0.1, step: 1e-320 },
      c: { type: 'float', low: 1e-308, high: 1e308, log: true },
      d: { type: 'int', low: -9007199254740991, high: 9007199254740991 },
    })).toEqual([
      'a.high: The range is wider than a double holds: high − low overflows.',
      'b.step: Too small for the range: (high − low) / step overflows.',
    ]);
  });

  it('refuses a value listed twice, which a grid would run twice and the other samplers could not tell apart', () => {
    expect(problems({
      a: { type: 'categorical', values: ['adam', 'sgd', 'adam'] },
      b: { type: 'float', values: [0.1, 0.2, 0.1, 0.2] },
      c: { type: 'int', values: [1, 2, 3] },
      d: { type: 'categorical', values: [1, '1', true] },
    })).toEqual([
      'a.values[2]: Listed twice: values[0] is adam too.',
      'b.values[2]: Listed twice: values[0] is 0.1 too.',
      'b.values[3]: Listed twice: values[1] is 0.2 too.',
    ]);
  });

  it('refuses a path with a `__proto__` segment, which names no field of a spec', () => {
    expect(problems({ '__proto__.x': { type: 'int', low: 0, high: 1 }, 'optimizer.__proto__': { type: 'int', low: 0, high: 1 } })).toEqual([
      expect.stringMatching(/^\["__proto__\.x"\]: /),
      expect.stringMatching(/^\["optimizer\.__proto__"\]: /),
    ]);
  });

  it('lets a condition name only a parameter listed before it', () => {
    expect(problems({ c: { type: 'int', low: 1, high: 5, when: { d: [1] } }, d: { type: 'int', low: 0, high: 1 } })).toEqual([
      'c.when.d: Must name a parameter listed before this one.',
    ]);
  });

  it('puts every parameter after those its condition names, as a stored spec (keys sorted by PostgreSQL) gives them in another order', () => {
    const declared = searchSpaceSchema.parse({
      'optimizer.name': { type: 'categorical', values: ['sgd', 'rmsprop'] },
      'optimizer.rho': { type: 'float', values: [0.5, 0.9], when: { 'optimizer.name': ['rmsprop'] } },
      'training.maxSteps': { type: 'int', values: [10, 20] },
    });
    // As jsonb gives the object back: shorter keys first.
    const stored = Object.fromEntries(Object.entries(declared).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1)));
    expect(Object.keys(stored)).toEqual(['optimizer.rho', 'optimizer.name', 'training.maxSteps']);
    expect(toSearchSpace(stored).map((parameter) => parameter.name)).toEqual(['optimizer.name', 'optimizer.rho', 'training.maxSteps']);
    // Declared in an order that holds already, it is kept.
    expect(toSearchSpace(declared).map((parameter) => parameter.name)).toEqual(['optimizer.name', 'optimizer.rho', 'training.maxSteps']);
  });

  it('refuses a condition that no value of its parameter meets, which would leave the parameter never active', () => {
    expect(problems({
      'optimizer.name': { type: 'categorical', values: ['adam', 'momentum'] },
      'training.batchSize': { type: 'int', low: 8, high: 64 },
      'optimizer.momentum': { type: 'float', low: 0.5, high: 0.99, when: { 'optimizer.name': ['Momentum', 'nesterov'] } },
      'optimizer.beta1': { type: 'float', low: 0.5, high: 0.99, when: { 'optimizer.name': ['nesterov', 'adam'] } },
      'training.seed': { type: 'int', low: 1, high: 5, when: { 'training.batchSize': [1, 128, '16'] } },
      'training.epochs': { type: 'int', low: 1, high: 5, when: { 'training.batchSize': [8] } },
    })).toEqual([
      '["optimizer.momentum"].when["optimizer.name"]: optimizer.name takes none of these values (it takes adam, momentum): this parameter would never be active.',
      '["training.seed"].when["training.batchSize"]: training.batchSize takes none of these values (it takes 8 … 64): this parameter would never be active.',
    ]);
  });

  it('refuses a condition on an int range with steps that lists only values off its steps', () => {
    const parameters = (allowed: number[]) => ({
      'training.batchSize': { type: 'int', low: 8, high: 64, step: 8 },
      'training.epochs': { type: 'int', low: 1, high: 5, when: { 'training.batchSize': allowed } },
    });
    expect(problems(parameters([12, 70]))).toEqual([
      '["training.epochs"].when["training.batchSize"]: training.batchSize takes none of these values (it takes 8 … 64): this parameter would never be active.',
    ]);
    expect(problems(parameters([12, 16]))).toEqual([]);
  });

  it('writes parameters into a copy of the base spec at their dotted paths', () => {
    const base = { optimizer: { name: 'sgd', learningRate: 0.1 }, objective: { initial: [1, 2] } };
    const spec = applyParameters(base, { 'optimizer.name': 'adam', 'training.maxSteps': 10, 'objective.initial.1': 5 });
    expect(spec).toEqual({ optimizer: { name: 'adam', learningRate: 0.1 }, training: { maxSteps: 10 }, objective: { initial: [1, 5] } });
    expect(base.optimizer.name).toBe('sgd');
    expect(base.objective.initial).toEqual([1, 2]);
    expect(base).not.toHaveProperty('training');
  });

  it('copies only the objects on the parameters\' paths, sharing the rest of the base', () => {
    const base = { optimizer: { name: 'sgd', learningRate: 0.1 }, objective: { type: 'expression', initial: [1, 2] }, training: { maxSteps: 10 } };
    const spec = applyParameters(base, { 'optimizer.learningRate': 0.5, 'optimizer.momentum': 0.9 });
    expect(spec).toEqual({ ...base, optimizer: { name: 'sgd', learningRate: 0.5, momentum: 0.9 } });
    expect(spec.objective).toBe(base.objective);
    expect(spec.training).toBe(base.training);
    expect(base.optimizer).toEqual({ name: 'sgd', learningRate: 0.1 });
  });

  it('refuses an index past the end of its array, where every trial\'s spec would hold that many holes', () => {
    const base = { objective: { type: 'benchmark', name: 'booth', initial: [1, 2] }, optimizer: { name: 'sgd', learningRate: 0.1 } };
    const parsed = sweepSpecSchema.safeParse({
      base,
      parameters: {
        'objective.initial.1': { type: 'float', low: 0, high: 1 },
        'objective.initial.2': { type: 'float', low: 0, high: 1 },
        'objective.initial.99999999': { type: 'float', low: 0, high: 1 },
        'objective.initial.5': { type: 'int', low: 1, high: 5 },
      },
    });
    expect(parsed.success ? [] : toFieldIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'parameters["objective.initial.99999999"]: Index 99999999 is past the end of base.objective.initial (3 entries with the parameters before it): a parameter sets an entry or appends one.',
      'parameters["objective.initial.5"]: Index 5 is past the end of base.objective.initial (3 entries with the parameters before it): a parameter sets an entry or appends one.',
    ]);
  });
});
