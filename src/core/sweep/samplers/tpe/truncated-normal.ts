/**
 * The normal distribution truncated to [a, b] (in standard units), computed in log space so the
 * tails stay exact, as Optuna's `_truncnorm` does: Φ through erf/erfc, log Φ by an asymptotic
 * series below −20, the mass Φ(b) − Φ(a) as a difference of logs on the side away from the
 * mode, and the quantile function by solving log Φ(z) = y (Newton's method, where Optuna
 * bisects).
 *
 *   log p(x) = −z²/2 − log √(2π) − log(Φ(b) − Φ(a)) − log σ,   z = (x − μ)/σ
 *
 * Optuna 3.1's `logpdf` leaves out the −log σ of the change of variables; later Optuna versions
 * include it, as the Parzen estimator's log density does (a mixture of components of
 * different widths needs it).
 */
import erf from '@stdlib/math-base-special-erf';
import erfc from '@stdlib/math-base-special-erfc';
import type { Random } from '../../../random.ts';

export const logRootTwoPi = Math.log(Math.sqrt(2 * Math.PI));

/** Φ(a), the standard normal CDF, with erfc in the tails. */
function normalCdf(a: number): number {
  const x = a / Math.SQRT2;
  if (x < -Math.SQRT1_2) return 0.5 * erfc(-x);
  if (x < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log Φ(a). */
function logNormalCdf(a: number): number {
  if (a > 6) return -normalCdf(-a);
  if (a > -20) return Math.log(normalCdf(a));
  // log Φ(a) = −a²/2 − log(−a) − log √(2π) + log Σ_k (−1)^k (2k−1)!! / a^{2k}
  const logLeading = -0.5 * a * a - Math.log(-a) - 0.5 * Math.log(2 * Math.PI);
  let previous = 0;
  let sum = 1;
  let numerator = 1;
  let denominator = 1;
  let sign = 1;
  for (let i = 1; Math.abs(previous - sum) > Number.EPSILON; i++) {
    previous = sum;
    sign = -sign;
    denominator *= 1 / (a * a);
    numerator *= 2 * i - 1;
    sum += sign * numerator * denominator;
  }
  return logLeading + Math.log(sum);
}

/** log(e^p − e^q) for p ≥ q. */
function logDifference(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

function logAddExp(x: number, y: number): number {
  const high = Math.max(x, y);
  if (high === -Infinity) return -Infinity;
  return high + Math.log(Math.exp(x - high) + Math.exp(y - high));
}

/** log(Φ(b) − Φ(a)), the log of the standard normal mass on [a, b]. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDifference(logNormalCdf(b), logNormalCdf(a));
  if (a > 0) return logDifference(logNormalCdf(-a), logNormalCdf(-b));
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/**
 * The z with log Φ(z) = y (Optuna's `_ndtri_exp`, which bisects [−100, 100] a hundred times), by
 * Newton's method: log Φ is increasing and concave, so from a start left of the root (0 when
 * y ≥ log Φ(0), else −√(−2y), where log Φ < −z²/2 = y) its iterates climb to the root without
 * passing it, in a few steps where bisection takes sixty. An iterate that would leave the
 * bracket the values so far have set bisects it instead.
 */
function inverseLogNormalCdf(y: number): number {
  let low = -100;
  let high = 100;
  let z = y >= -Math.LN2 ? 0 : Math.max(low, -Math.sqrt(-2 * y));
  for (let i = 0; i < 100; i++) {
    const logCdf = logNormalCdf(z);
    if (logCdf === y) return z;
    if (logCdf < y) low = z;
    else high = z;
    // d log Φ(z) / dz = φ(z) / Φ(z)
    let next = z - (logCdf - y) / Math.exp(-0.5 * z * z - logRootTwoPi - logCdf);
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - z) <= 2 * Number.EPSILON * Math.max(1, Math.abs(z))) return next;
    z = next;
  }
  return z;
}

/**
 * N(μ, σ²) truncated to [low, high], drawn from by inversion: the q-quantile of the standard
 * normal truncated to [a, b] is the z with log Φ(z) = log(Φ(a) + q·(Φ(b) − Φ(a))), or, for
 * a ≥ 0, minus that of the mirrored one, whose tail is exact. What does not depend on q, the
 * mass and Φ of the nearer bound, is worked out once per distribution, not once per draw.
 */
export class TruncatedNormal {
  private readonly a: number;
  private readonly b: number;
  private readonly logMass: number;
  /** log Φ(a), or log Φ(−b) for a ≥ 0. */
  private readonly logCdfOfBound: number;

  constructor(private readonly mu: number, private readonly sigma: number, low: number, high: number) {
    this.a = (low - mu) / sigma;
    this.b = (high - mu) / sigma;
    this.logMass = logGaussMass(this.a, this.b);
    this.logCdfOfBound = this.a < 0 ? logNormalCdf(this.a) : logNormalCdf(-this.b);
  }

  /** The q-quantile of the standard normal truncated to [a, b]. */
  private quantile(q: number): number {
    const { a, b } = this;
    if (a === b) return NaN;
    if (q === 0) return a;
    if (q === 1) return b;
    if (a < 0) return inverseLogNormalCdf(logAddExp(this.logCdfOfBound, Math.log(q) + this.logMass));
    return -inverseLogNormalCdf(logAddExp(this.logCdfOfBound, Math.log1p(-q) + this.logMass));
  }

  sample(random: Random): number {
    return this.quantile(random.next()) * this.sigma + this.mu;
  }
}
