/** The run status a stop reason ends in. */
import type { StopReason } from '../core/training/index.ts';
import type { RunStatus } from '../db/runs.ts';

const statusByStopReason: Record<StopReason, RunStatus> = {
  max_steps: 'completed',
  loss_target: 'completed',
  grad_norm_target: 'completed',
  time_limit: 'completed',
  early_stopping: 'early_stopped',
  diverged: 'diverged',
  cancelled: 'cancelled',
  error: 'failed',
};

export function finalStatus(stopReason: StopReason): RunStatus {
  return statusByStopReason[stopReason];
}
