/** Each parallel algorithm with an optimizer it runs with and settings of its own, for tests that run them all. */
import type { RunSpecInput } from '../../../src/contracts/run-spec.ts';
import type { ParallelAlgorithmName } from '../../../src/core/parallel/index.ts';

export const optimizerOf: Record<ParallelAlgorithmName, RunSpecInput['optimizer']> = {
  hogwild: { name: 'sgd', learningRate: 0.2 },
  downpour: { name: 'momentum', learningRate: 0.05 },
  'adaptive-revision': { name: 'adagrad', learningRate: 0.3 },
  easgd: { name: 'nesterov', learningRate: 0.05 },
};

export const parallelOf: Record<ParallelAlgorithmName, Record<string, number>> = {
  hogwild: {},
  downpour: { communicationPeriod: 3 },
  'adaptive-revision': { delay: 4 },
  easgd: { communicationPeriod: 2, movingRate: 0.2 },
};
