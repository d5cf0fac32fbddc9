/**
 * The run spec's `parallel` block: which parallel algorithm, how many replicas, how they run
 * (real concurrency or a deterministic simulation), and the algorithm's own parameters. The
 * rules that tie it to the rest of the spec (the optimizer an algorithm needs, fields an
 * algorithm does not use) are in validate.ts.
 */
import { z } from 'zod';

/** Most replicas a run may ask for (threads for hogwild, replica jobs or simulated replicas for the others). */
export const maximumReplicas = 64;
/** Largest simulated delay D of adaptive-revision, in ticks. */
const maximumDelay = 10_000;
/** Most parameter-server shards. */
const maximumShards = 64;

export const parallelAlgorithmNames = ['hogwild', 'downpour', 'adaptive-revision', 'easgd'] as const;
export type ParallelAlgorithmName = (typeof parallelAlgorithmNames)[number];

export const executions = ['concurrent', 'simulated'] as const;
export type Execution = (typeof executions)[number];

export const parallelSettingsSchema = z
  .strictObject({
    algorithm: z.enum(parallelAlgorithmNames).describe('hogwild, downpour, adaptive-revision (delay-tolerant AdaGrad) or easgd.'),
    replicas: z.number().int().min(1).max(maximumReplicas).describe(`p: threads (hogwild) or model replicas (the others), 1 … ${maximumReplicas}. Concurrent downpour, easgd and adaptive-revision share the steps as a simulated run deals them: replica i makes ⌈(maxSteps − i)/p⌉ of them (fewer when the run stops early), whatever the replicas' speeds and τ.`),
    execution: z
      .enum(executions)
      .default('concurrent')
      .describe('concurrent (default): real threads or replica jobs; simulated: replicas interleaved tick by tick in one process, bit-reproducible.'),
    communicationPeriod: z
      .number()
      .int()
      .min(1)
      .max(1e6)
      .optional()
      .describe('τ (downpour, easgd): local steps between two exchanges with the center (default 1).'),
    movingRate: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('α (easgd): the elastic exchange\'s rate, α = ηρ (default 0.9/p, the paper\'s β = pα = 0.9).'),
    delay: z
      .number()
      .int()
      .min(0)
      .max(maximumDelay)
      .optional()
      .describe(`D (adaptive-revision, simulated): a gradient is applied D ticks after it was read (default 0, at most ${maximumDelay}).`),
    shards: z
      .number()
      .int()
      .min(1)
      .max(maximumShards)
      .optional()
      .describe('Parameter-server shards in Redis (concurrent downpour, easgd, adaptive-revision; default 1).'),
  })
  .describe('Parallel and distributed SGD: p replicas of the run\'s optimizer (Hogwild!, Downpour, delay-tolerant AdaGrad, EASGD).');

export type ParallelSettings = z.output<typeof parallelSettingsSchema>;

/** The settings with every default filled in. */
export interface ResolvedParallelSettings {
  readonly algorithm: ParallelAlgorithmName;
  readonly replicas: number;
  readonly execution: Execution;
  readonly communicationPeriod: number;
  readonly movingRate: number;
  readonly delay: number;
  readonly shards: number;
}

export function resolveParallelSettings(settings: ParallelSettings): ResolvedParallelSettings {
  return {
    algorithm: settings.algorithm,
    replicas: settings.replicas,
    execution: settings.execution,
    communicationPeriod: settings.communicationPeriod ?? 1,
    movingRate: settings.movingRate ?? 0.9 / settings.replicas,
    delay: settings.delay ?? 0,
    shards: settings.shards ?? 1,
  };
}
