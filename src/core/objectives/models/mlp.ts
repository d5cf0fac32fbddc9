/**
 * Multi-layer perceptron: widths d → h1 → … → hL → k. Hidden layer l computes
 *
 *   z = W_l·a + b_l;   with batch normalization  y = γ_l ⊙ (z − μ)/√(σ² + ε) + β_l,  else y = z;
 *   a' = activation(y)                                      (relu, tanh or sigmoid)
 *
 * and the last layer's z are the logits of an output loss (output-layer.ts). Batch normalization
 * (Ioffe & Szegedy) normalises each unit over the batch (μ, σ² the batch mean and biased variance)
 * while training; evaluation (`validationLoss`, `validationAccuracy`, `exampleLosses`) uses the
 * running statistics instead, updated at each gradient evaluation as
 *   running ← (1 − momentum)·running + momentum·batch   (momentum 0.1, batch variance unbiased),
 * starting from mean 0 and variance 1, as torch.nn.BatchNorm1d does.
 *
 * Parameter order, layer by layer: W_l row-major (out × in), b_l, then γ_l and β_l for a
 * normalised hidden layer. Names: `layer{l}.w{o}_{i}`, `layer{l}.b{o}`, `layer{l}.gamma{o}`,
 * `layer{l}.beta{o}` (1-based). Initialisation (seeded): W ~ N(0, 2/fan_in) into relu units
 * (He), N(0, 1/fan_in) otherwise; b = 0, γ = 1, β = 0. Sparse data is densified.
 *
 * When θ, the gradient and the scratch live in kernel memory, the layers' matrix products, relu
 * and the back-propagation run as WebAssembly SIMD kernels (kernels/assembly/dense.ts) that give
 * the JavaScript loops' bits; batch normalization, tanh, sigmoid and the losses stay in JavaScript.
 */
import { Random } from '../../random.ts';
import type { Dataset } from '../../datasets/dataset.ts';
import type { ObjectiveState } from '../objective.ts';
import { ModelObjective, type EvaluationPass } from './model-objective.ts';
import { sigmoid, type OutputKind } from './output-layer.ts';
import { allocateVector, kernelsFor } from '../../kernels/index.ts';

/** Which statistics batch normalization uses: the running ones, or the batch's (moving the running ones on a gradient step). */
type Statistics = 'running' | 'batch' | 'batch, updating running';

export type Activation = 'relu' | 'tanh' | 'sigmoid';
/** The activation's number in the back-propagation kernel. */
const activationCodes: Readonly<Record<Activation, number>> = { relu: 0, tanh: 1, sigmoid: 2 };

export const batchNormalizationEpsilon = 1e-5;
export const batchNormalizationMomentum = 0.1;
/** Rows evaluated at once in evaluation mode (per-example, so chunking changes nothing). */
const evaluationChunk = 256;

export interface MlpOptions {
  readonly kind: OutputKind;
  readonly outputs: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly batchNormalization: boolean;
  /** Rows of the data `training` and `validation` were split from (see ModelParts). */
  readonly dataRows: number;
  readonly training: Dataset;
  readonly validation: Dataset | null;
  readonly initial?: readonly number[];
  readonly l2: number;
  readonly seed: number;
}

/** Offsets of one layer's parameters in the parameter vector. */
interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: number;
  readonly bias: number;
  /** γ at `scale`, β at `scale + outputs`; −1 when the layer is not normalised. */
  readonly scale: number;
}

export class MlpObjective extends ModelObjective {
  private readonly activation: Activation;
  private readonly layers: readonly LayerLayout[];
  private readonly runningMean: Float64Array[];
  private readonly runningVariance: Float64Array[];
  private readonly inverseStd: Float64Array[];
  private readonly widest: number;
  private readonly normalized: boolean;
  // Scratch for `capacity` rows; grows (rarely) when a larger batch arrives.
  private capacity = 0;
  private input: Float64Array = new Float64Array(0);
  /** Per layer: z (normalised ẑ for batch-normalised layers in training mode). */
  private preActivations: Float64Array[] = [];
  /** Per hidden layer: the activations a. */
  private activations: Float64Array[] = [];
  private delta: Float64Array = new Float64Array(0);
  private deltaPrevious: Float64Array = new Float64Array(0);
  /** Per layer: Wᵀ (inputs × outputs), for the forward kernel's SIMD across outputs. */
  private readonly weightsTransposed: Float64Array[];

  constructor(options: MlpOptions) {
    const { training, hidden, outputs, batchNormalization } = options;
    const widths = [training.columns, ...hidden, outputs];
    const layers: LayerLayout[] = [];
    const variables: string[] = [];
    const weightRanges: [number, number][] = [];
    for (let l = 0; l + 1 < widths.length; l++) {
      const inputs = widths[l];
      const units = widths[l + 1];
      const name = `layer${l + 1}`;
      const weights = variables.length;
      for (let o = 1; o <= units; o++) for (let i = 1; i <= inputs; i++) variables.push(`${name}.w${o}_${i}`);
      weightRanges.push([weights, variables.length]);
      const bias = variables.length;
      for (let o = 1; o <= units; o++) variables.push(`${name}.b${o}`);
      let scale = -1;
      if (batchNormalization && l + 2 < widths.length) {
        scale = variables.length;
        for (let o = 1; o <= units; o++) variables.push(`${name}.gamma${o}`);
        for (let o = 1; o <= units; o++) variables.push(`${name}.beta${o}`);
      }
      layers.push({ inputs, outputs: units, weights, bias, scale });
    }
    super({
      variables,
      initial: options.initial ? Float64Array.from(options.initial) : initialParameters(layers, variables.length, options),
      dataRows: options.dataRows,
      training,
      validation: options.validation,
      l2: options.l2,
      weightRanges,
      kind: options.kind,
    });
    this.activation = options.activation;
    this.layers = layers;
    this.widest = Math.max(...widths);
    this.normalized = layers.some((layer) => layer.scale >= 0);
    const perUnit = () => layers.map((layer) => new Float64Array(layer.scale >= 0 ? layer.outputs : 0));
    this.runningMean = perUnit();
    this.runningVariance = perUnit().map((v) => v.fill(1));
    this.inverseStd = perUnit();
    this.weightsTransposed = layers.map((layer) => allocateVector(layer.inputs * layer.outputs));
  }

  getState(): ObjectiveState {
    const state: ObjectiveState = {};
    this.layers.forEach((layer, l) => {
      if (layer.scale < 0) return;
      state[`layer${l + 1}.runningMean`] = Array.from(this.runningMean[l]);
      state[`layer${l + 1}.runningVariance`] = Array.from(this.runningVariance[l]);
    });
    return state;
  }

  setState(state: ObjectiveState): void {
    this.layers.forEach((layer, l) => {
      if (layer.scale < 0) return;
      for (const [key, target] of [['runningMean', this.runningMean[l]], ['runningVariance', this.runningVariance[l]]] as const) {
        const values = state[`layer${l + 1}.${key}`];
        if (!Array.isArray(values) || values.length !== target.length) throw new Error(`objective state lacks layer${l + 1}.${key}`);
        target.set(values);
      }
    });
  }

  protected evaluate(params: Float64Array, pass: EvaluationPass): number {
    const { data, rows, count, gradient, mode } = pass;
    // Training normalizes with the batch's statistics (and a gradient step moves the running ones); evaluation with the running ones.
    const statistics: Statistics = mode !== 'training' || !this.normalized ? 'running' : gradient ? 'batch, updating running' : 'batch';
    // Batch statistics couple the rows, so a training batch is one chunk; so is a gradient.
    const chunk = statistics !== 'running' || gradient ? count : Math.min(count, evaluationChunk);
    this.reserve(chunk);
    if (gradient) gradient.fill(0);
    const k = this.layers[this.layers.length - 1].outputs;
    const logits = this.preActivations[this.layers.length - 1];
    let total = 0;
    for (let start = 0; start < count; start += chunk) {
      const size = Math.min(chunk, count - start);
      this.forward(params, data, rows, start, size, statistics);
      total = this.addLosses(total, logits, k, pass, start, size, gradient ? this.delta : null);
      if (gradient) this.backward(params, size, gradient);
    }
    return total / count;
  }

  protected scratchBytes(batchRows: number): number {
    // A gradient takes its batch in one chunk; an evaluation without one goes evaluationChunk rows at a time.
    const rows = Math.max(batchRows, Math.min(evaluationChunk, Math.max(this.trainingRows, this.validationRows)));
    const outputs = this.layers.reduce((sum, layer) => sum + layer.outputs, 0);
    const weights = this.layers.reduce((sum, layer) => sum + layer.inputs * layer.outputs, 0);
    return Float64Array.BYTES_PER_ELEMENT * (rows * (this.layers[0].inputs + 2 * outputs + 2 * this.widest) + weights);
  }

  /** Allocates scratch for batches of up to `rows` rows (only when it grows). */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    this.input = allocateVector(rows * this.layers[0].inputs);
    this.preActivations = this.layers.map((layer) => allocateVector(rows * layer.outputs));
    this.activations = this.layers.map((layer) => allocateVector(rows * layer.outputs));
    this.delta = allocateVector(rows * this.widest);
    this.deltaPrevious = allocateVector(rows * this.widest);
  }

  private forward(
    params: Float64Array,
    data: Dataset,
    rows: Int32Array | null,
    start: number,
    size: number,
    statistics: Statistics,
  ): void {
    const d = this.layers[0].inputs;
    const x = data.features.kind === 'dense' ? data.features.values : null;
    if (x === null) throw new Error('the mlp needs dense features');
    for (let i = 0; i < size; i++) {
      const r = rows === null ? start + i : rows[start + i];
      this.input.set(x.subarray(r * d, (r + 1) * d), i * d);
    }
    let previous = this.input;
    for (let l = 0; l < this.layers.length; l++) {
      const { inputs, outputs, weights, bias, scale } = this.layers[l];
      const z = this.preActivations[l];
      const transposed = this.weightsTransposed[l];
      const kernels = kernelsFor(params, previous, z, transposed);
      if (kernels) {
        kernels.transpose(params.byteOffset + 8 * weights, transposed.byteOffset, outputs, inputs);
        kernels.denseForward(transposed.byteOffset, params.byteOffset + 8 * bias, previous.byteOffset, z.byteOffset, size, inputs, outputs);
      } else {
        for (let i = 0; i < size; i++) {
          for (let o = 0; o < outputs; o++) {
            let sum = params[bias + o];
            const w = weights + o * inputs;
            for (let j = 0; j < inputs; j++) sum += params[w + j] * previous[i * inputs + j];
            z[i * outputs + o] = sum;
          }
        }
      }
      if (l === this.layers.length - 1) break;
      const a = this.activations[l];
      if (scale >= 0) {
        this.normalize(l, z, size, statistics);
        for (let i = 0; i < size; i++) {
          for (let o = 0; o < outputs; o++) a[i * outputs + o] = params[scale + o] * z[i * outputs + o] + params[scale + outputs + o];
        }
      } else {
        a.set(z.subarray(0, size * outputs));
      }
      this.activate(a, size * outputs);
      previous = a;
    }
  }

  /** z ← (z − μ)/√(σ² + ε) per unit, with batch or running statistics. */
  private normalize(l: number, z: Float64Array, size: number, statistics: Statistics): void {
    const units = this.layers[l].outputs;
    const inverseStd = this.inverseStd[l];
    for (let o = 0; o < units; o++) {
      let mu: number;
      let variance: number;
      if (statistics !== 'running') {
        mu = 0;
        for (let i = 0; i < size; i++) mu += z[i * units + o];
        mu /= size;
        variance = 0;
        for (let i = 0; i < size; i++) variance += (z[i * units + o] - mu) ** 2;
        variance /= size;
        if (statistics === 'batch, updating running') {
          const unbiased = size > 1 ? (variance * size) / (size - 1) : variance;
          this.runningMean[l][o] = (1 - batchNormalizationMomentum) * this.runningMean[l][o] + batchNormalizationMomentum * mu;
          this.runningVariance[l][o] = (1 - batchNormalizationMomentum) * this.runningVariance[l][o] + batchNormalizationMomentum * unbiased;
        }
      } else {
        mu = this.runningMean[l][o];
        variance = this.runningVariance[l][o];
      }
      inverseStd[o] = 1 / Math.sqrt(variance + batchNormalizationEpsilon);
      for (let i = 0; i < size; i++) z[i * units + o] = (z[i * units + o] - mu) * inverseStd[o];
    }
  }

  private activate(a: Float64Array, length: number): void {
    const kernels = this.activation === 'relu' ? kernelsFor(a, a) : null;
    if (kernels) kernels.relu(a.byteOffset, length);
    else if (this.activation === 'relu') for (let i = 0; i < length; i++) a[i] = a[i] > 0 ? a[i] : 0;
    else if (this.activation === 'tanh') for (let i = 0; i < length; i++) a[i] = Math.tanh(a[i]);
    else for (let i = 0; i < length; i++) a[i] = sigmoid(a[i]);
  }

  /** da/dy expressed through a: relu 1[a > 0], tanh 1 − a², sigmoid a(1 − a). */
  private activationDerivative(a: number): number {
    if (this.activation === 'relu') return a > 0 ? 1 : 0;
    if (this.activation === 'tanh') return 1 - a * a;
    return a * (1 - a);
  }

  /**
   * Back-propagation of the mean loss over `size` rows; `delta` holds ∂loss_i/∂logits on entry.
   * Through batch normalization (per unit, n = size, ẑ normalised, g = ∂/∂y):
   *   ∂/∂γ = Σ g·ẑ,  ∂/∂β = Σ g,  ∂/∂z = γ/√(σ² + ε) · (g − Σg/n − ẑ·Σ(g·ẑ)/n).
   */
  private backward(params: Float64Array, size: number, gradient: Float64Array): void {
    const inverseSize = 1 / size;
    let delta: Float64Array = this.delta;
    let deltaPrevious: Float64Array = this.deltaPrevious;
    const lastOutputs = this.layers[this.layers.length - 1].outputs;
    const scaling = kernelsFor(delta, delta);
    if (scaling) scaling.scale(delta.byteOffset, size * lastOutputs, inverseSize);
    else for (let e = 0; e < size * lastOutputs; e++) delta[e] *= inverseSize;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { inputs, outputs, weights, bias } = this.layers[l];
      const previous = l === 0 ? this.input : this.activations[l - 1];
      const kernels = kernelsFor(params, gradient, delta, deltaPrevious, previous);
      if (kernels) {
        const gradientAt = gradient.byteOffset;
        kernels.accumulateOuterProducts(gradientAt + 8 * weights, gradientAt + 8 * bias, delta.byteOffset, previous.byteOffset, size, inputs, outputs, 1);
      } else {
        for (let i = 0; i < size; i++) {
          for (let o = 0; o < outputs; o++) {
            const g = delta[i * outputs + o];
            if (g === 0) continue;
            gradient[bias + o] += g;
            const w = weights + o * inputs;
            for (let j = 0; j < inputs; j++) gradient[w + j] += g * previous[i * inputs + j];
          }
        }
      }
      if (l === 0) break;
      // ∂/∂a of the layer below, then through its activation: g = ∂/∂y.
      if (kernels) {
        const code = activationCodes[this.activation];
        kernels.backPropagate(params.byteOffset + 8 * weights, delta.byteOffset, previous.byteOffset, deltaPrevious.byteOffset, size, inputs, outputs, code);
      } else {
        for (let i = 0; i < size; i++) {
          for (let j = 0; j < inputs; j++) {
            let sum = 0;
            for (let o = 0; o < outputs; o++) sum += delta[i * outputs + o] * params[weights + o * inputs + j];
            deltaPrevious[i * inputs + j] = sum * this.activationDerivative(previous[i * inputs + j]);
          }
        }
      }
      const below = this.layers[l - 1];
      if (below.scale >= 0) this.backwardNormalization(l - 1, params, size, deltaPrevious, gradient);
      [delta, deltaPrevious] = [deltaPrevious, delta];
    }
  }

  private backwardNormalization(l: number, params: Float64Array, size: number, g: Float64Array, gradient: Float64Array): void {
    const { outputs: units, scale } = this.layers[l];
    const normalized = this.preActivations[l];
    for (let o = 0; o < units; o++) {
      let sum = 0;
      let sumNormalized = 0;
      for (let i = 0; i < size; i++) {
        sum += g[i * units + o];
        sumNormalized += g[i * units + o] * normalized[i * units + o];
      }
      gradient[scale + o] += sumNormalized;
      gradient[scale + units + o] += sum;
      const factor = params[scale + o] * this.inverseStd[l][o];
      for (let i = 0; i < size; i++) {
        const e = i * units + o;
        g[e] = factor * (g[e] - sum / size - (normalized[e] * sumNormalized) / size);
      }
    }
  }
}

function initialParameters(layers: readonly LayerLayout[], dimension: number, options: MlpOptions): Float64Array {
  const params = new Float64Array(dimension);
  const random = new Random(options.seed);
  layers.forEach((layer, l) => {
    const intoRelu = options.activation === 'relu' && l + 1 < layers.length;
    const deviation = Math.sqrt((intoRelu ? 2 : 1) / layer.inputs);
    for (let p = 0; p < layer.inputs * layer.outputs; p++) params[layer.weights + p] = deviation * random.normal();
    if (layer.scale >= 0) params.fill(1, layer.scale, layer.scale + layer.outputs);
  });
  return params;
}
