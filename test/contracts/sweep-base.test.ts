import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../src/contracts/run-spec.ts';
import { sweepSpecSchema } from '../../src/contracts/sweep-spec.ts';
import { sweepBaseIssues } from '../../src/contracts/sweep-base.ts';

const base = {
  objective: { type: 'model', model: 'logistic', data: { builtin: 'moons', rows: 40 } },
  optimizer: { name: 'sgd', learningRate: 0.1 },
  training: { maxSteps: 1000, batchSize: 8 },
};

/** The issues of a sweep over `sweepBase` with `parameters` and a median pruner (the base objective is never inspected). */
function issuesOf(parameters: Record<string, unknown>, sweepBase: Record<string, unknown> = base) {
  const spec = sweepSpecSchema.parse({ base: sweepBase, parameters, pruner: { type: 'median' } });
  return sweepBaseIssues(spec, runSpecSchema.parse(spec.base), () => {
    throw new Error('not inspected');
  });
}

describe('a pruner over trials that all run concurrently', () => {
  it('is refused when parameters make every trial of a base without `parallel` a concurrent parallel run, naming them', () => {
    const issues = issuesOf({
      'parallel.algorithm': { type: 'categorical', values: ['easgd', 'downpour'] },
      'parallel.replicas': { type: 'int', low: 2, high: 4 },
    });
    expect(issues).toEqual([{
      path: 'pruner.type',
      message: 'Concurrent easgd, downpour runs record at the steps their replicas reach, not at the pruner\'s decision steps, so no trial would ever be pruned '
        + '(parameters["parallel.algorithm"], parameters["parallel.replicas"] make every trial a parallel run, concurrent by default): '
        + 'add the parameter parallel.execution with the value \'simulated\', or pruner \'none\'.',
    }]);
    const hogwild = issuesOf({ 'parallel.algorithm': { type: 'categorical', values: ['hogwild'] }, 'parallel.replicas': { type: 'int', values: [2] } });
    expect(hogwild).toEqual([expect.objectContaining({ path: 'pruner.type', message: expect.stringContaining('a trial would be pruned only by chance') })]);
  });

  it('is refused when parallel.execution never takes \'simulated\', though the base\'s is', () => {
    const simulated = { ...base, parallel: { algorithm: 'easgd', replicas: 2, execution: 'simulated' } };
    expect(issuesOf({ 'parallel.execution': { type: 'categorical', values: ['concurrent'] } }, simulated)).toEqual([{
      path: 'pruner.type',
      message: 'Concurrent easgd runs record at the steps their replicas reach, not at the pruner\'s decision steps, so no trial would ever be pruned '
        + '(parameters["parallel.execution"] takes no value \'simulated\'): give parameters["parallel.execution"] the value \'simulated\', or pruner \'none\'.',
    }]);
  });

  it('is taken when some trial can be simulated or not parallel at all', () => {
    const algorithm = { type: 'categorical', values: ['easgd', 'downpour'] };
    const replicas = { type: 'int', values: [2, 4] };
    const name = { type: 'categorical', values: ['sgd', 'momentum'] };
    for (const [parameters, sweepBase] of [
      // No parameter under parallel, and a base without it: no trial is parallel.
      [{ 'optimizer.learningRate': { type: 'float', low: 0.01, high: 0.1 } }, base],
      [{ 'parallel.algorithm': algorithm, 'parallel.replicas': replicas, 'parallel.execution': { type: 'categorical', values: ['concurrent', 'simulated'] } }, base],
      // Parallel only where optimizer.name is momentum: the sgd trials are not.
      [{ 'optimizer.name': name, 'parallel.algorithm': { ...algorithm, when: { 'optimizer.name': ['momentum'] } }, 'parallel.replicas': { ...replicas, when: { 'optimizer.name': ['momentum'] } } }, base],
      // Concurrent only where optimizer.name is momentum: the sgd trials keep the base's simulated execution.
      [{ 'optimizer.name': name, 'parallel.execution': { type: 'categorical', values: ['concurrent'], when: { 'optimizer.name': ['momentum'] } } }, { ...base, parallel: { algorithm: 'easgd', replicas: 2, execution: 'simulated' } }],
    ] as const) {
      expect(issuesOf(parameters, sweepBase)).toEqual([]);
    }
  });
});
