/**
 * What the coordinators of concurrent runs (hogwild's threads, the replicas of a parameter
 * server) share as run loops: their size (ticks per epoch over the replicas' shards, total
 * steps, time limit) and the views the worker and the CLI read between slices.
 */
import type { DataObjective } from '../core/objectives/index.ts';
import type { EarlyStoppingView } from '../core/training/early-stopping.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import { totalTicks } from '../core/training/run-engine.ts';
import { ticksPerEpoch } from '../core/training/data-batches.ts';
import type { RunProgress, RunResult } from '../core/training/run-result.ts';
import type { CenterWatch } from './center-watch.ts';

export interface RunSize {
  /** p × the batches of replica 0's shard. */
  readonly ticksPerEpoch: number;
  readonly totalSteps: number;
  readonly limitMs: number;
  /** training.timeLimitSeconds as given, for the sentences that name it. */
  readonly limitSeconds: number;
}

/** The size of a run of `p` replicas; a data objective with fewer training rows than replicas is refused. */
export function runSize(config: RunConfig, dataObjective: DataObjective | null, p: number): RunSize {
  if (dataObjective && dataObjective.trainingRows < p) {
    throw new Error(`${p} replicas need at least ${p} training rows; the data has ${dataObjective.trainingRows}.`);
  }
  const training = config.training;
  const ticks = ticksPerEpoch(dataObjective?.trainingRows ?? null, training.batchSize, p);
  return {
    ticksPerEpoch: ticks,
    totalSteps: totalTicks(config, ticks),
    limitMs: (training.timeLimitSeconds ?? Infinity) * 1000,
    limitSeconds: training.timeLimitSeconds ?? Infinity,
  };
}

export abstract class CoordinatedRun {
  protected finished: RunResult | null = null;
  protected cancelRequested = false;
  protected abstract readonly watch: CenterWatch;
  protected abstract readonly size: RunSize;
  /** The step count the worker's slices and checkpoints go by. */
  protected abstract stepCount(): number;
  /** The shared or server parameters, as last seen. */
  protected abstract shared(): Float64Array;

  get totalSteps(): number {
    return this.size.totalSteps;
  }

  get done(): boolean {
    return this.finished !== null;
  }

  get result(): RunResult | null {
    return this.finished;
  }

  get progress(): RunProgress {
    const step = this.stepCount();
    const { totalSteps, ticksPerEpoch } = this.size;
    return { step, totalSteps, epoch: Math.ceil(step / ticksPerEpoch), fraction: totalSteps > 0 ? step / totalSteps : 1 };
  }

  get recordEvery(): number {
    return this.watch.recordEvery;
  }

  get earlyStopping(): EarlyStoppingView {
    return this.watch.tracker.view();
  }

  get currentParams(): number[] {
    return Array.from(this.shared());
  }

  cancel(): void {
    this.cancelRequested = true;
  }
}
