import type { ParallelReport } from '../parallel/report.ts';

/** How a run ended: a machine-readable reason plus a sentence for humans. */
export const stopReasons = [
  'max_steps',
  'early_stopping',
  'loss_target',
  'grad_norm_target',
  'time_limit',
  'diverged',
  'cancelled',
  'error',
] as const;

export type StopReason = (typeof stopReasons)[number];

export interface RunResult {
  readonly stopReason: StopReason;
  readonly message: string;
  /** Loss of the last completed update (at the parameters before it); null when none completed. */
  readonly finalLoss: number | null;
  /** Best monitored value (earlyStopping.monitor, else the training loss) and its step. */
  readonly bestLoss: number | null;
  readonly bestStep: number | null;
  /** Updates completed. */
  readonly steps: number;
  /** Final parameters (the best ones with earlyStopping.restoreBest). */
  readonly params: number[];
  /** A parallel run's replicas, exchanges, staleness and throughput. */
  readonly parallel?: ParallelReport;
}

export interface RunProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  readonly fraction: number;
}
