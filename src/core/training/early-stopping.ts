/**
 * Early stopping: watch the training loss (every update) or the validation loss (whenever it is
 * evaluated); when it has not fallen below best − minDelta for `patience` updates, stop. A value
 * that is not finite is never an improvement: a validation loss that is never finite stops the run
 * `patience` updates after its start. With `restoreBest`, the run's result carries the parameters
 * at which the best value was seen, when they measure lower than the last ones as the run ends
 * (run-result.ts).
 */
import { z } from 'zod';

export const earlyStoppingSchema = z
  .strictObject({
    monitor: z.enum(['loss', 'valLoss']).default('valLoss').describe('Value watched: training loss (every update) or validation loss (default valLoss; falls back to loss when there is no validation set).'),
    patience: z.number().int().min(1).max(1e9).default(100).describe('Updates without improvement before stopping (default 100).'),
    minDelta: z.number().min(0).finite().default(0).describe('Decrease needed to count as an improvement (absolute, default 0).'),
    restoreBest: z.boolean().default(false).describe("End with the parameters of the best monitored value instead of the last ones when they measure lower as the run ends (default false; see the result's restoredBest)."),
  })
  .describe('Stop when the monitored loss stops improving.');

export type EarlyStoppingSettings = z.output<typeof earlyStoppingSchema>;
export type Monitor = EarlyStoppingSettings['monitor'];

/** What `GET /v1/runs/{id}` shows as `earlyStopping`. */
export type EarlyStoppingView = {
  readonly enabled: boolean;
  readonly monitor: Monitor;
  readonly best: number | null;
  readonly bestStep: number | null;
  readonly patience: number | null;
  readonly stepsSinceBest: number | null;
  readonly stopped: boolean;
};

/** Serialisable state (JSON has no Infinity: null stands for "nothing seen yet"). */
export interface EarlyStoppingState {
  readonly best: number | null;
  readonly bestStep: number | null;
  readonly lastStep: number;
  readonly stopped: boolean;
}

/**
 * Tracks the best monitored value. Used for early stopping when enabled, and always for the
 * result's `best`.
 */
export class BestTracker {
  best = Infinity;
  bestStep = 0;
  lastStep = 0;
  stopped = false;

  constructor(
    readonly enabled: boolean,
    readonly monitor: Monitor,
    readonly patience: number,
    readonly minDelta: number,
  ) {}

  /** Feeds the value observed at `step`; true when it is a new best. */
  observe(step: number, value: number): boolean {
    this.lastStep = step;
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bestStep = step;
      return true;
    }
    return false;
  }

  /** True once patience has run out (only when early stopping is enabled), counted from the start while no best was seen. */
  exhausted(): boolean {
    return this.enabled && this.lastStep - this.bestStep >= this.patience;
  }

  view(): EarlyStoppingView {
    const seen = this.bestStep > 0;
    return {
      enabled: this.enabled,
      monitor: this.monitor,
      best: seen ? this.best : null,
      bestStep: seen ? this.bestStep : null,
      patience: this.enabled ? this.patience : null,
      stepsSinceBest: seen ? this.lastStep - this.bestStep : null,
      stopped: this.stopped,
    };
  }

  getState(): EarlyStoppingState {
    const seen = this.bestStep > 0;
    return { best: seen ? this.best : null, bestStep: seen ? this.bestStep : null, lastStep: this.lastStep, stopped: this.stopped };
  }

  setState(state: EarlyStoppingState): void {
    this.best = state.best ?? Infinity;
    this.bestStep = state.bestStep ?? 0;
    this.lastStep = state.lastStep;
    this.stopped = state.stopped;
  }
}
