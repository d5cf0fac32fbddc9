/** The schedule registry: `schedule.type` → schema and factory. Absent schedule: constant. */
import { z } from 'zod';
import type { Schedule, ScheduleContext } from './schedule.ts';
import { constantScheduleSchema, createConstantSchedule, ConstantSchedule } from './constant.ts';
import { stepScheduleSchema, createStepSchedule } from './step-decay.ts';
import { exponentialScheduleSchema, createExponentialSchedule } from './exponential.ts';
import { inverseTimeScheduleSchema, createInverseTimeSchedule } from './inverse-time.ts';
import { cosineScheduleSchema, createCosineSchedule } from './cosine.ts';
import { cosineRestartsScheduleSchema, createCosineRestartsSchedule } from './cosine-restarts.ts';
import { reduceOnPlateauScheduleSchema, createReduceOnPlateauSchedule } from './reduce-on-plateau.ts';
import { WarmupSchedule } from './warmup.ts';

export type { Schedule, ScheduleContext, ScheduleState } from './schedule.ts';

export const scheduleSpecSchema = z
  .discriminatedUnion('type', [
    constantScheduleSchema,
    stepScheduleSchema,
    exponentialScheduleSchema,
    inverseTimeScheduleSchema,
    cosineScheduleSchema,
    cosineRestartsScheduleSchema,
    reduceOnPlateauScheduleSchema,
  ])
  .describe('Learning-rate schedule around the optimizer (default: constant). Every type accepts warmupSteps.');

export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;
export type ScheduleType = ScheduleSpec['type'];
export const scheduleTypes = scheduleSpecSchema.options.map((option) => option.shape.type.value) as ScheduleType[];

function createBaseSchedule(spec: ScheduleSpec, context: ScheduleContext): Schedule {
  switch (spec.type) {
    case 'constant':
      return createConstantSchedule(spec, context);
    case 'step':
      return createStepSchedule(spec, context);
    case 'exponential':
      return createExponentialSchedule(spec, context);
    case 'inverseTime':
      return createInverseTimeSchedule(spec, context);
    case 'cosine':
      return createCosineSchedule(spec, context);
    case 'cosineRestarts':
      return createCosineRestartsSchedule(spec, context);
    case 'reduceOnPlateau':
      return createReduceOnPlateauSchedule(spec, context);
  }
}

/** Builds the schedule of a parsed spec (undefined: constant η), wrapped in its warm-up. */
export function createSchedule(spec: ScheduleSpec | undefined, context: ScheduleContext): Schedule {
  if (spec === undefined) return new ConstantSchedule(context.baseLearningRate);
  const schedule = createBaseSchedule(spec, context);
  return spec.warmupSteps > 0 ? new WarmupSchedule(schedule, spec.warmupSteps) : schedule;
}

/** Which monitored value a schedule listens to, if any. */
export function scheduleMonitor(spec: ScheduleSpec | undefined): 'loss' | 'valLoss' | null {
  return spec?.type === 'reduceOnPlateau' ? spec.monitor : null;
}
