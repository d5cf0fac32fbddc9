/** Starting (or resuming) a run: the objective, the trainer for the spec, the engine around it. */
import type { Objective } from '../objectives/objective.ts';
import { isDataObjective } from '../objectives/objective.ts';
import { createObjective } from '../objectives/index.ts';
import type { RunCheckpoint } from './checkpoint.ts';
import { isObjectiveReference, type RunConfig } from './run-config.ts';
import { RunEngine, totalTicks } from './run-engine.ts';
import { SingleTrainer } from './single-trainer.ts';
import type { Trainer } from './trainer.ts';
import { ParallelTrainer } from '../parallel/parallel-trainer.ts';
import { resolveParallelSettings } from '../parallel/settings.ts';

export interface IterateRunOptions {
  /** Continue from this checkpoint (taken by `run.checkpoint()` of a run of the same spec). */
  readonly checkpoint?: RunCheckpoint;
  /** Milliseconds from any origin; needed for time limits and deadlines (the core has no clock). */
  readonly clock?: () => number;
  /** The objective, already built (a stored one the caller resolved, or a dataset it loaded). */
  readonly objective?: Objective;
}

/** Starts (or, with `options.checkpoint`, resumes) a run of a parsed run spec. */
export function iterateRun(config: RunConfig, options: IterateRunOptions = {}): RunEngine {
  let objective = options.objective;
  if (objective === undefined) {
    if (isObjectiveReference(config.objective)) {
      throw new Error(`The objective {"id": "${config.objective.id}"} is stored: it must be resolved before the run starts.`);
    }
    objective = createObjective(config.objective);
  }
  const dataObjective = isDataObjective(objective) ? objective : null;
  const totalSteps = (ticksPerEpoch: number) => totalTicks(config, ticksPerEpoch);
  let trainer: Trainer;
  if (config.parallel === undefined) {
    trainer = new SingleTrainer(objective, dataObjective, config, totalSteps);
  } else if (config.parallel.execution === 'simulated') {
    trainer = new ParallelTrainer(objective, dataObjective, config, resolveParallelSettings(config.parallel), totalSteps);
  } else {
    throw new Error(`A concurrent ${config.parallel.algorithm} run is not run by this loop: simulate it (parallel.execution "simulated").`);
  }
  const run = new RunEngine(objective, dataObjective, trainer, config, options.clock);
  if (options.checkpoint) run.restore(options.checkpoint);
  return run;
}
