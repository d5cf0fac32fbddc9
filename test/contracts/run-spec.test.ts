import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { toFieldIssues, formatPath } from '../../src/contracts/issues.ts';

const minimal = {
  objective: { type: 'expression', expression: '(1 - x)^2 + 100*(y - x^2)^2', variables: ['x', 'y'], initial: [-1.5, 2] },
  optimizer: { name: 'adam', learningRate: 0.01 },
  training: { maxSteps: 500 },
};

const issuesOf = (input: unknown) => {
  const result = runSpecSchema.safeParse(input);
  expect(result.success).toBe(false);
  return toFieldIssues(result.error!);
};

describe('run spec', () => {
  it("accepts PRODUCT's minimal spec and fills the defaults", () => {
    const spec = runSpecSchema.parse(minimal);
    expect(spec.training).toEqual({ maxSteps: 500, shuffle: true, seed: 0 });
    expect(spec.record).toEqual({});
    expect(spec.earlyStopping).toBeUndefined();
  });

  it('accepts a stored objective by id and every top-level section', () => {
    const spec = runSpecSchema.parse({
      ...minimal,
      objective: { id: 'obj_123' },
      schedule: { type: 'cosine', warmupSteps: 10 },
      gradientNoise: {},
      clip: { maxNorm: 1 },
      earlyStopping: { monitor: 'loss', patience: 50, minDelta: 1e-9 },
      stopWhen: { lossBelow: 1e-6, gradNormBelow: 1e-8 },
      record: { every: 1, params: true },
    });
    expect(spec.objective).toEqual({ id: 'obj_123' });
    expect(spec.gradientNoise).toEqual({ variance: 0.01, decay: 0.55 });
    expect(spec.earlyStopping).toEqual({ monitor: 'loss', patience: 50, minDelta: 1e-9, restoreBest: false });
  });

  it('rejects unknown fields at every level, each with its path', () => {
    const issues = issuesOf({
      ...minimal,
      extra: 1,
      training: { maxSteps: 5, maxStep: 5 },
      record: { every: 1, evry: 2 },
      earlyStopping: { patience: 3, restore: true },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['earlyStopping.restore', 'extra', 'record.evry', 'training.maxStep']);
    expect(issues.every((issue) => issue.code === 'unrecognized_keys')).toBe(true);
  });

  it('bounds every size a client controls', () => {
    const issues = issuesOf({ ...minimal, training: { maxSteps: 1e10, batchSize: 0, seed: -1 }, record: { every: 0 } });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['record.every', 'training.batchSize', 'training.maxSteps', 'training.seed']);
  });

  it('reports problems inside the objective and the optimizer with indexed paths', () => {
    const issues = issuesOf({ ...minimal, objective: { ...minimal.objective, initial: [1, 'a'] }, optimizer: { name: 'adam', learningRate: -1 } });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['objective.initial[1]', 'optimizer.learningRate']);
  });

  it('explains a bad stored reference as such', () => {
    expect(issuesOf({ ...minimal, objective: { id: 5 } })).toEqual([expect.objectContaining({ path: 'objective.id', code: 'invalid_type' })]);
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['optimizer', 'learningRate'], 'optimizer.learningRate'],
    [['objective', 'initial', 1], 'objective.initial[1]'],
    [['data', 'a-b'], 'data["a-b"]'],
  ] as const)('%j → %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
