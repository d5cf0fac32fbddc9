/**
 * A learning-rate schedule: the learning rate η_t of update t (1-based), from the optimizer's
 * base rate η. Every formula is written in s = t − 1, the number of updates completed before
 * this one, so that every schedule starts at η.
 *
 * A schedule type is a schema and a function `create(spec, context) → (step) → η_t`. The one
 * that reacts to the loss (reduce-on-plateau) creates a StatefulSchedule instead, which also
 * observes the monitored value and saves and restores its state with the run's checkpoint.
 */
import type { z } from 'zod';

/** η_t of update `step` (1-based). */
export type LearningRate = (step: number) => number;

/** Plain JSON: `null` stands for "none yet" (JSON has no Infinity). */
export type ScheduleState = Record<string, number | null>;

/** A schedule with state: it observes the monitored value and is checkpointed. */
export interface StatefulSchedule {
  learningRate(step: number): number;
  /** Feeds a monitored value observed at `step`. */
  observe(step: number, value: number): void;
  getState(): ScheduleState;
  setState(state: ScheduleState): void;
}

/** What the training loop holds: a function of the step wrapped as a stateless schedule, or a stateful one. */
export type Schedule = StatefulSchedule;

/** What every schedule factory knows about the run. */
export interface ScheduleContext {
  /** The optimizer's base learning rate η. */
  readonly baseLearningRate: number;
  /** Number of updates the run will make at most (for schedules defined over the whole run). */
  readonly totalSteps: number;
}

/** The spec of a schedule type: an object whose `type` names it. */
type ScheduleSchema = z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>;

/** One schedule type: its spec's schema and its factory. */
export interface ScheduleDefinition<Schema extends ScheduleSchema = ScheduleSchema> {
  readonly schema: Schema;
  readonly create: (spec: z.output<Schema>, context: ScheduleContext) => LearningRate | StatefulSchedule;
}

export function defineSchedule<Schema extends ScheduleSchema>(
  schema: Schema,
  create: (spec: z.output<Schema>, context: ScheduleContext) => LearningRate | StatefulSchedule,
): ScheduleDefinition<Schema> {
  return { schema, create };
}

/** A pure function of the step as a schedule: nothing to observe, no state to save. */
export function statelessSchedule(learningRate: LearningRate): Schedule {
  return { learningRate, observe: () => undefined, getState: () => ({}), setState: () => undefined };
}
