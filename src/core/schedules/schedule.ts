/**
 * A learning-rate schedule: the learning rate η_t of update t (1-based), from the optimizer's
 * base rate η. Every formula is written in s = t − 1, the number of updates completed before
 * this one, so that every schedule starts at η.
 */
export interface Schedule {
  /** η_t for update `step` (1-based). */
  learningRate(step: number): number;
  /**
   * Feeds a monitored value observed at `step` (only schedules that react to the loss, such as
   * reduce-on-plateau, do anything with it).
   */
  observe?(step: number, value: number): void;
  /** Serialisable state (empty for pure functions of the step). */
  getState(): ScheduleState;
  setState(state: ScheduleState): void;
}

/** Plain JSON: `null` stands for "none yet" (JSON has no Infinity). */
export type ScheduleState = Record<string, number | null>;

/** What every schedule factory knows about the run. */
export interface ScheduleContext {
  /** The optimizer's base learning rate η. */
  readonly baseLearningRate: number;
  /** Number of updates the run will make at most (for schedules defined over the whole run). */
  readonly totalSteps: number;
}

/** A schedule that is a pure function of the step: no state to save. */
export abstract class StatelessSchedule implements Schedule {
  abstract learningRate(step: number): number;
  getState(): ScheduleState {
    return {};
  }
  setState(): void {}
}
