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
import { outputCorrect, outputLoss, type OutputKind } from './output-layer.ts';

/** `training`: batch normalization uses batch statistics; `evaluation`: its running statistics. */
type EvaluationMode = 'training' | 'evaluation';

/**
 * One pass of `evaluate`: the mean loss over rows `rows[0 … count)` of `data` (rows 0 … count − 1
 * when `rows` is null). In evaluation mode it counts correct predictions for classifiers
 * (training steps skip that work).
 */
export interface EvaluationPass {
  readonly data: Dataset;
  readonly rows: Int32Array | null;
  readonly count: number;
  /** Overwritten with the gradient of the mean loss, when given. */
  readonly gradient: Float64Array | null;
  readonly mode: EvaluationMode;
  /** Each row's loss, by position, when given. */
  readonly exampleLosses: Float64Array | null;
}

export interface ModelParts {
  readonly variables: readonly string[];
  readonly initial: Float64Array;
  /** Rows of the model's `data`, before its validation split (a separate validation set not counted). */
  readonly dataRows: number;
  readonly training: Dataset;
  readonly validation: Dataset | null;
  /** λ of the L2 penalty (λ/2)·‖w‖². */
  readonly l2: number;
  /** [start, end) ranges of the parameter vector that hold weights (penalised by L2). */
  readonly weightRanges: readonly (readonly [number, number])[];
  readonly kind: OutputKind;
}

/** What a parameter's name costs in memory, about: a short string and its slot in the list. */
const bytesPerName = 48;

const datasetBytes = ({ features, targets, difficulty }: Dataset): number =>
  features.values.byteLength + targets.byteLength + (difficulty?.byteLength ?? 0)
  + (features.kind === 'sparse' ? features.rowStarts.byteLength + features.indices.byteLength : 0);

export abstract class ModelObjective implements DataObjective {
  readonly variables: readonly string[];
  readonly dimension: number;
  readonly initial: Float64Array;
  readonly dataRows: number;
  readonly trainingRows: number;
  readonly validationRows: number;
  readonly trainingDifficulty?: Float64Array;
  readonly validationAccuracy?: (params: Float64Array) => number;
  protected readonly training: Dataset;
  protected readonly validation: Dataset | null;
  protected readonly kind: OutputKind;
  /** Correct predictions counted by the last pass in evaluation mode (classifiers). */
  private correct = 0;
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
    this.dataRows = parts.dataRows;
    this.trainingRows = parts.training.rows;
    this.validationRows = parts.validation?.rows ?? 0;
    this.batchCount = this.trainingRows;
    this.l2 = parts.l2;
    this.weightRanges = parts.weightRanges;
    this.kind = parts.kind;
    if (parts.training.difficulty) this.trainingDifficulty = parts.training.difficulty;
    if (parts.kind !== 'linear') {
      this.validationAccuracy = (params) => {
        if (this.validation === null) return NaN;
        this.pass(params, { data: this.validation, rows: null, count: this.validation.rows, gradient: null, mode: 'evaluation', exampleLosses: null });
        return this.correct / this.validation.rows;
      };
    }
  }

  /** The mean loss of a pass (see `EvaluationPass`); its rows' losses are added up by `addLosses`. */
  protected abstract evaluate(params: Float64Array, pass: EvaluationPass): number;

  /**
   * Adds to `total`, in order, the losses of the pass's rows `start … start + size − 1`, whose
   * logits are `logits[i·k … i·k + k)` for the i-th of them, and returns the sum; writes each
   * row's ∂loss/∂logits at the same offset of `dLogits` when given, its loss to the pass's
   * `exampleLosses`, and counts its correct prediction in evaluation mode.
   */
  protected addLosses(total: number, logits: Float64Array, k: number, pass: EvaluationPass, start: number, size: number, dLogits: Float64Array | null): number {
    const { data, rows, mode, exampleLosses } = pass;
    const kind = this.kind;
    for (let i = 0; i < size; i++) {
      const target = data.targets[rows === null ? start + i : rows[start + i]];
      const loss = outputLoss(kind, logits, i * k, k, target, dLogits);
      total += loss;
      if (exampleLosses) exampleLosses[start + i] = loss;
      if (mode === 'evaluation' && kind !== 'linear' && outputCorrect(kind, logits, i * k, k, target)) this.correct++;
    }
    return total;
  }

  private pass(params: Float64Array, pass: EvaluationPass): number {
    this.correct = 0;
    return this.evaluate(params, pass);
  }

  memoryBytes(batchRows: number): number {
    const data = datasetBytes(this.training) + (this.validation ? datasetBytes(this.validation) : 0);
    return data + this.dimension * (Float64Array.BYTES_PER_ELEMENT + bytesPerName) + this.scratchBytes(Math.min(batchRows, this.trainingRows));
  }

  /** The model's scratch, in bytes, while gradients of batches of up to `batchRows` rows are taken. */
  protected abstract scratchBytes(batchRows: number): number;

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

  /** The training row of a selected batch of one row. */
  protected selectedRow(): number {
    if (this.batchCount !== 1) throw new Error(`a step on one row needs a batch of one row (${this.batchCount} selected)`);
    return this.batchRows === null ? 0 : this.batchRows[0];
  }

  /** The pass of a training step over the selected batch. */
  protected batchPass(gradient: Float64Array | null): EvaluationPass {
    return { data: this.training, rows: this.batchRows, count: this.batchCount, gradient, mode: 'training', exampleLosses: null };
  }

  value(params: Float64Array): number {
    return this.pass(params, this.batchPass(null)) + this.penalty(params, null);
  }

  valueAndGradient(params: Float64Array, gradient: Float64Array): number {
    return this.pass(params, this.batchPass(gradient)) + this.penalty(params, gradient);
  }

  trainingLoss(params: Float64Array): number {
    const loss = this.pass(params, { data: this.training, rows: null, count: this.trainingRows, gradient: null, mode: 'evaluation', exampleLosses: null });
    return loss + this.penalty(params, null);
  }

  validationLoss(params: Float64Array): number {
    if (this.validation === null) return NaN;
    return this.pass(params, { data: this.validation, rows: null, count: this.validation.rows, gradient: null, mode: 'evaluation', exampleLosses: null });
  }

  exampleLosses(params: Float64Array, out: Float64Array): void {
    this.pass(params, { data: this.training, rows: null, count: this.trainingRows, gradient: null, mode: 'evaluation', exampleLosses: out });
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
