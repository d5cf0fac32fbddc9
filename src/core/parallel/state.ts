/** What a checkpoint of a simulated parallel run keeps besides the center: every replica and the algorithm's server state. */
import { z } from 'zod';
import { dataPositionSchema, localStepStateShape } from '../training/state-schemas.ts';
import { parallelAlgorithmNames } from './settings.ts';

const vector = z.array(z.number());

const replicaStateSchema = z.strictObject({
  steps: z.number().int().min(0),
  exchanges: z.number().int().min(0),
  /** x_i, for algorithms whose replicas keep their own vector. */
  params: vector.nullable(),
  ...localStepStateShape,
  data: dataPositionSchema.nullable(),
});

/** The algorithm's own state; each algorithm uses the fields it needs. */
const protocolStateSchema = z.strictObject({
  /**
   * downpour: pushes applied to the server, each replica's v_i, the version each pulled, its steps since its last push;
   * easgd: exchanges applied to the center, the version at each replica's last exchange.
   */
  version: z.number().int().min(0).optional(),
  displacements: z.array(vector).optional(),
  pulledVersions: z.array(z.number().int().min(0)).optional(),
  pendingSteps: z.array(z.number().int().min(0)).optional(),
  /** adaptive-revision: ḡ, z and z′ per coordinate, and the gradients read but not yet applied. */
  sumGradients: vector.optional(),
  squaredSum: vector.optional(),
  squaredSumMax: vector.optional(),
  queue: z.array(z.strictObject({ tick: z.number().int().min(1), gradient: vector, sumAtRead: vector })).optional(),
});

export type ProtocolState = z.output<typeof protocolStateSchema>;

export const parallelStateSchema = z.strictObject({
  algorithm: z.enum(parallelAlgorithmNames),
  replicas: z.array(replicaStateSchema),
  protocol: protocolStateSchema,
  /** [staleness, updates] pairs of the updates applied so far (result.parallel.staleness). */
  staleness: z.array(z.tuple([z.number().int().min(0), z.number().int().min(1)])).optional(),
});
