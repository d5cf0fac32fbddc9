/** The parallel-algorithm registry: one entry per algorithm. It drives validation, the catalogue and the tests. */
import { resolveOptimizerConfig } from '../optimizers/index.ts';
import { AdaptiveRevisionProtocol } from './adaptive-revision.ts';
import type { ParallelAlgorithmDefinition } from './algorithm.ts';
import { DownpourProtocol } from './downpour.ts';
import { ElasticAveragingProtocol } from './easgd.ts';
import { HogwildProtocol } from './hogwild.ts';
import type { ParallelAlgorithmName } from './settings.ts';

export const parallelAlgorithms: Readonly<Record<ParallelAlgorithmName, ParallelAlgorithmDefinition>> = {
  hogwild: {
    name: 'hogwild',
    description: 'Hogwild!: p threads apply SGD steps to one shared parameter vector without locks.',
    paper: 'Niu, Recht, Ré & Wright 2011, "HOGWILD!: A Lock-Free Approach to Parallelizing Stochastic Gradient Descent"',
    optimizer: 'sgd',
    parameters: [],
    schedules: true,
    executions: ['simulated', 'concurrent'],
    simulate: ({ center, staleness }) => new HogwildProtocol(center, staleness),
  },
  downpour: {
    name: 'downpour',
    description: 'Downpour SGD: replicas push their accumulated displacement to a parameter server and pull its parameters every τ local steps.',
    paper: 'Dean et al. 2012, "Large Scale Distributed Deep Networks" (in the formulation of Zhang, Choromanska & LeCun 2015)',
    parameters: ['communicationPeriod', 'shards'],
    schedules: true,
    executions: ['simulated', 'concurrent'],
    simulate: ({ center, settings, staleness }) => new DownpourProtocol(center, settings.communicationPeriod, settings.replicas, staleness),
  },
  'adaptive-revision': {
    name: 'adaptive-revision',
    description: 'AdaptiveRevision: delay-tolerant AdaGrad on a parameter server, revising each late update for the gradients applied meanwhile.',
    paper: 'McMahan & Streeter 2014, "Delay-Tolerant Algorithms for Asynchronous Distributed Online Learning"',
    optimizer: 'adagrad',
    parameters: ['delay', 'shards'],
    simulatedOnly: ['delay'],
    schedules: false,
    executions: ['simulated', 'concurrent'],
    simulate: ({ center, settings, optimizer, staleness }) => {
      const { learningRate, epsilon } = resolveOptimizerConfig(optimizer) as { learningRate: number; epsilon: number };
      return new AdaptiveRevisionProtocol(center, learningRate, epsilon, settings.delay, staleness);
    },
  },
  easgd: {
    name: 'easgd',
    description: 'Elastic Averaging SGD: every τ local steps each replica and the center pull toward each other with rate α (with nesterov: EAMSGD).',
    paper: 'Zhang, Choromanska & LeCun 2015, "Deep learning with Elastic Averaging SGD"',
    parameters: ['communicationPeriod', 'movingRate', 'shards'],
    schedules: true,
    executions: ['simulated', 'concurrent'],
    simulate: ({ center, settings, staleness }) => new ElasticAveragingProtocol(center, settings.communicationPeriod, settings.movingRate, settings.replicas, staleness),
  },
};
