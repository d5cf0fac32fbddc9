/**
 * Which engine runs a parsed run spec: the core's loop (every run, simulated parallel ones
 * included), worker threads for a concurrent hogwild run, or the coordinator of a concurrent
 * downpour, easgd or adaptive-revision run, whose replicas are queue jobs on a parameter server
 * in Redis (the service's worker only). The worker and `descent run` start runs here, and drive
 * what they get the same way.
 */
import { performance } from 'node:perf_hooks';
import { createObjective, type Objective, type ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { iterateRun, type RunCheckpoint, type RunConfig, type RunLoop } from '../core/training/index.ts';
import { resolveParallelSettings } from '../core/parallel/index.ts';
import { DistributedRun } from '../concurrent-runs/distributed-run.ts';
import type { Redis } from '../queue/connection.ts';
import { ConcurrentHogwildRun } from './concurrent-hogwild.ts';

export interface StartRunOptions {
  /** The objective spec with its data sources resolved (stored datasets, files). */
  readonly objectiveSpec: ResolvedObjectiveSpec;
  /** The objective built from it, when the caller already has it. */
  readonly objective?: Objective;
  readonly checkpoint?: RunCheckpoint;
  readonly clock?: () => number;
  /** Where a concurrent downpour, easgd or adaptive-revision run keeps its server and queues its replicas (the worker's). */
  readonly service?: {
    readonly redis: Redis; readonly queuePrefix: string; readonly runId: string;
    readonly replicaStartTimeoutMs?: number; readonly replicaStallTimeoutMs?: number;
  };
}

function isConcurrentHogwild(config: RunConfig): boolean {
  return config.parallel?.algorithm === 'hogwild' && config.parallel.execution === 'concurrent';
}

export function startRun(config: RunConfig, options: StartRunOptions): RunLoop {
  const clock = options.clock ?? (() => performance.now());
  if (isConcurrentHogwild(config)) return new ConcurrentHogwildRun(config, options.objectiveSpec, { clock, checkpoint: options.checkpoint });
  const parallel = config.parallel;
  if (parallel?.execution === 'concurrent') {
    if (!options.service) {
      throw new Error(`A concurrent ${parallel.algorithm} run needs the service: its replicas are jobs on the worker processes, exchanging with a parameter server in Redis. Submit it to the API, or run it here with "execution": "simulated".`);
    }
    const objective = options.objective ?? createObjective(options.objectiveSpec);
    return new DistributedRun(config, resolveParallelSettings(parallel), objective, { clock, checkpoint: options.checkpoint, ...options.service });
  }
  return iterateRun(config, { objective: options.objective ?? createObjective(options.objectiveSpec), clock, checkpoint: options.checkpoint });
}
