/**
 * One replica of a parallel run: its shard of the data, its own local step (optimizer state,
 * schedule, gradient-noise stream, counted in its own steps c_i) and, for the algorithms that
 * keep one, its own parameter vector x_i.
 */
import { copyToVector } from '../kernels/index.ts';
import type { Objective } from '../objectives/objective.ts';
import { DataBatches } from '../training/data-batches.ts';
import { LocalStep, noiseStream } from '../training/local-step.ts';
import type { RunConfig } from '../training/run-config.ts';
import { DataShard } from './data-shard.ts';

export class Replica {
  /** x_i (null for algorithms whose replicas work on the shared or server vector). */
  readonly params: Float64Array | null;
  readonly local: LocalStep;
  /** What the replica evaluates: its shard of a data objective, or the whole objective. */
  readonly objective: Objective;
  readonly shard: DataShard | null;
  readonly data: DataBatches | null;
  /** c_i: local steps made. */
  steps = 0;
  /** Exchanges with the center or server (pushes, pulls, elastic exchanges). */
  exchanges = 0;

  constructor(
    readonly index: number,
    objective: Objective,
    shard: DataShard | null,
    config: RunConfig,
    options: { readonly ownParams: boolean; readonly totalSteps: number; readonly validating: boolean },
  ) {
    const training = config.training;
    const seed = training.seed + index;
    this.shard = shard;
    this.objective = shard ?? objective;
    this.params = options.ownParams ? copyToVector(objective.initial) : null;
    this.data = shard ? new DataBatches(shard, training.batchSize, training.shuffle, seed, training.curriculum) : null;
    this.local = new LocalStep(objective.dimension, config, { totalSteps: options.totalSteps, noiseSeed: seed + noiseStream, validating: options.validating });
  }

  /** Selects the replica's next batch on the shared objective; returns its 1-based epoch. */
  nextBatch(params: Float64Array): number {
    if (!this.data) return this.steps + 1;
    const epoch = this.data.next(params);
    if (this.data.fullBatch) this.shard!.reselect();
    return epoch;
  }
}
