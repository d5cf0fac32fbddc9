/**
 * Models whose outputs are an affine map of the features, z = W·x + b, followed by a loss from
 * output-layer.ts: `linear` (k = 1, ½(z − y)²), `logistic` (k = 1, binary cross-entropy) and
 * `softmax` (k classes, cross-entropy).
 *
 * Parameter order: W row-major (k × d), then b (k). For k = 1 the names are `w1 … wd, b` (or
 * `w_<column>` for named columns); for softmax `w{c}_{j}` (class c = 0 … k − 1 as in the targets,
 * feature j = 1 … d, or its column name) then `b{c}`.
 * Dense and sparse features are both handled natively (sparse rows touch only their entries).
 */
import { defaultColumnNames, type Dataset } from '../../datasets/dataset.ts';
import { ModelObjective, type EvaluationMode } from './model-objective.ts';
import { outputCorrect, outputLoss, type OutputKind } from './output-layer.ts';

export interface AffineModelOptions {
  readonly kind: OutputKind;
  readonly outputs: number;
  readonly training: Dataset;
  readonly validation: Dataset | null;
  readonly initial?: readonly number[];
  readonly l2: number;
}

export class AffineModelObjective extends ModelObjective {
  private readonly kind: OutputKind;
  private readonly outputs: number;
  private readonly features: number;
  private readonly logits: Float64Array;
  private readonly dLogits: Float64Array;

  constructor({ kind, outputs, training, validation, initial, l2 }: AffineModelOptions) {
    const d = training.columns;
    const variables = affineVariableNames(training.columnNames, outputs);
    super({
      variables,
      initial: initial ? Float64Array.from(initial) : new Float64Array(variables.length),
      training,
      validation,
      l2,
      weightRanges: [[0, outputs * d]],
      classifier: kind !== 'linear',
    });
    this.kind = kind;
    this.outputs = outputs;
    this.features = d;
    this.logits = new Float64Array(outputs);
    this.dLogits = new Float64Array(outputs);
  }

  protected evaluate(
    params: Float64Array,
    data: Dataset,
    rows: Int32Array | null,
    count: number,
    gradient: Float64Array | null,
    mode: EvaluationMode,
    exampleLosses: Float64Array | null,
  ): number {
    const { kind, outputs: k, features: d, logits, dLogits } = this;
    const bias = k * d;
    const targets = data.targets;
    const features = data.features;
    const dLogitsOut = gradient ? dLogits : null;
    if (gradient) gradient.fill(0);
    let total = 0;
    let correct = 0;
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
      const loss = outputLoss(kind, logits, 0, k, targets[r], dLogitsOut);
      total += loss;
      if (exampleLosses) exampleLosses[i] = loss;
      if (mode === 'evaluation' && kind !== 'linear' && outputCorrect(kind, logits, 0, k, targets[r])) correct++;
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
    this.correct = correct;
    if (gradient) {
      const inverse = 1 / count;
      for (let p = 0; p < gradient.length; p++) gradient[p] *= inverse;
    }
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
