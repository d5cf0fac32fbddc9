/**
 * Models whose outputs are an affine map of the features, z = W·x + b, followed by a loss from
 * output-layer.ts: `linear` (k = 1, ½(z − y)²), `logistic` (k = 1, binary cross-entropy), `svm`
 * (k = 1, hinge loss) and `softmax` (k classes, cross-entropy).
 *
 * Parameter order: W row-major (k × d), then b (k). For k = 1 the names are `w1 … wd, b` (or
 * `w_<column>` for named columns); for softmax `w{c}_{j}` (class c = 0 … k − 1 as in the targets,
 * feature j = 1 … d, or its column name) then `b{c}`.
 * Dense and sparse features are both handled natively (sparse rows touch only their entries).
 * On sparse features without an L2 penalty the gradient is also given sparse
 * (`valueAndSparseGradient`), summed in the same order as the dense one, so with the same bits;
 * with one output and rows that list their columns once each, in increasing order, one SGD step
 * on one row is also made in place (`sparseRowStep`), as the sparse gradient's write would make it:
 * a row whose loss has a zero derivative (an svm row beyond its margin) writes nothing.
 * Softmax on dense features runs its logits and gradient on the WebAssembly SIMD kernels when θ
 * lives in kernel memory, with the same bits as the loop here.
 */
import { defaultColumnNames, repeatedSparseColumn, type Dataset } from '../../datasets/dataset.ts';
import { growSparseGradient, type SparseGradient, type SparseStepOutcome } from '../objective.ts';
import { ModelObjective, type EvaluationPass } from './model-objective.ts';
import { outputLoss, type OutputKind } from './output-layer.ts';
import { allocateVector, kernelsFor, type KernelExports } from '../../kernels/index.ts';

/**
 * Rows per pass of the SIMD path (dense features, k ≥ 2 outputs): the rows are gathered, their
 * logits computed across classes, then their gradient accumulated, row by row in order as the
 * JavaScript loop does, so both give the same bits.
 */
const kernelChunk = 256;

/** Scratch of the SIMD path, in kernel memory. */
interface KernelScratch {
  readonly input: Float64Array;
  readonly logits: Float64Array;
  readonly dLogits: Float64Array;
  readonly weightsTransposed: Float64Array;
}

export interface AffineModelOptions {
  readonly kind: OutputKind;
  readonly outputs: number;
  /** Rows of the data `training` and `validation` were split from (see ModelParts). */
  readonly dataRows: number;
  readonly training: Dataset;
  readonly validation: Dataset | null;
  readonly initial?: readonly number[];
  readonly l2: number;
}

export class AffineModelObjective extends ModelObjective {
  private readonly outputs: number;
  private readonly features: number;
  private readonly logits: Float64Array;
  private readonly dLogits: Float64Array;
  private kernelScratch: KernelScratch | null = null;
  /** Position of each coordinate in the sparse gradient being built (−1: not touched yet). */
  private slots: Int32Array | null = null;
  readonly valueAndSparseGradient?: (params: Float64Array, gradient: SparseGradient) => number;
  readonly sparseRowStep?: (params: Float64Array, learningRate: number, outcome: SparseStepOutcome) => void;

  constructor({ kind, outputs, dataRows, training, validation, initial, l2 }: AffineModelOptions) {
    const d = training.columns;
    const variables = affineVariableNames(training.columnNames, outputs);
    super({
      variables,
      initial: initial ? Float64Array.from(initial) : new Float64Array(variables.length),
      dataRows,
      training,
      validation,
      l2,
      weightRanges: [[0, outputs * d]],
      kind,
    });
    this.outputs = outputs;
    this.features = d;
    this.logits = new Float64Array(outputs);
    this.dLogits = new Float64Array(outputs);
    if (training.features.kind === 'sparse' && l2 === 0) {
      this.valueAndSparseGradient = (params, gradient) => this.evaluateSparse(params, this.batchPass(null), gradient);
      // A row naming a column twice (data accepted before such rows were refused, a run resumed on
      // it) would have the step write that weight twice, where the sparse gradient sums its two
      // partials and writes once: the step is offered only where both are the same.
      if (outputs === 1 && repeatedSparseColumn(training) === null) this.sparseRowStep = (params, learningRate, outcome) => this.stepRow(params, learningRate, outcome);
    }
  }

  protected evaluate(params: Float64Array, pass: EvaluationPass): number {
    const { outputs: k, features: d, logits, dLogits } = this;
    const { data, rows, count, gradient } = pass;
    const bias = k * d;
    const features = data.features;
    const dLogitsOut = gradient ? dLogits : null;
    if (gradient) gradient.fill(0);
    const scratch = features.kind === 'dense' && k > 1 ? this.scratch() : null;
    const kernels = scratch && kernelsFor(params, gradient ?? params, scratch.input, scratch.weightsTransposed);
    if (kernels && scratch) return this.evaluateInChunks(kernels, scratch, params, pass);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const r = rows === null ? i : rows[i];
      // Forward: z_c = b_c + Σ_j W[c, j]·x_j.
      if (features.kind === 'dense') {
        const x = features.values;
        const base = r * d;
        for (let c = 0; c < k; c++) {
          const w = c * d;
          let z = params[bias + c];
          for (let j = 0; j < d; j++) z += params[w + j] * x[base + j];
          logits[c] = z;
        }
      } else {
        const { rowStarts, indices, values } = features;
        for (let c = 0; c < k; c++) {
          const w = c * d;
          let z = params[bias + c];
          for (let e = rowStarts[r]; e < rowStarts[r + 1]; e++) z += params[w + indices[e]] * values[e];
          logits[c] = z;
        }
      }
      total = this.addLosses(total, logits, k, pass, i, 1, dLogitsOut);
      if (gradient === null) continue;
      // Backward: ∂/∂W[c, j] += ∂loss/∂z_c · x_j, ∂/∂b_c += ∂loss/∂z_c.
      for (let c = 0; c < k; c++) {
        const g = dLogits[c];
        const w = c * d;
        gradient[bias + c] += g;
        if (features.kind === 'dense') {
          const x = features.values;
          const base = r * d;
          for (let j = 0; j < d; j++) gradient[w + j] += g * x[base + j];
        } else {
          const { rowStarts, indices, values } = features;
          for (let e = rowStarts[r]; e < rowStarts[r + 1]; e++) gradient[w + indices[e]] += g * values[e];
        }
      }
    }
    if (gradient) {
      const inverse = 1 / count;
      for (let p = 0; p < gradient.length; p++) gradient[p] *= inverse;
    }
    return total / count;
  }

  /**
   * `evaluate` of a training pass on sparse features, its gradient written as the coordinates the
   * rows touch: each coordinate's sum runs over the rows in the same order as in `evaluate`, so
   * its value has the same bits.
   */
  private evaluateSparse(params: Float64Array, pass: EvaluationPass, gradient: SparseGradient): number {
    const { outputs: k, features: d, logits, dLogits } = this;
    const { rows, count } = pass;
    const { rowStarts, indices, values } = pass.data.features as Extract<Dataset['features'], { kind: 'sparse' }>;
    const slots = (this.slots ??= new Int32Array(this.dimension).fill(-1));
    let touched = gradient.indices;
    let partials = gradient.values;
    let size = 0;
    const bias = k * d;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const r = rows === null ? i : rows[i];
      const start = rowStarts[r];
      const end = rowStarts[r + 1];
      for (let c = 0; c < k; c++) {
        const w = c * d;
        let z = params[bias + c];
        for (let e = start; e < end; e++) z += params[w + indices[e]] * values[e];
        logits[c] = z;
      }
      total = this.addLosses(total, logits, k, pass, i, 1, dLogits);
      for (let c = 0; c < k; c++) {
        const g = dLogits[c];
        const w = c * d;
        // Coordinate bias + c (e = end), then w + indices[e]: a coordinate's first touch takes its slot.
        for (let e = start; e <= end; e++) {
          const p = e === end ? bias + c : w + indices[e];
          let slot = slots[p];
          if (slot < 0) {
            if (size === touched.length) {
              growSparseGradient(gradient, size);
              touched = gradient.indices;
              partials = gradient.values;
            }
            slot = slots[p] = size++;
            touched[slot] = p;
            partials[slot] = 0;
          }
          partials[slot] += e === end ? g : g * values[e];
        }
      }
    }
    const inverse = 1 / count;
    for (let s = 0; s < size; s++) {
      partials[s] *= inverse;
      slots[touched[s]] = -1;
    }
    gradient.count = size;
    return total / count;
  }

  /**
   * `sparseRowStep`: `evaluateSparse` on one row (k = 1), whose partial derivatives are those of
   * the row's loss, g·x_j for its columns j and g for the bias (a column listed once is summed once,
   * and the mean of one row divides by 1), written as they are computed instead of gathered first.
   */
  private stepRow(params: Float64Array, learningRate: number, outcome: SparseStepOutcome): void {
    const r = this.selectedRow();
    const { features: d, logits, dLogits } = this;
    const { rowStarts, indices, values } = this.training.features as Extract<Dataset['features'], { kind: 'sparse' }>;
    const start = rowStarts[r];
    const end = rowStarts[r + 1];
    let z = params[d];
    for (let e = start; e < end; e++) z += params[indices[e]] * values[e];
    logits[0] = z;
    const loss = outputLoss(this.kind, logits, 0, 1, this.training.targets[r], dLogits);
    outcome.loss = loss;
    outcome.broken = 0;
    if (!Number.isFinite(loss)) return;
    const g = dLogits[0];
    let broken = 0;
    // The sparse gradient's order: the row's columns, then the bias (e = end).
    for (let e = start; e <= end; e++) {
      const partial = e === end ? g : g * values[e];
      if (partial === 0) continue;
      const p = e === end ? d : indices[e];
      const value = params[p] - learningRate * partial;
      params[p] = value;
      if (!Number.isFinite(value)) broken = p + 1;
    }
    outcome.broken = broken;
  }

  protected scratchBytes(): number {
    const { outputs: k, features: d } = this;
    // The kernels' scratch exists only where evaluate takes it: dense features and several outputs.
    const usesKernels = this.training.features.kind === 'dense' && k > 1;
    // A sparse gradient's slots: one Int32 per parameter (allocated by its first use, in concurrent hogwild's threads).
    const slots = this.valueAndSparseGradient ? Int32Array.BYTES_PER_ELEMENT * this.dimension : 0;
    return Float64Array.BYTES_PER_ELEMENT * (2 * k + (usesKernels ? kernelChunk * (d + 2 * k) + k * d : 0)) + slots;
  }

  private scratch(): KernelScratch {
    const { outputs: k, features: d } = this;
    this.kernelScratch ??= {
      input: allocateVector(kernelChunk * d),
      logits: allocateVector(kernelChunk * k),
      dLogits: allocateVector(kernelChunk * k),
      weightsTransposed: allocateVector(k * d),
    };
    return this.kernelScratch;
  }

  /** `evaluate` on dense features with the SIMD kernels, `kernelChunk` rows at a time. */
  private evaluateInChunks(
    kernels: KernelExports,
    { input, logits, dLogits, weightsTransposed }: KernelScratch,
    params: Float64Array,
    pass: EvaluationPass,
  ): number {
    const { outputs: k, features: d } = this;
    const { data, rows, count, gradient } = pass;
    const x = (data.features as { readonly values: Float64Array }).values;
    const bias = params.byteOffset + 8 * k * d;
    kernels.transpose(params.byteOffset, weightsTransposed.byteOffset, k, d);
    let total = 0;
    for (let start = 0; start < count; start += kernelChunk) {
      const size = Math.min(kernelChunk, count - start);
      for (let i = 0; i < size; i++) {
        const r = rows === null ? start + i : rows[start + i];
        input.set(x.subarray(r * d, (r + 1) * d), i * d);
      }
      kernels.denseForward(weightsTransposed.byteOffset, bias, input.byteOffset, logits.byteOffset, size, d, k);
      total = this.addLosses(total, logits, k, pass, start, size, gradient ? dLogits : null);
      if (gradient) {
        const at = gradient.byteOffset;
        kernels.accumulateOuterProducts(at, at + 8 * k * d, dLogits.byteOffset, input.byteOffset, size, d, k, 0);
      }
    }
    if (gradient) kernels.scale(gradient.byteOffset, gradient.length, 1 / count);
    return total / count;
  }
}

/**
 * A weight is named by its feature: `w_sepalLength` when the data names its columns, `w3` when
 * they are only numbered (x1 … xd); softmax weights carry the class first (`w0_sepalLength`).
 */
function affineVariableNames(columnNames: readonly string[], k: number): string[] {
  const numbered = defaultColumnNames(columnNames.length);
  const features = columnNames.map((name, j) => (name === numbered[j] ? { named: false, text: String(j + 1) } : { named: true, text: name }));
  if (k === 1) return [...features.map(({ named, text }) => (named ? `w_${text}` : `w${text}`)), 'b'];
  const names: string[] = [];
  for (let c = 0; c < k; c++) for (const { text } of features) names.push(`w${c}_${text}`);
  for (let c = 0; c < k; c++) names.push(`b${c}`);
  return names;
}
