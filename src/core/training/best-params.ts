/**
 * `earlyStopping.restoreBest`: the parameters at the best monitored value, and the objective's
 * own state that goes with them (batch-normalization statistics), put back when the run ends.
 */
import type { DataObjective, ObjectiveState } from '../objectives/objective.ts';

export class BestParams {
  readonly params: Float64Array;
  objectiveState: ObjectiveState | null = null;

  constructor(
    dimension: number,
    private readonly objective: DataObjective | null,
  ) {
    this.params = new Float64Array(dimension);
  }

  remember(params: Float64Array): void {
    this.params.set(params);
    if (this.objective?.getState) this.objectiveState = this.objective.getState();
  }

  /** Writes the best parameters into `params` and restores the objective's state with them. */
  restoreInto(params: Float64Array): void {
    params.set(this.params);
    if (this.objectiveState && this.objective?.setState) this.objective.setState(this.objectiveState);
  }
}
