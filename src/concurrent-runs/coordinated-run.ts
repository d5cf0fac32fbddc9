/**
 * What the coordinators of concurrent runs (hogwild's threads, the replicas of a parameter
 * server) share as run loops: their size (ticks per epoch over the replicas' shards, total
 * steps, time limit), the views the worker and the CLI read between slices, and why the run is
 * stopping, which their checkpoints keep until it ends (run-stopping.ts): a run resumed in the
 * middle of its stop makes no more updates and ends as it would have without the restart.
 */
import type { DataObjective } from '../core/objectives/index.ts';
import type { EarlyStoppingView } from '../core/training/early-stopping.ts';
import type { RunConfig } from '../core/training/run-config.ts';
import { totalTicks } from '../core/training/run-engine.ts';
import { ticksPerEpoch } from '../core/training/data-batches.ts';
import type { RunProgress, RunResult } from '../core/training/run-result.ts';
import type { RunStopping } from '../core/training/run-stopping.ts';
import type { StopReason } from '../core/training/stop-reasons.ts';
import type { PruningDecision } from '../core/sweep/index.ts';
import { restoredDecision, storedDecision } from '../core/sweep/pruners/pruning-decision.ts';
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
  /** Why the run is ending, once its replicas have been told to stop. */
  protected stopping: { reason: StopReason; message: string | null } | null = null;
  /** The decision of a sweep's pruner that stopped the trial (`cancel`), kept by the checkpoints until the run ends. */
  private pruningDecision: PruningDecision | null = null;
  /** Whether the tenant's metric-rows quota stopped the run (`cancel`), kept by the checkpoints until the run ends. */
  private quotaStop = false;
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

  /** The pruner's decision the run is stopping by: given to `cancel`, or kept by the checkpoint it resumed from. */
  get pruning(): PruningDecision | null {
    return this.pruningDecision;
  }

  /** Whether the tenant's metric-rows quota stopped the run: given to `cancel`, or kept by the checkpoint it resumed from. */
  get atQuota(): boolean {
    return this.quotaStop;
  }

  /**
   * Asks the run to stop; `pruning` when a sweep's pruner stops the trial (the worker ends it
   * pruned), `atQuota` when the tenant's metric-rows quota does (the worker ends it so).
   */
  cancel(pruning?: PruningDecision, atQuota = false): void {
    this.pruningDecision ??= pruning ?? null;
    this.quotaStop ||= atQuota;
    this.cancelRequested = true;
  }

  /**
   * Why the run is stopping, as its checkpoint keeps it (run-stopping.ts), with the updates
   * `completed` and the replicas' report of a value not finite (`diverged`): none while it is not.
   */
  protected stoppingState(completed: number, diverged: number): { stopping?: RunStopping } {
    if (this.stopping === null) return {};
    return {
      stopping: {
        ...this.stopping,
        completed,
        rule: this.watch.stopRuleState(),
        diverged,
        pruning: this.pruningDecision && storedDecision(this.pruningDecision),
        atQuota: this.quotaStop,
        lastRow: this.watch.lastRowState(),
      },
    };
  }

  /** Resumes the stop a checkpoint kept (after the watch's own state is restored). */
  protected resumeStopping(stopping: RunStopping): void {
    this.stopping = { reason: stopping.reason, message: stopping.message };
    this.watch.setStopRuleState(stopping.rule);
    this.watch.setLastRowState(stopping.lastRow);
    this.pruningDecision = stopping.pruning && restoredDecision(stopping.pruning);
    this.quotaStop = stopping.atQuota;
  }
}
