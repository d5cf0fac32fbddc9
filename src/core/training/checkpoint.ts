/**
 * A run checkpoint: everything a run needs to continue bit for bit (parameters, optimizer,
 * schedule and random-generator states, data order and position, early-stopping state, best
 * parameters). Plain JSON; float64 values survive JSON text exactly.
 *
 * The engine's part (step, time, early stopping, best parameters, the objective's own state)
 * is written here once; the trainer's part is the trainer's `getState()`.
 */
import { z } from 'zod';
import type { DataObjective } from '../objectives/objective.ts';
import type { BestParams } from './best-params.ts';
import type { BestTracker } from './early-stopping.ts';
import { stopReasons } from './stop-reasons.ts';
import type { Trainer } from './trainer.ts';
import { dataPositionSchema, localStepStateShape, trackerStateSchema } from './state-schemas.ts';
import { nonFiniteEntriesSchema } from './non-finite-entries.ts';
import { runStoppingSchema } from './run-stopping.ts';
import { parallelStateSchema } from '../parallel/state.ts';

/** A data objective's own state (e.g. batch-normalization running statistics). */
const objectiveState = z.record(z.string(), z.union([z.number(), z.array(z.number())]));

const engineStateShape = {
  version: z.literal(1),
  step: z.number().int().min(0),
  elapsedMilliseconds: z.number().min(0),
  objective: objectiveState.nullable(),
  tracker: trackerStateSchema,
  bestParams: z.array(z.number()).nullable(),
  /** The objective's state at the best parameters (restoreBest with batch normalization). */
  bestObjective: objectiveState.nullable().optional(),
  lastLoss: z.number().nullable(),
  lastValidationStep: z.number().int().min(0),
};

/** A single run's trainer: θ, its local step and its data position. */
const singleStateShape = {
  params: z.array(z.number()),
  ...localStepStateShape,
  data: dataPositionSchema.nullable(),
};

/** A simulated parallel run's trainer: the center (or shared/server) vector, the replicas and the algorithm's state. */
const parallelStateShape = {
  params: z.array(z.number()),
  parallel: parallelStateSchema,
};

/** A concurrent hogwild run's coordinator: the shared θ as the threads left it, and the ticks they had made. */
const hogwildStateSchema = z.strictObject({
  algorithm: z.literal('hogwild'),
  ticks: z.number().int().min(0),
  /** Each thread's updates, and [staleness, updates] pairs of the sampled ones (result.parallel). */
  replicaSteps: z.array(z.number().int().min(0)).optional(),
  staleness: z.array(z.tuple([z.number().int().min(0), z.number().int().min(1)])).optional(),
  /**
   * The records the threads had published up to `ticks` that were not taken yet, in step order:
   * each its ring slot's `fields` numbers, one after the other in `values` (one array, stored as
   * bytes when long), those not finite aside (a diverging run's measures: non-finite-entries.ts);
   * checkpoints once kept one array per record.
   */
  pending: z.union([
    z.strictObject({ fields: z.number().int().min(1), values: z.array(z.number()), nonFinite: nonFiniteEntriesSchema.optional() }),
    z.array(z.array(z.number())),
  ]).optional(),
  /** Why the run is stopping, when its threads were told to and its coordinator still takes their rows (run-stopping.ts). */
  stopping: runStoppingSchema.optional(),
  /** The entries of `params` that are not finite (a diverged run's θ), 0 there (non-finite-entries.ts). */
  nonFinite: nonFiniteEntriesSchema.optional(),
});

/**
 * A concurrent run on a parameter server: the server as Redis held it (every vector, each shard's
 * accounting; each vector's entries that are not finite aside, a diverged run's), and the
 * coordinator's own: why it is stopping, once it sent the stop (run-stopping.ts), the entries of
 * `params` that are not finite, and how long it had waited for replicas no worker began.
 * Checkpoints of earlier releases had none of these, or the stop's reason and message alone (`stop`).
 */
const serverStateSchema = z.strictObject({
  algorithm: z.enum(['downpour', 'easgd', 'adaptive-revision']),
  server: z.strictObject({
    vectors: z.array(z.array(z.number())),
    meta: z.array(z.record(z.string(), z.string())),
    /** One for each vector, when some entry of one is not finite. */
    nonFinite: z.array(nonFiniteEntriesSchema).optional(),
  }),
  stop: z.strictObject({ reason: z.enum(stopReasons), message: z.string().nullable() }).optional(),
  stopping: runStoppingSchema.optional(),
  nonFinite: nonFiniteEntriesSchema.optional(),
  replicasWaitedMs: z.number().min(0).optional(),
});

/** A concurrent run's coordinator: the shared or server parameters, and what the replicas had done. */
const concurrentStateShape = {
  params: z.array(z.number()),
  concurrent: z.union([hogwildStateSchema, serverStateSchema]),
};

export const runCheckpointSchema = z.union([
  z.strictObject({ ...engineStateShape, ...singleStateShape }),
  z.strictObject({ ...engineStateShape, ...parallelStateShape }),
  z.strictObject({ ...engineStateShape, ...concurrentStateShape }),
]);

export type RunCheckpoint = z.output<typeof runCheckpointSchema>;
export type SingleTrainerState = z.output<z.ZodObject<typeof singleStateShape>>;
export type ParallelTrainerState = z.output<z.ZodObject<typeof parallelStateShape>>;
export type TrainerState = SingleTrainerState | ParallelTrainerState;

/** The engine's state a checkpoint holds, besides the trainer's. */
export interface EngineState {
  readonly step: number;
  readonly elapsedMilliseconds: number;
  readonly lastLoss: number | null;
  readonly lastValidationStep: number;
}

export interface CheckpointParts {
  readonly trainer: Trainer;
  readonly tracker: BestTracker;
  readonly best: BestParams | null;
  readonly dataObjective: DataObjective | null;
}

export function encodeCheckpoint(engine: EngineState, parts: CheckpointParts): RunCheckpoint {
  const { trainer, tracker, best, dataObjective } = parts;
  return {
    version: 1,
    step: engine.step,
    elapsedMilliseconds: engine.elapsedMilliseconds,
    ...trainer.getState(),
    objective: dataObjective?.getState ? dataObjective.getState() : null,
    tracker: tracker.getState(),
    bestParams: best ? Array.from(best.params) : null,
    bestObjective: best?.objectiveState ?? null,
    lastLoss: engine.lastLoss,
    lastValidationStep: engine.lastValidationStep,
  };
}

/** Validates a checkpoint, restores the parts from it and returns the engine's own state. */
export function restoreCheckpoint(input: RunCheckpoint, parts: CheckpointParts): EngineState {
  const checkpoint = runCheckpointSchema.parse(input);
  if ('concurrent' in checkpoint) throw new Error('The checkpoint is of a concurrent run; this run is not concurrent.');
  const { trainer, tracker, best, dataObjective } = parts;
  trainer.setState(checkpoint, checkpoint.step);
  if (checkpoint.objective && dataObjective?.setState) dataObjective.setState(checkpoint.objective);
  tracker.setState(checkpoint.tracker);
  if (best) {
    if (checkpoint.bestParams) best.params.set(checkpoint.bestParams);
    best.objectiveState = checkpoint.bestObjective ?? null;
  }
  return checkpoint;
}
