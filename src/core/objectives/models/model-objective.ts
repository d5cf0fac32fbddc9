/**
 * What every model on data shares: the training and validation sets, the current batch, the L2
 * penalty and the DataObjective plumbing. A model supplies `evaluate`, the mean loss over some
 * rows (and its gradient), in one pass over preallocated scratch.
 *
 *   value(θ) = (1/|B|)·Σ_{r∈B} loss_r(θ) + (λ/2)·Σ_{w∈weights} w²
 *
 * where B is the selected batch (all training rows unless `selectBatch` says otherwise) and the
 * L2 term covers weights only (not biases, nor batch normalization's γ, β). `trainingLoss` is
 * value(θ) over every training row in evaluation mode; `validationLoss` and `exampleLosses` are
 * the data loss alone, without the penalty.
 */
import type { Dataset } from '../../datasets/dataset.ts';
import type { DataObjective } from '../objective.ts';

/** `training`: batch normalization uses batch statistics; `evaluation`: its running statistics. */
export type EvaluationMode = 'training' | 'evaluation';

export interface ModelParts {
  readonly variables: readonly string[];
  readonly initial: Float64Array;
  readonly training: Dataset;
  readonly validation: Dataset | null;
  /** λ of the L2 penalty (λ/2)·‖w‖². */
  readonly l2: number;
  /** [start, end) ranges of the parameter vector that hold weights (penalised by L2). */
  readonly weightRanges: readonly (readonly [number, number])[];
  readonly classifier: boolean;
}

export abstract class ModelObjective implements DataObjective {
  readonly variables: readonly string[];
  readonly dimension: number;
  readonly initial: Float64Array;
  readonly trainingRows: number;
  readonly validationRows: number;
  readonly trainingDifficulty?: Float64Array;
  readonly validationAccuracy?: (params: Float64Array) => number;
  protected readonly training: Dataset;
  protected readonly validation: Dataset | null;
  /** Correct predictions counted by the last `evaluate` in evaluation mode (classifiers). */
  protected correct = 0;
  private batchRows: Int32Array | null = null;
  private batchCount: number;
  private readonly l2: number;
  private readonly weightRanges: readonly (readonly [number, number])[];

  constructor(parts: ModelParts) {
    this.variables = parts.variables;
    this.dimension = parts.variables.length;
    this.initial = parts.initial;
    if (this.initial.length !== this.dimension) {
      throw new Error(`initial has ${this.initial.length} values; this model has ${this.dimension} parameters`);
    }
    this.training = parts.training;
    this.validation = parts.validation;
    this.trainingRows = parts.training.rows;
    this.validationRows = parts.validation?.rows ?? 0;
    this.batchCount = this.trainingRows;
    this.l2 = parts.l2;
    this.weightRanges = parts.weightRanges;
    if (parts.training.difficulty) this.trainingDifficulty = parts.training.difficulty;
    if (parts.classifier) {
      this.validationAccuracy = (params) => {
        if (this.validation === null) return NaN;
        this.evaluate(params, this.validation, null, this.validation.rows, null, 'evaluation', null);
        return this.correct / this.validation.rows;
      };
    }
  }

  /**
   * Mean loss over rows `rows[0 … count)` of `data` (rows 0 … count − 1 when `rows` is null).
   * When `gradient` is given, overwrites it with the gradient of that mean; when `exampleLosses`
   * is given, writes each row's loss there (by position). In evaluation mode, sets `correct`
   * for classifiers (training steps skip that work).
   */
  protected abstract evaluate(
    params: Float64Array,
    data: Dataset,
    rows: Int32Array | null,
    count: number,
    gradient: Float64Array | null,
    mode: EvaluationMode,
    exampleLosses: Float64Array | null,
  ): number;

  selectBatch(rows: Int32Array | null, count: number): void {
    if (rows === null) {
      this.batchRows = null;
      this.batchCount = this.trainingRows;
      return;
    }
    if (!(Number.isInteger(count) && count >= 1 && count <= rows.length)) {
      throw new Error(`batch size ${count} must be between 1 and ${rows.length}`);
    }
    this.batchRows = rows;
    this.batchCount = count;
  }

  value(params: Float64Array): number {
    return this.evaluate(params, this.training, this.batchRows, this.batchCount, null, 'training', null) + this.penalty(params, null);
  }

  valueAndGradient(params: Float64Array, gradient: Float64Array): number {
    const loss = this.evaluate(params, this.training, this.batchRows, this.batchCount, gradient, 'training', null);
    return loss + this.penalty(params, gradient);
  }

  trainingLoss(params: Float64Array): number {
    return this.evaluate(params, this.training, null, this.trainingRows, null, 'evaluation', null) + this.penalty(params, null);
  }

  validationLoss(params: Float64Array): number {
    if (this.validation === null) return NaN;
    return this.evaluate(params, this.validation, null, this.validation.rows, null, 'evaluation', null);
  }

  exampleLosses(params: Float64Array, out: Float64Array): void {
    this.evaluate(params, this.training, null, this.trainingRows, null, 'evaluation', out);
  }

  /** (λ/2)·Σ w² over the weights; adds λ·w to the gradient when given. */
  private penalty(params: Float64Array, gradient: Float64Array | null): number {
    if (this.l2 === 0) return 0;
    let sum = 0;
    for (const [start, end] of this.weightRanges) {
      for (let i = start; i < end; i++) {
        sum += params[i] * params[i];
        if (gradient) gradient[i] += this.l2 * params[i];
      }
    }
    return 0.5 * this.l2 * sum;
  }
}
