/**
 * The element-wise optimizer steps, two float64 lanes at a time. Each kernel performs, per
 * element, exactly the operations of the JavaScript loop it replaces in src/core/optimizers/, in
 * the same order (f64x2 arithmetic is IEEE binary64 per lane, with no fused multiply-add), so the
 * two agree bit for bit. A conditional `a > b ? a : b` is `pmax(b, a)` (= b < a ? a : b), which
 * agrees with it on NaN too. Pointers are byte offsets into the memory; lengths count elements.
 */
import { bytes, loadLanes, storeLanes } from './lanes';

// @ts-ignore: decorator
@inline function momentLanes(
  p: usize, g: usize, m: usize, v: usize, full: bool,
  beta1: v128, beta2: v128, fresh1: v128, fresh2: v128,
  momentScale: v128, gradientScale: v128, rootScale: v128, epsilon: v128, decay: v128,
): void {
  const gradient = loadLanes(g, full);
  const first = f64x2.add(f64x2.mul(beta1, loadLanes(m, full)), f64x2.mul(fresh1, gradient));
  const second = f64x2.add(f64x2.mul(beta2, loadLanes(v, full)), f64x2.mul(fresh2, f64x2.mul(gradient, gradient)));
  storeLanes(m, first, full);
  storeLanes(v, second, full);
  const numerator = f64x2.add(f64x2.mul(momentScale, first), f64x2.mul(gradientScale, gradient));
  const denominator = f64x2.add(f64x2.mul(rootScale, f64x2.sqrt(second)), epsilon);
  storeLanes(p, f64x2.sub(f64x2.mul(decay, loadLanes(p, full)), f64x2.div(numerator, denominator)), full);
}

/**
 * Adam and its variants (adaptive-moments.ts):
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·(g·g);  θ ← decay·θ − (a·m + b·g)/(s·√v + ε)
 */
export function adaptiveMoments(
  params: usize, gradient: usize, firstMoment: usize, secondMoment: usize, length: i32,
  beta1: f64, beta2: f64, momentScale: f64, gradientScale: f64, rootScale: f64, epsilon: f64, decay: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const f1 = f64x2.splat(1 - beta1);
  const f2 = f64x2.splat(1 - beta2);
  const a = f64x2.splat(momentScale);
  const b = f64x2.splat(gradientScale);
  const s = f64x2.splat(rootScale);
  const e = f64x2.splat(epsilon);
  const d = f64x2.splat(decay);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    momentLanes(params + o, gradient + o, firstMoment + o, secondMoment + o, true, b1, b2, f1, f2, a, b, s, e, d);
  }
  if (o < end) momentLanes(params + o, gradient + o, firstMoment + o, secondMoment + o, false, b1, b2, f1, f2, a, b, s, e, d);
}

// @ts-ignore: decorator
@inline function amsgradLanes(
  p: usize, g: usize, m: usize, v: usize, vMax: usize, full: bool,
  beta1: v128, beta2: v128, fresh1: v128, fresh2: v128, momentScale: v128, rootScale: v128, epsilon: v128,
): void {
  const gradient = loadLanes(g, full);
  const first = f64x2.add(f64x2.mul(beta1, loadLanes(m, full)), f64x2.mul(fresh1, gradient));
  const second = f64x2.add(f64x2.mul(beta2, loadLanes(v, full)), f64x2.mul(fresh2, f64x2.mul(gradient, gradient)));
  const largest = f64x2.pmax(loadLanes(vMax, full), second);
  storeLanes(m, first, full);
  storeLanes(v, second, full);
  storeLanes(vMax, largest, full);
  const step = f64x2.div(f64x2.mul(momentScale, first), f64x2.add(f64x2.mul(rootScale, f64x2.sqrt(largest)), epsilon));
  storeLanes(p, f64x2.sub(loadLanes(p, full), step), full);
}

/** AMSGrad (amsgrad.ts): the moments, v̂ ← max(v̂, v), θ ← θ − (a·m)/(s·√v̂ + ε). */
export function amsgrad(
  params: usize, gradient: usize, firstMoment: usize, secondMoment: usize, maxSecondMoment: usize, length: i32,
  beta1: f64, beta2: f64, momentScale: f64, rootScale: f64, epsilon: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const f1 = f64x2.splat(1 - beta1);
  const f2 = f64x2.splat(1 - beta2);
  const a = f64x2.splat(momentScale);
  const s = f64x2.splat(rootScale);
  const e = f64x2.splat(epsilon);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    amsgradLanes(params + o, gradient + o, firstMoment + o, secondMoment + o, maxSecondMoment + o, true, b1, b2, f1, f2, a, s, e);
  }
  if (o < end) amsgradLanes(params + o, gradient + o, firstMoment + o, secondMoment + o, maxSecondMoment + o, false, b1, b2, f1, f2, a, s, e);
}

// @ts-ignore: decorator
@inline function adamaxLanes(
  p: usize, g: usize, m: usize, u: usize, full: bool, paper: bool,
  beta1: v128, beta2: v128, fresh1: v128, stepSize: v128, epsilon: v128,
): void {
  const gradient = loadLanes(g, full);
  const first = f64x2.add(f64x2.mul(beta1, loadLanes(m, full)), f64x2.mul(fresh1, gradient));
  const decayed = f64x2.mul(beta2, loadLanes(u, full));
  const magnitude = paper ? f64x2.abs(gradient) : f64x2.add(f64x2.abs(gradient), epsilon);
  const norm = f64x2.pmax(magnitude, decayed);
  storeLanes(m, first, full);
  storeLanes(u, norm, full);
  const theta = loadLanes(p, full);
  const updated = f64x2.sub(theta, f64x2.div(f64x2.mul(stepSize, first), norm));
  // paper: no step where u = 0 (every gradient so far was 0).
  storeLanes(p, paper ? v128.bitselect(updated, theta, f64x2.ne(norm, f64x2.splat(0))) : updated, full);
}

/**
 * AdaMax (adamax.ts): m ← β1·m + (1 − β1)·g;  u ← max(β2·u, |g|) (paper) or max(β2·u, |g| + ε)
 * (pytorch);  θ ← θ − (η/(1 − β1^t)·m)/u, skipped where u = 0 in the paper's rule.
 */
export function adamax(
  params: usize, gradient: usize, firstMoment: usize, infinityNorm: usize, length: i32,
  beta1: f64, beta2: f64, stepSize: f64, epsilon: f64, paper: bool,
): void {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const f1 = f64x2.splat(1 - beta1);
  const a = f64x2.splat(stepSize);
  const e = f64x2.splat(epsilon);
  const end = bytes(length);
  let o: usize = 0;
  if (paper) {
    for (; o + 16 <= end; o += 16) adamaxLanes(params + o, gradient + o, firstMoment + o, infinityNorm + o, true, true, b1, b2, f1, a, e);
    if (o < end) adamaxLanes(params + o, gradient + o, firstMoment + o, infinityNorm + o, false, true, b1, b2, f1, a, e);
  } else {
    for (; o + 16 <= end; o += 16) adamaxLanes(params + o, gradient + o, firstMoment + o, infinityNorm + o, true, false, b1, b2, f1, a, e);
    if (o < end) adamaxLanes(params + o, gradient + o, firstMoment + o, infinityNorm + o, false, false, b1, b2, f1, a, e);
  }
}

// @ts-ignore: decorator
@inline function squaredGradientLanes(
  p: usize, g: usize, accumulator: usize, full: bool, paper: bool,
  keep: v128, add: v128, learningRate: v128, epsilon: v128,
): void {
  const gradient = loadLanes(g, full);
  const sum = f64x2.add(f64x2.mul(keep, loadLanes(accumulator, full)), f64x2.mul(f64x2.mul(add, gradient), gradient));
  storeLanes(accumulator, sum, full);
  const root = paper ? f64x2.sqrt(f64x2.add(sum, epsilon)) : f64x2.add(f64x2.sqrt(sum), epsilon);
  storeLanes(p, f64x2.sub(loadLanes(p, full), f64x2.div(f64x2.mul(learningRate, gradient), root)), full);
}

/**
 * Adagrad and RMSprop (squared-gradient-scaling.ts): A ← keep·A + (add·g)·g;
 * θ ← θ − (η·g)/√(A + ε) (paper) or (η·g)/(√A + ε) (pytorch).
 */
export function squaredGradientScaling(
  params: usize, gradient: usize, accumulator: usize, length: i32,
  keep: f64, add: f64, learningRate: f64, epsilon: f64, paper: bool,
): void {
  const k = f64x2.splat(keep);
  const a = f64x2.splat(add);
  const eta = f64x2.splat(learningRate);
  const e = f64x2.splat(epsilon);
  const end = bytes(length);
  let o: usize = 0;
  if (paper) {
    for (; o + 16 <= end; o += 16) squaredGradientLanes(params + o, gradient + o, accumulator + o, true, true, k, a, eta, e);
    if (o < end) squaredGradientLanes(params + o, gradient + o, accumulator + o, false, true, k, a, eta, e);
  } else {
    for (; o + 16 <= end; o += 16) squaredGradientLanes(params + o, gradient + o, accumulator + o, true, false, k, a, eta, e);
    if (o < end) squaredGradientLanes(params + o, gradient + o, accumulator + o, false, false, k, a, eta, e);
  }
}

// @ts-ignore: decorator
@inline function adadeltaLanes(
  p: usize, g: usize, squaredGradients: usize, squaredUpdates: usize, full: bool,
  rho: v128, fresh: v128, epsilon: v128, learningRate: v128,
): void {
  const gradient = loadLanes(g, full);
  const meanSquare = f64x2.add(f64x2.mul(rho, loadLanes(squaredGradients, full)), f64x2.mul(f64x2.mul(fresh, gradient), gradient));
  storeLanes(squaredGradients, meanSquare, full);
  const updates = loadLanes(squaredUpdates, full);
  const delta = f64x2.mul(f64x2.div(f64x2.sqrt(f64x2.add(updates, epsilon)), f64x2.sqrt(f64x2.add(meanSquare, epsilon))), gradient);
  storeLanes(squaredUpdates, f64x2.add(f64x2.mul(rho, updates), f64x2.mul(f64x2.mul(fresh, delta), delta)), full);
  storeLanes(p, f64x2.sub(loadLanes(p, full), f64x2.mul(learningRate, delta)), full);
}

/**
 * Adadelta (adadelta.ts): E[g²] ← ρ·E[g²] + ((1 − ρ)·g)·g;  Δ = (√(E[Δ²] + ε)/√(E[g²] + ε))·g;
 * E[Δ²] ← ρ·E[Δ²] + ((1 − ρ)·Δ)·Δ;  θ ← θ − η·Δ.
 */
export function adadelta(
  params: usize, gradient: usize, squaredGradients: usize, squaredUpdates: usize, length: i32,
  rho: f64, epsilon: f64, learningRate: f64,
): void {
  const r = f64x2.splat(rho);
  const f = f64x2.splat(1 - rho);
  const e = f64x2.splat(epsilon);
  const eta = f64x2.splat(learningRate);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) adadeltaLanes(params + o, gradient + o, squaredGradients + o, squaredUpdates + o, true, r, f, e, eta);
  if (o < end) adadeltaLanes(params + o, gradient + o, squaredGradients + o, squaredUpdates + o, false, r, f, e, eta);
}

// @ts-ignore: decorator
@inline function paperMomentumLanes(p: usize, g: usize, velocity: usize, full: bool, gamma: v128, learningRate: v128): void {
  const v = f64x2.add(f64x2.mul(gamma, loadLanes(velocity, full)), f64x2.mul(learningRate, loadLanes(g, full)));
  storeLanes(velocity, v, full);
  storeLanes(p, f64x2.sub(loadLanes(p, full), v), full);
}

/** Momentum, paper (momentum.ts): v ← γ·v + η·g;  θ ← θ − v. */
export function paperMomentum(params: usize, gradient: usize, velocity: usize, length: i32, gamma: f64, learningRate: f64): void {
  const c = f64x2.splat(gamma);
  const eta = f64x2.splat(learningRate);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) paperMomentumLanes(params + o, gradient + o, velocity + o, true, c, eta);
  if (o < end) paperMomentumLanes(params + o, gradient + o, velocity + o, false, c, eta);
}

// @ts-ignore: decorator
@inline function torchMomentumLanes(
  p: usize, g: usize, buffer: usize, full: bool,
  mu: v128, learningRate: v128, gradientWeight: v128, bufferWeight: v128,
): void {
  const gradient = loadLanes(g, full);
  const b = f64x2.add(f64x2.mul(mu, loadLanes(buffer, full)), gradient);
  storeLanes(buffer, b, full);
  const step = f64x2.mul(learningRate, f64x2.add(f64x2.mul(gradientWeight, gradient), f64x2.mul(bufferWeight, b)));
  storeLanes(p, f64x2.sub(loadLanes(p, full), step), full);
}

/** torch's momentum and Nesterov (momentum.ts): b ← μ·b + g;  θ ← θ − η·(c·g + d·b). */
export function torchMomentum(
  params: usize, gradient: usize, buffer: usize, length: i32,
  momentum: f64, learningRate: f64, gradientWeight: f64, bufferWeight: f64,
): void {
  const mu = f64x2.splat(momentum);
  const eta = f64x2.splat(learningRate);
  const c = f64x2.splat(gradientWeight);
  const d = f64x2.splat(bufferWeight);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) torchMomentumLanes(params + o, gradient + o, buffer + o, true, mu, eta, c, d);
  if (o < end) torchMomentumLanes(params + o, gradient + o, buffer + o, false, mu, eta, c, d);
}

// @ts-ignore: decorator
@inline function lookAheadLanes(p: usize, velocity: usize, out: usize, full: bool, gamma: v128): void {
  storeLanes(out, f64x2.sub(loadLanes(p, full), f64x2.mul(gamma, loadLanes(velocity, full))), full);
}

/** The paper's Nesterov look-ahead (nesterov.ts): out ← θ − γ·v. */
export function lookAhead(params: usize, velocity: usize, out: usize, length: i32, gamma: f64): void {
  const c = f64x2.splat(gamma);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) lookAheadLanes(params + o, velocity + o, out + o, true, c);
  if (o < end) lookAheadLanes(params + o, velocity + o, out + o, false, c);
}

// @ts-ignore: decorator
@inline function descentLanes(p: usize, g: usize, full: bool, learningRate: v128): void {
  storeLanes(p, f64x2.sub(loadLanes(p, full), f64x2.mul(learningRate, loadLanes(g, full))), full);
}

/** Plain gradient descent (sgd.ts): θ ← θ − η·g. */
export function descent(params: usize, gradient: usize, length: i32, learningRate: f64): void {
  const eta = f64x2.splat(learningRate);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) descentLanes(params + o, gradient + o, true, eta);
  if (o < end) descentLanes(params + o, gradient + o, false, eta);
}
