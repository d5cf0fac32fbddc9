/**
 * A trial as the samplers see it: its number, its state, its parameters, and its value (the
 * sweep's metric when it finished; when it was pruned, the step its pruner stopped it at and the
 * value the pruner compared there: Optuna's TPE sees a pruned trial by its last intermediate value, which is that for ASHA and the best so far for the median rule).
 */
import type { ParameterValues } from './search-space.ts';

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface ObservedTrial {
  readonly number: number;
  readonly state: TrialState;
  readonly parameters: Readonly<ParameterValues>;
  /** The metric of a complete trial (±Infinity for a diverged one, the worst possible). */
  readonly value: number | null;
  /** A pruned trial's last recorded step and the metric there. */
  readonly lastStep: number | null;
  readonly lastValue: number | null;
}

export type Goal = 'minimize' | 'maximize';

/** +1 to minimise, −1 to maximise: `sign·value` is always "lower is better". */
export function goalSign(goal: Goal): 1 | -1 {
  return goal === 'minimize' ? 1 : -1;
}
