/**
 * Why a run ends: every stop reason once, with the run status it ends in and what it means.
 * The engine says all but `pruned`, which a sweep's pruner says of a trial, and
 * `metric_rows_quota`, which the service says of a run that reached its tenant's quota; the API, the
 * worker, the OpenAPI document and the dashboard all read this table.
 */
export const stopReasonRegistry = {
  max_steps: { endsIn: 'completed', description: 'Every update of training.maxSteps (or of training.epochs) was made.' },
  early_stopping: { endsIn: 'early_stopped', description: 'The monitored value did not improve by more than earlyStopping.minDelta for earlyStopping.patience updates.' },
  loss_target: { endsIn: 'completed', description: 'The loss fell below stopWhen.lossBelow.' },
  grad_norm_target: { endsIn: 'completed', description: 'The gradient norm fell below stopWhen.gradNormBelow.' },
  time_limit: { endsIn: 'completed', description: 'training.timeLimitSeconds passed.' },
  pruned: { endsIn: 'pruned', description: "A sweep's pruner stopped the trial: result.pruning says why." },
  diverged: { endsIn: 'diverged', description: 'The loss, a gradient or a parameter stopped being finite.' },
  unbounded: { endsIn: 'diverged', description: 'The loss fell below −1e100: the objective has no lower bound where the run went (a saddle, a missing term).' },
  cancelled: { endsIn: 'cancelled', description: 'A client cancelled the run.' },
  metric_rows_quota: {
    endsIn: 'cancelled',
    description: "The tenant's metric rows reached its quota (TENANT_MAX_METRIC_ROWS): the service stopped the run, keeping its rows and result so far.",
  },
  error: { endsIn: 'failed', description: 'The run could not go on (an objective that cannot be built, a worker error, a replica no worker began or resumed in REPLICA_START_TIMEOUT_MS, a replica job that failed for good, a begun replica whose worker showed no progress in REPLICA_STALL_TIMEOUT_MS).' },
} as const satisfies Record<string, { endsIn: string; description: string }>;

export type StopReason = keyof typeof stopReasonRegistry;
export const stopReasons = Object.keys(stopReasonRegistry) as [StopReason, ...StopReason[]];

/** The run status a stop reason ends in. */
export type FinalStatusOf<R extends StopReason> = (typeof stopReasonRegistry)[R]['endsIn'];
export const finalStatusOf = <R extends StopReason>(reason: R): FinalStatusOf<R> => stopReasonRegistry[reason].endsIn;
