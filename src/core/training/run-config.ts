/**
 * The engine's view of a run spec: every setting of PRODUCT's run spec, parsed (defaults
 * applied). The HTTP/CLI contract composes the same pieces in src/contracts/run-spec.ts.
 *
 * `objective` is an inline objective spec, or a reference `{ id }` to a stored one; the engine
 * builds inline ones itself, and a caller that resolves references (the worker) passes the built
 * objective in `IterateRunOptions.objective`.
 */
import { z } from 'zod';
import type { ObjectiveSpec } from '../objectives/index.ts';
import type { OptimizerConfig } from '../optimizers/index.ts';
import type { ScheduleSpec } from '../schedules/index.ts';
import type { TrainingSettings } from './training-settings.ts';
import type { GradientNoise } from './gradient-noise.ts';
import type { Clipping } from './clipping.ts';
import type { EarlyStoppingSettings } from './early-stopping.ts';
import type { StopWhen } from './stop-when.ts';
import type { RecordSettings } from './record-settings.ts';
import type { ParallelSettings } from '../parallel/settings.ts';

export const objectiveReferenceSchema = z
  .strictObject({
    id: z.string().min(1).max(100).describe('Id of a stored objective (POST /v1/objectives).'),
  })
  .describe('A stored objective, by id.');

export type ObjectiveReference = z.output<typeof objectiveReferenceSchema>;

export interface RunConfig {
  readonly objective: ObjectiveSpec | ObjectiveReference;
  readonly optimizer: OptimizerConfig;
  readonly training: TrainingSettings;
  readonly schedule?: ScheduleSpec;
  readonly gradientNoise?: GradientNoise;
  readonly clip?: Clipping;
  readonly earlyStopping?: EarlyStoppingSettings;
  readonly stopWhen?: StopWhen;
  readonly record: RecordSettings;
  /** p replicas of the optimizer (../parallel/); absent: one. */
  readonly parallel?: ParallelSettings;
}

export function isObjectiveReference(objective: RunConfig['objective']): objective is ObjectiveReference {
  return typeof (objective as Partial<ObjectiveReference>).id === 'string';
}
