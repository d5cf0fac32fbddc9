/**
 * A replica's shard of the training rows: replica i of p gets the rows r with r mod p = i, in
 * order, and sees them as a dataset of its own (row j of the shard is training row i + j·p), so
 * that it draws its mini-batches exactly as a single run would from a dataset equal to the shard.
 *
 * Every shard evaluates through the one shared objective: selecting a shard's batch selects
 * those training rows on it, so a replica selects its batch again before each evaluation.
 */
import type { DataObjective, SparseGradient, SparseStepOutcome } from '../objectives/objective.ts';

export class DataShard implements DataObjective {
  readonly variables: readonly string[];
  readonly dimension: number;
  readonly initial: Float64Array;
  readonly trainingRows: number;
  readonly validationRows: number;
  readonly trainingDifficulty?: Float64Array;
  readonly valueAndSparseGradient?: (params: Float64Array, gradient: SparseGradient) => number;
  readonly sparseRowStep?: (params: Float64Array, learningRate: number, outcome: SparseStepOutcome) => void;
  /** The training rows of the shard, in order. */
  private readonly rows: Int32Array;
  /** The rows of the batch selected last (training-row indices). */
  private readonly batch: Int32Array;
  private batchCount = -1;
  private allLosses: Float64Array | null = null;
  /** One replica: the shard is the whole training set, selected as such. */
  private readonly whole: boolean;

  constructor(
    private readonly objective: DataObjective,
    replica: number,
    replicas: number,
  ) {
    this.variables = objective.variables;
    this.dimension = objective.dimension;
    this.initial = objective.initial;
    this.validationRows = objective.validationRows;
    this.trainingRows = Math.max(0, Math.ceil((objective.trainingRows - replica) / replicas));
    this.whole = replicas === 1;
    this.rows = new Int32Array(this.trainingRows);
    for (let j = 0; j < this.trainingRows; j++) this.rows[j] = replica + j * replicas;
    this.batch = new Int32Array(this.trainingRows);
    if (objective.trainingDifficulty) {
      const difficulty = objective.trainingDifficulty;
      this.trainingDifficulty = Float64Array.from(this.rows, (row) => difficulty[row]);
    }
    if (objective.valueAndSparseGradient) this.valueAndSparseGradient = (params, gradient) => objective.valueAndSparseGradient!(params, gradient);
    if (objective.sparseRowStep) this.sparseRowStep = (params, learningRate, outcome) => objective.sparseRowStep!(params, learningRate, outcome);
  }

  /** `rows` index the shard; null selects the whole shard. */
  selectBatch(rows: Int32Array | null, count: number): void {
    const batch = this.batch;
    if (this.whole) {
      this.objective.selectBatch(rows, count);
      if (rows !== null) batch.set(rows.subarray(0, count));
      this.batchCount = rows === null ? -1 : count;
      return;
    }
    if (rows === null) {
      batch.set(this.rows);
      this.batchCount = this.trainingRows;
    } else {
      for (let j = 0; j < count; j++) batch[j] = this.rows[rows[j]];
      this.batchCount = count;
    }
    this.objective.selectBatch(batch, this.batchCount);
  }

  /** Selects this shard's last batch again on the shared objective (another replica may have selected its own since). */
  reselect(): void {
    if (this.batchCount < 0) this.selectBatch(null, this.trainingRows);
    else this.objective.selectBatch(this.batch, this.batchCount);
  }

  value(params: Float64Array): number {
    return this.objective.value(params);
  }

  valueAndGradient(params: Float64Array, gradient: Float64Array): number {
    return this.objective.valueAndGradient(params, gradient);
  }

  /** The whole training set's, not the shard's: a run's final loss is over all of it. */
  trainingLoss(params: Float64Array): number {
    return this.objective.trainingLoss(params);
  }

  validationLoss(params: Float64Array): number {
    return this.objective.validationLoss(params);
  }

  exampleLosses(params: Float64Array, out: Float64Array): void {
    if (!this.objective.exampleLosses) throw new Error('curriculum by loss needs an objective with per-example losses');
    this.allLosses ??= new Float64Array(this.objective.trainingRows);
    this.objective.exampleLosses(params, this.allLosses);
    for (let j = 0; j < this.trainingRows; j++) out[j] = this.allLosses[this.rows[j]];
  }
}
