/**
 * Which engine runs a parsed run spec: the core's loop (every run, simulated parallel ones
 * included), or worker threads for a concurrent hogwild run. The worker and `descent run` start
 * runs here, and drive what they get the same way.
 */
import { performance } from 'node:perf_hooks';
import { createObjective, type Objective, type ResolvedObjectiveSpec } from '../core/objectives/index.ts';
import { iterateRun, type RunCheckpoint, type RunConfig, type RunLoop } from '../core/training/index.ts';
import { ConcurrentHogwildRun } from './concurrent-hogwild.ts';

export interface StartRunOptions {
  /** The objective spec with its data sources resolved (stored datasets, files). */
  readonly objectiveSpec: ResolvedObjectiveSpec;
  /** The objective built from it, when the caller already has it. */
  readonly objective?: Objective;
  readonly checkpoint?: RunCheckpoint;
  readonly clock?: () => number;
}

export function isConcurrentHogwild(config: RunConfig): boolean {
  return config.parallel?.algorithm === 'hogwild' && config.parallel.execution === 'concurrent';
}

export function startRun(config: RunConfig, options: StartRunOptions): RunLoop {
  const clock = options.clock ?? (() => performance.now());
  if (isConcurrentHogwild(config)) return new ConcurrentHogwildRun(config, options.objectiveSpec, { clock, checkpoint: options.checkpoint });
  return iterateRun(config, { objective: options.objective ?? createObjective(options.objectiveSpec), clock, checkpoint: options.checkpoint });
}
