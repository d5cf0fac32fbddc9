/** The `parallel` block's rules, each reported on the field to change. */
import { describe, expect, it } from 'vitest';
import { toFieldIssues } from '../../../src/contracts/issues.ts';
import { runSpecSchema } from '../../../src/contracts/run-spec.ts';
import { replicaShortage } from '../../../src/core/parallel/index.ts';

const base = {
  objective: { type: 'benchmark', name: 'rosenbrock' },
  optimizer: { name: 'sgd', learningRate: 0.001 },
};

const issuesOf = (input: object) => {
  const result = runSpecSchema.safeParse({ ...base, ...input });
  return result.success ? [] : toFieldIssues(result.error).map((issue) => `${issue.path}: ${issue.message}`);
};

describe('the parallel block', () => {
  it('fills the defaults: concurrent execution, the rest left to the algorithm', () => {
    const spec = runSpecSchema.parse({ ...base, parallel: { algorithm: 'hogwild', replicas: 2, execution: 'simulated' } });
    expect(spec.parallel).toEqual({ algorithm: 'hogwild', replicas: 2, execution: 'simulated' });
  });

  it.each([
    ['hogwild needs sgd', { optimizer: { name: 'adam' }, parallel: { algorithm: 'hogwild', replicas: 2, execution: 'simulated' } },
      ["optimizer.name: parallel.algorithm 'hogwild' runs with optimizer 'sgd', not 'adam'."]],
    ['adaptive-revision needs adagrad and takes no schedule', { schedule: { type: 'cosine' }, parallel: { algorithm: 'adaptive-revision', replicas: 2, execution: 'simulated' } },
      ["optimizer.name: parallel.algorithm 'adaptive-revision' runs with optimizer 'adagrad', not 'sgd'.",
        'schedule: adaptive-revision applies no learning-rate schedule (its step sizes are its own); remove \'schedule\'.']],
    ['delay only in simulation', { optimizer: { name: 'adagrad' }, parallel: { algorithm: 'adaptive-revision', replicas: 2, execution: 'concurrent', delay: 4 } },
      ["parallel.delay: 'delay' applies only with execution 'simulated'."]],
    ['parameters of other algorithms', { parallel: { algorithm: 'downpour', replicas: 2, execution: 'simulated', movingRate: 0.1, delay: 2 } },
      ["parallel.movingRate: 'movingRate' applies to 'easgd', not to downpour.", "parallel.delay: 'delay' applies to 'adaptive-revision', not to downpour."]],
    ['shards only concurrent', { parallel: { algorithm: 'easgd', replicas: 2, execution: 'simulated', shards: 4 } },
      ["parallel.shards: 'shards' applies only with execution 'concurrent' (a simulated run keeps its server in memory)."]],
    ['replicas bounded', { parallel: { algorithm: 'easgd', replicas: 65, execution: 'simulated' } }, ['parallel.replicas: Too big: expected number to be <=64']],
    ['replicas at least one', { parallel: { algorithm: 'easgd', replicas: 0, execution: 'simulated' } }, ['parallel.replicas: Too small: expected number to be >=1']],
    ['unknown fields', { parallel: { algorithm: 'easgd', replicas: 2, execution: 'simulated', workers: 3 } }, ['parallel.workers: Unknown field.']],
    ['unknown algorithm', { parallel: { algorithm: 'allreduce', replicas: 2 } }, [expect.stringMatching(/^parallel\.algorithm: Invalid option/)]],
  ])('%s', (_, input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it('more replicas than training rows are refused with a sentence', () => {
    expect(replicaShortage({ algorithm: 'easgd', replicas: 5, execution: 'simulated' }, 4)).toBe('5 replicas need at least 5 training rows; the data has 4.');
    expect(replicaShortage({ algorithm: 'easgd', replicas: 4, execution: 'simulated' }, 4)).toBeNull();
    expect(replicaShortage({ algorithm: 'easgd', replicas: 4, execution: 'simulated' }, null)).toBeNull();
    expect(replicaShortage(undefined, 1)).toBeNull();
  });
});
