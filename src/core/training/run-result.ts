/** How a run ended: a machine-readable reason (stop-reasons.ts) plus a sentence for humans. */
import type { StopReason } from './stop-reasons.ts';
import type { ParallelReport } from '../parallel/report.ts';

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
