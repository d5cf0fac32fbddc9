/**
 * The loss of one example from the model's outputs (logits), shared by every model:
 *
 * - `linear`:   ½(z − y)²                                   ∂/∂z = z − y
 * - `logistic`: −y·log σ(z) − (1 − y)·log(1 − σ(z))
 *             = max(z, 0) − z·y + log(1 + e^−|z|)   (stable)  ∂/∂z = σ(z) − y
 * - `svm`:      max(0, 1 − s·z), s = 2y − 1 ∈ {−1, +1} (hinge)  ∂/∂z = −s where s·z < 1, else 0
 * - `softmax`:  −log softmax(z)_y = log Σ_c e^(z_c − m) + m − z_y, m = max_c z_c   (stable)
 *                                                           ∂/∂z_c = softmax(z)_c − [c = y]
 *
 * The hinge has no derivative at the margin s·z = 1; its subgradient there is taken as 0, the
 * right derivative, so that a row on or beyond the margin changes nothing: a Hogwild! update on
 * such a row only reads θ (Niu et al.'s sparse SVM), and threads that only read share cache lines
 * without moving them.
 */
export type OutputKind = 'linear' | 'logistic' | 'svm' | 'softmax';

/**
 * Loss of one example whose logits are `logits[offset … offset + k)`; when `dLogits` is given,
 * writes ∂loss/∂logits at the same offset.
 */
export function outputLoss(
  kind: OutputKind,
  logits: Float64Array,
  offset: number,
  k: number,
  target: number,
  dLogits: Float64Array | null,
): number {
  if (kind === 'linear') {
    const residual = logits[offset] - target;
    if (dLogits) dLogits[offset] = residual;
    return 0.5 * residual * residual;
  }
  if (kind === 'logistic') {
    const z = logits[offset];
    // e^−|z| serves both the loss and σ(z) (the one `sigmoid` computes on either side of 0).
    const e = Math.exp(-Math.abs(z));
    if (dLogits) dLogits[offset] = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - target;
    return Math.max(z, 0) - z * target + Math.log1p(e);
  }
  if (kind === 'svm') {
    const sign = 2 * target - 1;
    const slack = 1 - sign * logits[offset];
    if (dLogits) dLogits[offset] = slack > 0 ? -sign : 0;
    // Math.max keeps a NaN logit's loss NaN (a diverged run must show it).
    return Math.max(slack, 0);
  }
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (logits[offset + c] > max) max = logits[offset + c];
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(logits[offset + c] - max);
  if (dLogits) {
    for (let c = 0; c < k; c++) dLogits[offset + c] = Math.exp(logits[offset + c] - max) / sum;
    dLogits[offset + target] -= 1;
  }
  return Math.log(sum) + max - logits[offset + target];
}

/** Whether the prediction from the logits matches the target (classifiers). */
export function outputCorrect(kind: OutputKind, logits: Float64Array, offset: number, k: number, target: number): boolean {
  if (kind === 'logistic' || kind === 'svm') return (logits[offset] >= 0) === (target >= 0.5);
  let best = 0;
  for (let c = 1; c < k; c++) if (logits[offset + c] > logits[offset + best]) best = c;
  return best === target;
}

/** σ(z) = 1/(1 + e^−z), without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Targets as the run spec gave them: `set` names the spec's field (data or validation), rows count from 1 in it. */
export interface TargetSet {
  readonly set: 'data' | 'validation';
  readonly targets: Float64Array;
}

/** Number of outputs (k) of the last layer and a check of the targets against the output kind. */
export function outputWidth(kind: OutputKind, targetSets: readonly TargetSet[], classes: number | undefined): number {
  if (kind === 'linear') return 1;
  if (kind === 'logistic') {
    for (const { set, targets } of targetSets) {
      for (let i = 0; i < targets.length; i++) {
        if (!(targets[i] >= 0 && targets[i] <= 1)) throw new Error(`logistic targets must be in [0, 1]; ${set} row ${i + 1} has ${targets[i]}`);
      }
    }
    return 1;
  }
  if (kind === 'svm') {
    for (const { set, targets } of targetSets) {
      for (let i = 0; i < targets.length; i++) {
        if (targets[i] !== 0 && targets[i] !== 1) throw new Error(`svm targets must be 0 or 1 (the classes −1 and +1); ${set} row ${i + 1} has ${targets[i]}`);
      }
    }
    return 1;
  }
  let largest = 0;
  for (const { set, targets } of targetSets) {
    for (let i = 0; i < targets.length; i++) {
      const y = targets[i];
      if (!(Number.isInteger(y) && y >= 0)) throw new Error(`softmax targets must be class numbers 0, 1, …; ${set} row ${i + 1} has ${y}`);
      if (y > largest) largest = y;
    }
  }
  const k = classes ?? largest + 1;
  if (largest >= k) throw new Error(`a target is class ${largest}, but classes is ${k} (classes are 0 … ${k - 1})`);
  if (k < 2) throw new Error('softmax needs at least 2 classes');
  return k;
}
