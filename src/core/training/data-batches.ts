/**
 * Batching over a data objective: full batch (batchSize omitted or ≥ rows), stochastic (1) or
 * mini-batch (k). Walks the epoch order k rows at a time (the last batch of an epoch may be
 * smaller) and starts a new epoch order when one is used up.
 */
import { Random, type RandomState } from '../random.ts';
import type { DataObjective } from '../objectives/objective.ts';
import { buildEpochOrder } from './epoch-order.ts';
import type { Curriculum } from './curriculum.ts';

export interface DataPosition {
  readonly epoch: number;
  readonly position: number;
  readonly order: number[];
  readonly random: RandomState;
}

/** Batches in one pass over `rows` training rows, `batchSize` at a time (all of them when omitted or larger). */
function batchesPerEpoch(rows: number, batchSize: number | undefined): number {
  return Math.max(1, Math.ceil(rows / Math.max(1, Math.min(batchSize ?? rows, rows))));
}

/**
 * Ticks in one epoch of a run over `rows` training rows (null: a function, one full-batch step
 * an epoch) with `replicas` replicas: the batches of an epoch; with p replicas, which tick in
 * turn, p times the batches of replica 0's shard (⌈rows / p⌉ rows, the largest), so an epoch
 * ends once every replica has passed over its shard (PRODUCT: p·E·⌈n_0/B⌉ ticks for E epochs).
 */
export function ticksPerEpoch(rows: number | null, batchSize: number | undefined, replicas = 1): number {
  return replicas * (rows === null ? 1 : batchesPerEpoch(Math.ceil(rows / replicas), batchSize));
}

export class DataBatches {
  readonly rows: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly fullBatch: boolean;
  /** 1-based epoch of the last batch handed out (0 before the first). */
  epoch = 0;
  private position: number;
  private readonly order: Int32Array;
  private readonly batch: Int32Array;
  private readonly random: Random;

  constructor(
    private readonly objective: DataObjective,
    batchSize: number | undefined,
    private readonly shuffle: boolean,
    seed: number,
    private readonly curriculum?: Curriculum,
  ) {
    this.rows = objective.trainingRows;
    this.batchSize = Math.min(batchSize ?? this.rows, this.rows);
    this.fullBatch = this.batchSize >= this.rows;
    this.batchesPerEpoch = batchesPerEpoch(this.rows, batchSize);
    this.order = new Int32Array(this.rows);
    this.batch = new Int32Array(this.fullBatch ? 0 : this.batchSize);
    this.random = new Random(seed);
    this.position = this.rows;
    if (this.fullBatch) objective.selectBatch(null, this.rows);
  }

  /** Selects the next batch on the objective; returns its 1-based epoch. */
  next(params: Float64Array): number {
    if (this.fullBatch) return ++this.epoch;
    if (this.position >= this.rows) {
      this.epoch++;
      this.position = 0;
      buildEpochOrder(this.order, {
        epoch: this.epoch,
        shuffle: this.shuffle,
        random: this.random,
        objective: this.objective,
        params,
        curriculum: this.curriculum,
      });
    }
    const count = Math.min(this.batchSize, this.rows - this.position);
    const order = this.order;
    const batch = this.batch;
    const start = this.position;
    for (let i = 0; i < count; i++) batch[i] = order[start + i];
    this.position = start + count;
    this.objective.selectBatch(batch, count);
    return this.epoch;
  }

  getState(): DataPosition {
    return { epoch: this.epoch, position: this.position, order: Array.from(this.order), random: this.random.getState() };
  }

  setState(state: DataPosition): void {
    if (state.order.length !== this.rows) throw new Error(`Checkpoint data order has ${state.order.length} rows; the objective has ${this.rows}.`);
    this.epoch = state.epoch;
    this.position = state.position;
    this.order.set(state.order);
    this.random.setState(state.random);
  }
}
