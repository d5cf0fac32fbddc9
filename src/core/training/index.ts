/** The run engine: starting, driving, checkpointing and resuming runs, and the settings around them. */
export { iterateRun,  } from './iterate-run.ts';
export { RunEngine, totalTicks, type RunLoop } from './run-engine.ts';
export { ticksPerEpoch } from './data-batches.ts';
export { runCheckpointSchema, type RunCheckpoint } from './checkpoint.ts';
export { footprintExcess, memoryFootprint, type MemoryFootprint } from './memory-footprint.ts';
export type { RunResult, RunProgress,  } from './run-result.ts';
export { restated } from './run-result.ts';
export { stopReasonRegistry, stopReasons, finalStatusOf, type StopReason } from './stop-reasons.ts';
export type { StepRecord } from './step-record.ts';
export { isObjectiveReference, objectiveReferenceSchema, type ObjectiveReference, type RunConfig } from './run-config.ts';
export { recordParams, recordSettingsSchema, recordsAtMost } from './record-settings.ts';
export { trainingSettingsSchema, defaultMaxSteps, stepBudget } from './training-settings.ts';
export { curriculumIssue, type Curriculum } from './curriculum.ts';
export { gradientNoiseSchema } from './gradient-noise.ts';
export { clippingSchema } from './clipping.ts';
export { earlyStoppingSchema,  } from './early-stopping.ts';
export { stopWhenSchema } from './stop-when.ts';
