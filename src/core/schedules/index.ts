/** The schedule registry: `schedule.type` → its definition (schema and factory). Absent schedule: constant. */
import { z } from 'zod';
import { statelessSchedule, type Schedule, type ScheduleContext, type ScheduleDefinition } from './schedule.ts';
import { constantSchedule } from './constant.ts';
import { stepSchedule } from './step-decay.ts';
import { exponentialSchedule } from './exponential.ts';
import { inverseTimeSchedule } from './inverse-time.ts';
import { cosineSchedule } from './cosine.ts';
import { cosineRestartsSchedule } from './cosine-restarts.ts';
import { reduceOnPlateauSchedule } from './reduce-on-plateau.ts';
import { withWarmup } from './warmup.ts';

export type { Schedule, ScheduleContext, ScheduleState } from './schedule.ts';

const definitions = [
  constantSchedule,
  stepSchedule,
  exponentialSchedule,
  inverseTimeSchedule,
  cosineSchedule,
  cosineRestartsSchedule,
  reduceOnPlateauSchedule,
] as const;

export const scheduleSpecSchema = z
  .discriminatedUnion('type', [
    constantSchedule.schema,
    stepSchedule.schema,
    exponentialSchedule.schema,
    inverseTimeSchedule.schema,
    cosineSchedule.schema,
    cosineRestartsSchedule.schema,
    reduceOnPlateauSchedule.schema,
  ])
  .describe('Learning-rate schedule around the optimizer (default: constant). Every type accepts warmupSteps.');

export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;
export type ScheduleType = ScheduleSpec['type'];
export const scheduleTypes = scheduleSpecSchema.options.map((option) => option.shape.type.value) as ScheduleType[];

const definitionOf = new Map<string, ScheduleDefinition>(definitions.map((definition) => [definition.schema.shape.type.value, definition as ScheduleDefinition]));

/** Builds the schedule of a parsed spec (undefined: constant η), wrapped in its warm-up. */
export function createSchedule(spec: ScheduleSpec | undefined, context: ScheduleContext): Schedule {
  if (spec === undefined) return statelessSchedule(() => context.baseLearningRate);
  const created = definitionOf.get(spec.type)!.create(spec, context);
  const schedule = typeof created === 'function' ? statelessSchedule(created) : created;
  return spec.warmupSteps > 0 ? withWarmup(schedule, spec.warmupSteps) : schedule;
}

/** Which monitored value a schedule listens to, if any. */
export function scheduleMonitor(spec: ScheduleSpec | undefined): 'loss' | 'valLoss' | null {
  return spec?.type === 'reduceOnPlateau' ? spec.monitor : null;
}
