/**
 * What one tick of a run does to its parameters. The run engine (run-engine.ts) owns everything
 * around ticks (time, cancellation, validation, early stopping, stop rules, records, result,
 * checkpoints); a trainer owns the vectors and how a tick changes them: one optimizer on one
 * vector (single-trainer.ts), or p replicas and a center or server (../parallel/).
 *
 * Tick t is made in two halves so that the engine can watch the loss in between, as every stop
 * rule and plateau schedule expects: `evaluate(t)` (the loss and gradient before the update),
 * then `apply(t)` (the update).
 */
import type { Monitor } from './early-stopping.ts';
import type { TrainerState } from './checkpoint.ts';
import type { ParallelReport } from '../parallel/report.ts';

export interface Trainer {
  /** The vector the run validates, records and returns: θ, or the center/server parameters. */
  readonly params: Float64Array;
  /** Ticks that make one epoch (a run limited by `training.epochs` makes epochs × this). */
  readonly ticksPerEpoch: number;
  /** Of the tick evaluated last: its loss before the update, raw gradient norm, η and 1-based epoch. */
  readonly loss: number;
  readonly gradNorm: number;
  readonly learningRate: number;
  readonly epoch: number;
  /** Selects tick t's batch and evaluates the loss and gradient; returns why it cannot go on (divergence), or null. */
  evaluate(t: number): string | null;
  /** A monitored value seen at the current tick (the loss after `evaluate`, valLoss after `apply`). */
  observe(monitor: Monitor, value: number): void;
  /** Makes the update of tick t. */
  apply(t: number): void;
  /** The run ends after the last completed tick: pending exchanges are made. True when `params` changed. */
  finish(): boolean;
  /** A parallel run's `result.parallel`, given the run's time so far (null without a clock). */
  report?(elapsedMilliseconds: number | null): ParallelReport;
  getState(): TrainerState;
  /** Restores a state saved after tick `step`. */
  setState(state: TrainerState, step: number): void;
}
