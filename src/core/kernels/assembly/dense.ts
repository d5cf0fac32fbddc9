/**
 * The dense layer math of the models (src/core/objectives/models/): matrices are row-major
 * float64, pointers byte offsets. Each output element is computed with the JavaScript loop's
 * operations in its order, so the results are bit for bit those of the JavaScript path:
 *
 * - forward:  z[i, o] = b[o] + Σ_j W[o, j]·x[i, j], the sum in j order. SIMD runs across
 *   outputs o (from Wᵀ, so that W[o, j], W[o + 1, j] are adjacent), never across j.
 * - weight gradients: ∂W[o, ·] += δ[i, o]·x[i, ·] and ∂b[o] += δ[i, o], rows i in order.
 * - back-propagation: δ'[i, j] = (Σ_o δ[i, o]·W[o, j]) · f'(a[i, j]), the sum in o order from
 *   0, SIMD across j.
 */
import { bytes, loadLanes, storeLanes } from './lanes';

/** target[c, r] = source[r, c] for a rows × columns source. */
export function transpose(source: usize, target: usize, rows: i32, columns: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      store<f64>(target + bytes(c * rows + r), load<f64>(source + bytes(r * columns + c)));
    }
  }
}

// @ts-ignore: decorator
@inline function forwardLanes(weightsT: usize, bias: usize, x: usize, z: usize, rowIn: usize, rowOut: usize, full: bool): void {
  let sum = loadLanes(bias, full);
  let w = weightsT;
  for (let j: usize = 0; j < rowIn; j += 8) {
    sum = f64x2.add(sum, f64x2.mul(loadLanes(w, full), v128.load64_splat(x + j)));
    w += rowOut;
  }
  storeLanes(z, sum, full);
}

/**
 * z[i, o] = b[o] + Σ_j W[o, j]·x[i, j] for rows × inputs x, given Wᵀ (inputs × outputs) and
 * b (outputs); z is rows × outputs.
 */
export function denseForward(weightsT: usize, bias: usize, input: usize, output: usize, rows: i32, inputs: i32, outputs: i32): void {
  const rowIn = bytes(inputs);
  const rowOut = bytes(outputs);
  for (let i = 0; i < rows; i++) {
    const x = input + <usize>i * rowIn;
    const z = output + <usize>i * rowOut;
    let o: usize = 0;
    // Eight outputs at a time: four independent sums share each splat of x[i, j].
    for (; o + 64 <= rowOut; o += 64) {
      let sum0 = v128.load(bias + o);
      let sum1 = v128.load(bias + o + 16);
      let sum2 = v128.load(bias + o + 32);
      let sum3 = v128.load(bias + o + 48);
      let w = weightsT + o;
      for (let j: usize = 0; j < rowIn; j += 8) {
        const value = v128.load64_splat(x + j);
        sum0 = f64x2.add(sum0, f64x2.mul(v128.load(w), value));
        sum1 = f64x2.add(sum1, f64x2.mul(v128.load(w + 16), value));
        sum2 = f64x2.add(sum2, f64x2.mul(v128.load(w + 32), value));
        sum3 = f64x2.add(sum3, f64x2.mul(v128.load(w + 48), value));
        w += rowOut;
      }
      v128.store(z + o, sum0);
      v128.store(z + o + 16, sum1);
      v128.store(z + o + 32, sum2);
      v128.store(z + o + 48, sum3);
    }
    for (; o + 16 <= rowOut; o += 16) forwardLanes(weightsT + o, bias + o, x, z + o, rowIn, rowOut, true);
    if (o < rowOut) forwardLanes(weightsT + o, bias + o, x, z + o, rowIn, rowOut, false);
  }
}

/**
 * For each row i and output o: ∂b[o] += δ[i, o] and ∂W[o, j] += δ[i, o]·x[i, j] (δ: rows ×
 * outputs, x: rows × inputs, ∂W: outputs × inputs). With `skipZeros`, a zero δ[i, o] adds
 * nothing, as the mlp's loop skips it.
 */
export function accumulateOuterProducts(
  gradientWeights: usize, gradientBias: usize, delta: usize, input: usize,
  rows: i32, inputs: i32, outputs: i32, skipZeros: bool,
): void {
  const rowIn = bytes(inputs);
  for (let i = 0; i < rows; i++) {
    const x = input + <usize>i * rowIn;
    for (let o = 0; o < outputs; o++) {
      const g = load<f64>(delta + bytes(i * outputs + o));
      if (skipZeros && g == 0) continue;
      const biasAt = gradientBias + bytes(o);
      store<f64>(biasAt, load<f64>(biasAt) + g);
      const factor = f64x2.splat(g);
      const row = gradientWeights + <usize>o * rowIn;
      let j: usize = 0;
      for (; j + 16 <= rowIn; j += 16) v128.store(row + j, f64x2.add(v128.load(row + j), f64x2.mul(factor, v128.load(x + j))));
      if (j < rowIn) storeLanes(row + j, f64x2.add(loadLanes(row + j, false), f64x2.mul(factor, loadLanes(x + j, false))), false);
    }
  }
}

/** f'(y) from the activation a = f(y): relu 1[a > 0], tanh 1 − a·a, sigmoid a·(1 − a). */
// @ts-ignore: decorator
@inline function derivative(a: v128, activation: i32): v128 {
  const one = f64x2.splat(1);
  if (activation == 0) return v128.bitselect(one, f64x2.splat(0), f64x2.gt(a, f64x2.splat(0)));
  if (activation == 1) return f64x2.sub(one, f64x2.mul(a, a));
  return f64x2.mul(a, f64x2.sub(one, a));
}

// @ts-ignore: decorator
@inline function backLanes(weights: usize, d: usize, a: usize, out: usize, rowIn: usize, rowOut: usize, full: bool, activation: i32): void {
  let sum = f64x2.splat(0);
  let w = weights;
  for (let o: usize = 0; o < rowOut; o += 8) {
    sum = f64x2.add(sum, f64x2.mul(v128.load64_splat(d + o), loadLanes(w, full)));
    w += rowIn;
  }
  storeLanes(out, f64x2.mul(sum, derivative(loadLanes(a, full), activation)), full);
}

// @ts-ignore: decorator
@inline function backPropagateRows(
  weights: usize, delta: usize, activations: usize, output: usize, rows: i32, inputs: i32, outputs: i32, activation: i32,
): void {
  const rowIn = bytes(inputs);
  const rowOut = bytes(outputs);
  for (let i = 0; i < rows; i++) {
    const d = delta + <usize>i * rowOut;
    const a = activations + <usize>i * rowIn;
    const out = output + <usize>i * rowIn;
    let j: usize = 0;
    for (; j + 64 <= rowIn; j += 64) {
      let sum0 = f64x2.splat(0);
      let sum1 = f64x2.splat(0);
      let sum2 = f64x2.splat(0);
      let sum3 = f64x2.splat(0);
      let w = weights + j;
      for (let o: usize = 0; o < rowOut; o += 8) {
        const value = v128.load64_splat(d + o);
        sum0 = f64x2.add(sum0, f64x2.mul(value, v128.load(w)));
        sum1 = f64x2.add(sum1, f64x2.mul(value, v128.load(w + 16)));
        sum2 = f64x2.add(sum2, f64x2.mul(value, v128.load(w + 32)));
        sum3 = f64x2.add(sum3, f64x2.mul(value, v128.load(w + 48)));
        w += rowIn;
      }
      v128.store(out + j, f64x2.mul(sum0, derivative(v128.load(a + j), activation)));
      v128.store(out + j + 16, f64x2.mul(sum1, derivative(v128.load(a + j + 16), activation)));
      v128.store(out + j + 32, f64x2.mul(sum2, derivative(v128.load(a + j + 32), activation)));
      v128.store(out + j + 48, f64x2.mul(sum3, derivative(v128.load(a + j + 48), activation)));
    }
    for (; j + 16 <= rowIn; j += 16) backLanes(weights + j, d, a + j, out + j, rowIn, rowOut, true, activation);
    if (j < rowIn) backLanes(weights + j, d, a + j, out + j, rowIn, rowOut, false, activation);
  }
}

/**
 * δ'[i, j] = (Σ_o δ[i, o]·W[o, j]) · f'(a[i, j]) for W outputs × inputs, δ rows × outputs, a and
 * δ' rows × inputs; activation 0 relu, 1 tanh, 2 sigmoid.
 */
export function backPropagate(
  weights: usize, delta: usize, activations: usize, output: usize, rows: i32, inputs: i32, outputs: i32, activation: i32,
): void {
  if (activation == 0) backPropagateRows(weights, delta, activations, output, rows, inputs, outputs, 0);
  else if (activation == 1) backPropagateRows(weights, delta, activations, output, rows, inputs, outputs, 1);
  else backPropagateRows(weights, delta, activations, output, rows, inputs, outputs, 2);
}

/** a ← a > 0 ? a : 0, which is pmax(0, a) (NaN becomes 0 in both). */
export function relu(a: usize, length: i32): void {
  const zero = f64x2.splat(0);
  const end = bytes(length);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) storeLanes(a + o, f64x2.pmax(zero, loadLanes(a + o, true)), true);
  if (o < end) storeLanes(a + o, f64x2.pmax(zero, loadLanes(a + o, false)), false);
}
