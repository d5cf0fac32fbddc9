/**
 * The pieces Adam and its variants share (adam, adamw, nadam, radam; amsgrad and adamax keep
 * the same first moment). One fused loop updates both moment estimates and the parameters:
 *
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← decay·θ − (a·m + b·g)/(s·√v + ε)
 *
 * AMSGrad keeps its own loop with the running maximum v̂ ← max(v̂, v): folding the maximum into
 * this loop (with v̂ aliased to v for the others) measured 15–40% slower at 1e6 parameters.
 * Each variant only chooses the per-step scalars a (momentScale), b (gradientScale),
 * s (rootScale), ε and decay:
 *
 *   adam     a = η/(1 − β1^t), b = 0, s = 1/√(1 − β2^t), decay = 1      (m̂/(√v̂ + ε))
 *   adamw    as adam with decay = 1 − η·λ                                 (decoupled decay)
 *   nadam    a = η·β1/(1 − β1^t), b = η·(1 − β1)/(1 − β1^t), or torch's momentum schedule
 *   radam    a = η·r_t/(1 − β1^t) once the variance is tractable; before that s = 0, ε = 1,
 *            which turns the denominator into exactly 1: the un-adapted step θ ← θ − η·m̂
 */
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { restoreVectors, saveState } from './state.ts';
import { allocateVector, kernelsFor } from '../kernels/index.ts';

/** The per-step scalars of the shared update; rewritten in place every step. */
export interface MomentStepCoefficients {
  momentScale: number;
  gradientScale: number;
  rootScale: number;
  epsilon: number;
  decay: number;
}

/** Moment hyperparameters every Adam variant has. */
export interface MomentHyperparameters {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** Steps whose bias corrections are kept, per β, and the βs kept (tables of 32 KiB each). */
const keptSteps = 4_096;
const keptBetas = 16;

/** The βs kept, the one kept longest first, and for each 1 − β^t for t = 1…keptSteps (0: not computed yet). */
const keptBetaValues: number[] = [];
const corrections: Float64Array[] = [];

/**
 * The bias correction 1 − β^t of a moment estimate at step t (1-based). Its first steps' are
 * kept per β, as Math.pow gave them (bit for bit the same): Math.pow costs about 100 ns, and a
 * small run (a few hundred steps of a few parameters, each step two corrections) spent about a
 * fifteenth of its worker's CPU on them, the same values for every run with the same βs. The βs
 * are few (most runs keep the defaults): a scan finds them sooner than a Map hashing a double.
 *
 * A new β takes the place of the one kept longest once `keptBetas` are: a sweep sampling βs
 * goes through many, and the first ones seen must not hold every place for the life of the
 * worker while the βs in use (the defaults among them) are computed anew at every step.
 */
export function biasCorrection(beta: number, t: number): number {
  if (t > keptSteps) return 1 - Math.pow(beta, t);
  let index = keptBetaValues.indexOf(beta);
  if (index < 0) {
    if (keptBetaValues.length >= keptBetas) {
      keptBetaValues.shift();
      corrections.shift();
    }
    index = keptBetaValues.push(beta) - 1;
    corrections.push(new Float64Array(keptSteps + 1));
  }
  const kept = corrections[index];
  // 1 − β^t is never 0 for a β below 1 (a decay rate): 0 marks a step not computed yet.
  return kept[t] || (kept[t] = 1 - Math.pow(beta, t));
}

/** The βs whose corrections are kept, the one kept longest first. */
export const keptCorrectionBetas = (): number[] => [...keptBetaValues];

export function adaptiveMomentStep(
  params: Float64Array,
  gradient: Float64Array,
  firstMoment: Float64Array,
  secondMoment: Float64Array,
  beta1: number,
  beta2: number,
  coefficients: MomentStepCoefficients,
): void {
  const { momentScale, gradientScale, rootScale, epsilon, decay } = coefficients;
  const kernels = kernelsFor(params, gradient, firstMoment, secondMoment);
  if (kernels) {
    kernels.adaptiveMoments(
      params.byteOffset, gradient.byteOffset, firstMoment.byteOffset, secondMoment.byteOffset, params.length,
      beta1, beta2, momentScale, gradientScale, rootScale, epsilon, decay,
    );
    return;
  }
  const fresh1 = 1 - beta1;
  const fresh2 = 1 - beta2;
  for (let i = 0; i < params.length; i++) {
    const g = gradient[i];
    const m = beta1 * firstMoment[i] + fresh1 * g;
    const v = beta2 * secondMoment[i] + fresh2 * (g * g);
    firstMoment[i] = m;
    secondMoment[i] = v;
    params[i] = decay * params[i] - (momentScale * m + gradientScale * g) / (rootScale * Math.sqrt(v) + epsilon);
  }
}

/**
 * An optimizer built on the two moment estimates. Subclasses set the step's coefficients;
 * those that keep more state (AMSGrad's running maximum, NAdam's momentum product) extend the
 * saved vectors and scalars.
 */
export abstract class AdaptiveMomentOptimizer implements Optimizer {
  protected readonly firstMoment: Float64Array;
  protected readonly secondMoment: Float64Array;
  protected readonly beta1: number;
  protected readonly beta2: number;
  protected readonly epsilon: number;
  protected readonly coefficients: MomentStepCoefficients;

  constructor(dimension: number, { beta1, beta2, epsilon }: MomentHyperparameters) {
    this.firstMoment = allocateVector(dimension);
    this.secondMoment = allocateVector(dimension);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.coefficients = { momentScale: 0, gradientScale: 0, rootScale: 1, epsilon, decay: 1 };
  }

  /** Writes step t's scalars into `this.coefficients`. */
  protected abstract prepare(eta: number, t: number): void;

  step(params: Float64Array, gradient: Float64Array, eta: number, t: number): void {
    this.prepare(eta, t);
    adaptiveMomentStep(params, gradient, this.firstMoment, this.secondMoment, this.beta1, this.beta2, this.coefficients);
  }

  protected stateVectors(): Record<string, Float64Array> {
    return { firstMoment: this.firstMoment, secondMoment: this.secondMoment };
  }

  protected stateScalars(): Record<string, number> {
    return {};
  }

  protected restoreScalars(_state: OptimizerState): void {}

  getState(): OptimizerState {
    return saveState(this.stateVectors(), this.stateScalars());
  }

  setState(state: OptimizerState): void {
    restoreVectors(state, this.stateVectors());
    this.restoreScalars(state);
  }
}
