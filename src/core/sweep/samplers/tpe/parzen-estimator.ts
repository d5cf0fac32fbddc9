/**
 * The Parzen estimator of TPE (Bergstra et al. 2011), as Optuna builds it: a mixture with one
 * component per observation plus, optionally, a prior component, with mixture weights w.
 *
 * Numerical parameters live in a "uniform" space: the logs for `log` ranges; stepped and integer
 * ranges widened by half a step at each end. There each observation x_i is a truncated normal
 * N(x_i, σ_i²) on [low, high]; the prior is N((low + high)/2, (high − low)²).
 *   univariate σ_i = max(x_i − x_{i−1}, x_{i+1} − x_i) over the sorted observations with the
 *     bounds as neighbours (without `considerEndpoints`, the outermost two take their inner gap);
 *   multivariate σ_i = 0.2 · n^{−1/(d+4)} · (high − low)   (Scott's rule, as in BOHB);
 *   magic clip: σ_i ∈ [(high − low)/min(100, 1 + components), high − low].
 * A stepped parameter's density at x is the mass of its component on [x − q/2, x + q/2].
 * Categorical parameters give each observation a row of choice weights: priorWeight/(n + 1)
 * everywhere plus 1 on the observed choice, normalised (the prior row stays uniform).
 * Weights: 1 for the 25 most recent observations, a ramp from 1/n to 1 for the older ones
 * (Optuna's `default_weights`), and priorWeight for the prior, normalised to sum 1.
 *
 * A suggestion scores its candidates under both estimators: candidates × parameters ×
 * components densities, the bulk of its work. They take shortcuts that change no bit of any
 * result (checked against the plain loop): a stepped or categorical parameter's density once per
 * value it takes, not once per candidate; no e^d for terms too small to change a sum (see
 * logSumExpFrom); what a draw from a component needs besides its uniform number once per component.
 */
import type { Random } from '../../../random.ts';
import type { SearchParameter } from '../../search-space.ts';
import { clip } from '../../unit-mapping.ts';
import { logGaussMass, logRootTwoPi, TruncatedNormal } from './truncated-normal.ts';

export interface ParzenSettings {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
}

/** Bandwidth constant of the multivariate rule. */
const sigma0Magnitude = 0.2;
const smallestSigma = 1e-12;

export interface NumericalComponents {
  readonly kind: 'numerical';
  readonly low: number;
  readonly high: number;
  /** The step in the uniform space (stepped and integer ranges), or null when continuous. */
  readonly q: number | null;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
}

export interface CategoricalComponents {
  readonly kind: 'categorical';
  /** Row i: the choice probabilities of component i. */
  readonly weights: Float64Array[];
}

export type Components = NumericalComponents | CategoricalComponents;

/** Optuna's `default_weights(n)`: a linear ramp 1/n … 1 over all but the 25 most recent, then ones. */
function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  // numpy.linspace(1/n, 1, ramp): start + i·(stop − start)/(ramp − 1), the last exactly stop.
  const step = ramp > 1 ? (1 - 1 / n) / (ramp - 1) : 0;
  for (let i = 0; i < ramp; i++) weights.push(i === ramp - 1 && ramp > 1 ? 1 : i * step + 1 / n);
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

function uniformBounds(parameter: SearchParameter): { low: number; high: number; q: number | null } {
  const distribution = parameter.distribution;
  if (distribution.kind === 'categorical') throw new TypeError('A categorical parameter has no bounds.');
  if (distribution.kind === 'float') {
    if (distribution.log) return { low: Math.log(distribution.low), high: Math.log(distribution.high), q: null };
    if (distribution.step !== null) {
      const q = distribution.step;
      return { low: distribution.low - 0.5 * q, high: distribution.high + 0.5 * q, q };
    }
    return { low: distribution.low, high: distribution.high, q: null };
  }
  if (distribution.log) return { low: Math.log(distribution.low - 0.5), high: Math.log(distribution.high + 0.5), q: null };
  const q = distribution.step;
  return { low: distribution.low - 0.5 * q, high: distribution.high + 0.5 * q, q };
}

function isLog(parameter: SearchParameter): boolean {
  return parameter.distribution.kind !== 'categorical' && parameter.distribution.log;
}

export class ParzenEstimator {
  readonly weights: Float64Array;
  readonly components = new Map<string, Components>();

  /**
   * @param observations internal values (numbers, or choice indices) per parameter, all of length n
   */
  constructor(observations: Readonly<Record<string, readonly number[]>>, readonly parameters: readonly SearchParameter[], private readonly settings: ParzenSettings) {
    const n = parameters.length === 0 ? 0 : observations[parameters[0].name].length;
    const withPrior = settings.considerPrior || n === 0;
    const weights = observationWeights(n);
    if (withPrior) weights.push(settings.priorWeight);
    const total = weights.reduce((sum, w) => sum + w, 0);
    this.weights = Float64Array.from(weights, (w) => w / total);
    const sigma0 = settings.multivariate ? sigma0Magnitude * Math.max(n, 1) ** (-1 / (parameters.length + 4)) : null;
    for (const parameter of parameters) {
      const values = observations[parameter.name];
      if (parameter.distribution.kind === 'categorical') {
        this.components.set(parameter.name, this.categorical(values, parameter.distribution.choices.length, withPrior));
      } else {
        const uniform = isLog(parameter) ? values.map(Math.log) : values;
        this.components.set(parameter.name, this.numerical(uniform, uniformBounds(parameter), withPrior, sigma0));
      }
    }
  }

  private categorical(values: readonly number[], choiceCount: number, withPrior: boolean): CategoricalComponents {
    const n = values.length;
    const rows = withPrior ? n + 1 : n;
    const base = this.settings.priorWeight / rows;
    const weights = Array.from({ length: rows }, (_, i) => {
      const row = new Float64Array(choiceCount).fill(base);
      if (i < n) row[values[i]] += 1;
      const sum = row.reduce((s, w) => s + w, 0);
      return row.map((w) => w / sum);
    });
    return { kind: 'categorical', weights };
  }

  private numerical(values: readonly number[], bounds: { low: number; high: number; q: number | null }, withPrior: boolean, sigma0: number | null): NumericalComponents {
    const { low, high } = bounds;
    const n = values.length;
    const mus = new Float64Array(withPrior ? n + 1 : n);
    mus.set(values);
    if (withPrior) mus[n] = 0.5 * (low + high);
    const sigmas = new Float64Array(mus.length);
    if (sigma0 !== null) {
      sigmas.fill(sigma0 * (high - low));
    } else {
      const order = Array.from(mus.keys()).sort((i, j) => mus[i] - mus[j]);
      const sorted = [low, ...order.map((i) => mus[i]), high];
      const sortedSigmas = order.map((_, k) => Math.max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]));
      if (!this.settings.considerEndpoints && sorted.length >= 4) {
        sortedSigmas[0] = sorted[2] - sorted[1];
        sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
      }
      order.forEach((i, k) => (sigmas[i] = sortedSigmas[k]));
    }
    const maxSigma = high - low;
    const minSigma = this.settings.considerMagicClip ? (high - low) / Math.min(100, 1 + mus.length) : smallestSigma;
    for (let i = 0; i < sigmas.length; i++) sigmas[i] = clip(sigmas[i], minSigma, maxSigma);
    if (withPrior) sigmas[n] = high - low;
    return { kind: 'numerical', low, high, q: bounds.q, mus, sigmas };
  }

  /** `size` draws, as internal values on the parameters' own scale (rounded to steps, clipped). */
  sample(random: Random, size: number): Record<string, number[]> {
    const cumulative: number[] = [];
    let sum = 0;
    for (const w of this.weights) cumulative.push((sum += w));
    const active = Array.from({ length: size }, () => firstAbove(cumulative, random.next() * sum));
    const samples: Record<string, number[]> = {};
    for (const parameter of this.parameters) {
      const components = this.components.get(parameter.name)!;
      if (components.kind === 'categorical') {
        samples[parameter.name] = active.map((component) => {
          const u = random.next();
          const row = components.weights[component];
          let chosen = 0;
          let total = 0;
          for (let k = 0; k < row.length; k++) if ((total += row[k]) < u) chosen = k + 1;
          return Math.min(chosen, row.length - 1);
        });
      } else {
        const { low, high, mus, sigmas } = components;
        const distributions: TruncatedNormal[] = [];
        const uniform = active.map((c) => (distributions[c] ??= new TruncatedNormal(mus[c], sigmas[c], low, high)).sample(random));
        samples[parameter.name] = uniform.map((x) => fromUniformSpace(parameter, x));
      }
    }
    return samples;
  }

  /**
   * Per numerical parameter, what each component's log density needs besides x, once per
   * estimator (the same for every sample): 1/σ and log w − log √(2π) − log σ − log mass on
   * [low, high] (for a stepped parameter, log w − log mass: its density is a mass of its own).
   */
  private readonly terms = new Map<string, { readonly inverseSigmas: Float64Array; readonly offsets: Float64Array }>();
  private componentTerms(name: string, { low, high, q, mus, sigmas }: NumericalComponents) {
    let terms = this.terms.get(name);
    if (!terms) {
      const inverseSigmas = Float64Array.from(sigmas, (sigma) => 1 / sigma);
      const offsets = Float64Array.from(mus, (mu, c) => {
        const mass = logGaussMass((low - mu) / sigmas[c], (high - mu) / sigmas[c]);
        return q === null ? -logRootTwoPi - mass - Math.log(sigmas[c]) : -mass;
      });
      terms = { inverseSigmas, offsets };
      this.terms.set(name, terms);
    }
    return terms;
  }

  /** log w of each component, once per estimator. */
  private logWeightsOnce: Float64Array | undefined;
  private get logWeights(): Float64Array {
    return (this.logWeightsOnce ??= Float64Array.from(this.weights, Math.log));
  }

  /**
   * Per categorical parameter and choice k looked up, log p_c(k) of each component c, once per
   * estimator: a sample's term for the parameter is a column's entry, not a logarithm per
   * component. Only the choices the samples take: a parameter of many choices is scored at a few.
   */
  private readonly logChoiceWeights = new Map<string, Map<number, Float64Array>>();
  private choiceLogs(name: string, { weights }: CategoricalComponents, choice: number): Float64Array {
    let columns = this.logChoiceWeights.get(name);
    if (!columns) this.logChoiceWeights.set(name, (columns = new Map()));
    let logs = columns.get(choice);
    if (!logs) columns.set(choice, (logs = Float64Array.from(weights, (row) => Math.log(row[choice]))));
    return logs;
  }

  /** log of the mixture density at each sample (internal values on the parameters' own scale). */
  logPdf(samples: Readonly<Record<string, readonly number[]>>): number[] {
    if (this.parameters.length === 1) {
      const parameter = this.parameters[0];
      const components = this.components.get(parameter.name)!;
      if (components.kind === 'numerical' && components.q === null) return this.continuousLogPdf(parameter, components, samples[parameter.name]);
      // A stepped or categorical parameter takes a few values (its steps, its choices), each drawn many times: each one's density once.
      const values = samples[parameter.name];
      const densities = new Map<number, number>();
      return values.map((value) => {
        let density = densities.get(value);
        if (density === undefined) densities.set(value, (density = this.jointLogPdf({ [parameter.name]: [value] })[0]));
        return density;
      });
    }
    return this.jointLogPdf(samples);
  }

  /**
   * `logPdf` of any parameters, sample by sample: each component's log w plus its log density
   * of each parameter, in the parameters' order. A stepped parameter's masses of a value are
   * kept for the samples after (see SteppedTerms), a categorical one's logs of a choice too.
   */
  private jointLogPdf(samples: Readonly<Record<string, readonly number[]>>): number[] {
    const size = this.parameters.length === 0 ? 0 : samples[this.parameters[0].name].length;
    const componentCount = this.weights.length;
    const logWeights = this.logWeights;
    const terms = new Float64Array(componentCount);
    const stepped = new Map<string, SteppedTerms>();
    const room = { left: keptTerms };
    const result: number[] = [];
    for (let s = 0; s < size; s++) {
      terms.set(logWeights);
      for (const parameter of this.parameters) {
        const components = this.components.get(parameter.name)!;
        const raw = samples[parameter.name][s];
        if (components.kind === 'categorical') {
          const logs = this.choiceLogs(parameter.name, components, raw);
          for (let c = 0; c < componentCount; c++) terms[c] += logs[c];
          continue;
        }
        const x = isLog(parameter) ? Math.log(raw) : raw;
        const { low, high, q, mus } = components;
        if (q === null) {
          const { inverseSigmas, offsets } = this.componentTerms(parameter.name, components);
          // A truncated normal's log density, −z²/2 − log √(2π) − log σ − log mass, nothing outside [low, high].
          if (x < low || x > high) terms.fill(-Infinity);
          else {
            for (let c = 0; c < componentCount; c++) {
              const z = (x - mus[c]) * inverseSigmas[c];
              terms[c] += offsets[c] - 0.5 * z * z;
            }
          }
        } else {
          let kept = stepped.get(parameter.name);
          if (!kept) stepped.set(parameter.name, (kept = new SteppedTerms(room)));
          const masses = kept.of(x, () => this.steppedTerms(parameter.name, components, x));
          for (let c = 0; c < componentCount; c++) terms[c] += masses[c];
        }
      }
      result.push(logSumExp(terms));
    }
    return result;
  }

  /** Each component's log mass on the step around x (clipped to [low, high]), plus its offset: a stepped parameter's term. */
  private steppedTerms(name: string, components: NumericalComponents, x: number): Float64Array {
    const { low, high, q, mus, sigmas } = components;
    const { offsets } = this.componentTerms(name, components);
    const upper = Math.min(x + q! / 2, high);
    const lower = Math.max(x - q! / 2, low);
    return Float64Array.from(mus, (mu, c) => logGaussMass((lower - mu) / sigmas[c], (upper - mu) / sigmas[c]) + offsets[c]);
  }

  /**
   * `logPdf` of one continuous parameter, the common case: the same sums in the same order,
   * each sample's terms and their maximum in one pass.
   */
  private continuousLogPdf(parameter: SearchParameter, components: NumericalComponents, samples: readonly number[]): number[] {
    const { low, high, mus } = components;
    const { inverseSigmas, offsets } = this.componentTerms(parameter.name, components);
    const logWeights = this.logWeights;
    const componentCount = logWeights.length;
    const terms = new Float64Array(componentCount);
    const log = isLog(parameter);
    const result: number[] = [];
    for (const raw of samples) {
      const x = log ? Math.log(raw) : raw;
      if (x < low || x > high) {
        terms.fill(-Infinity);
        result.push(logSumExp(terms));
        continue;
      }
      let top = -Infinity;
      for (let c = 0; c < componentCount; c++) {
        const z = (x - mus[c]) * inverseSigmas[c];
        const term = logWeights[c] + (offsets[c] - 0.5 * z * z);
        terms[c] = term;
        if (term > top) top = term;
      }
      result.push(logSumExpFrom(terms, top));
    }
    return result;
  }
}

/** log Σ e^t over the terms, from their maximum. */
function logSumExp(terms: Float64Array): number {
  let top = -Infinity;
  for (let c = 0; c < terms.length; c++) if (terms[c] > top) top = terms[c];
  return logSumExpFrom(terms, top);
}

/**
 * log Σ e^t over the terms, given their maximum top: Σ_c e^(t_c − top) summed in the
 * components' order, leaving out the e^d that cannot change the sum, so that most components
 * far from a sample take no e^d. Adding y to a sum s > 0 gives s back when y < s·2^−54 (half
 * of s's unit in the last place is at least that): so a term whose d is below the largest d
 * added so far less 38 (e^−38 < 2^−54) is left out, the sum the same to the last bit. A top
 * that is not finite makes some d NaN, and the sum NaN, as it always did.
 */
function logSumExpFrom(terms: Float64Array, top: number): number {
  let total = 0;
  let largest = -Infinity;
  for (let c = 0; c < terms.length; c++) {
    const d = terms[c] - top;
    if (d < largest - 38) continue;
    total += Math.exp(d);
    if (d > largest) largest = d;
  }
  return Math.log(total) + top;
}

/**
 * Index of the first cumulative weight above u, or the last one when none is (u at or past the
 * total, which rounding can make): the same component as a scan from the start, by bisection.
 */
function firstAbove(cumulative: readonly number[], u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (u < cumulative[middle]) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * A stepped parameter's terms (one per component) for each value it took so far in one logPdf:
 * its samples are rounded to its steps, and many fall on the same ones. The parameters' kept
 * terms share `room` (numbers); past it, the terms of new values are worked out each time.
 */
class SteppedTerms {
  private readonly rows = new Map<number, Float64Array>();
  constructor(private readonly room: { left: number }) {}

  of(x: number, terms: () => Float64Array): Float64Array {
    let row = this.rows.get(x);
    if (!row) {
      row = terms();
      if (this.room.left >= row.length) {
        this.rows.set(x, row);
        this.room.left -= row.length;
      }
    }
    return row;
  }
}

/**
 * Numbers the stepped parameters' kept terms hold at most in one logPdf (32 MB): more than a
 * suggestion within suggestionWorkLimit keeps (a kept number is a mass, 25 densities' work).
 */
const keptTerms = 1 << 22;

/** Back from the uniform space: exp for logs, then round to the step and clip (Optuna's rules). */
function fromUniformSpace(parameter: SearchParameter, x: number): number {
  const distribution = parameter.distribution;
  if (distribution.kind === 'categorical') return x;
  const { low, high } = distribution;
  if (distribution.kind === 'float') {
    if (distribution.log) return Math.exp(x);
    if (distribution.step === null) return x;
    return clip(roundHalfEven((x - low) / distribution.step) * distribution.step + low, low, high);
  }
  if (distribution.log) return clip(roundHalfEven(Math.exp(x)), low, high);
  return clip(roundHalfEven((x - low) / distribution.step) * distribution.step + low, low, high);
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const rounded = Math.round(x);
  return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}
