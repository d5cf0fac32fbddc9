/**
 * The functions the WebAssembly kernels module exports (src/core/kernels/assembly/). Vectors
 * are passed as byte offsets into the kernel memory (a view's `byteOffset`), lengths in
 * elements; flags are 0 or 1.
 */
type Pointer = number;

export interface KernelExports {
  adaptiveMoments(
    params: Pointer, gradient: Pointer, firstMoment: Pointer, secondMoment: Pointer, length: number,
    beta1: number, beta2: number, momentScale: number, gradientScale: number, rootScale: number, epsilon: number, decay: number,
  ): void;
  amsgrad(
    params: Pointer, gradient: Pointer, firstMoment: Pointer, secondMoment: Pointer, maxSecondMoment: Pointer, length: number,
    beta1: number, beta2: number, momentScale: number, rootScale: number, epsilon: number,
  ): void;
  adamax(
    params: Pointer, gradient: Pointer, firstMoment: Pointer, infinityNorm: Pointer, length: number,
    beta1: number, beta2: number, stepSize: number, epsilon: number, paper: number,
  ): void;
  squaredGradientScaling(
    params: Pointer, gradient: Pointer, accumulator: Pointer, length: number,
    keep: number, add: number, learningRate: number, epsilon: number, paper: number,
  ): void;
  adadelta(
    params: Pointer, gradient: Pointer, squaredGradients: Pointer, squaredUpdates: Pointer, length: number,
    rho: number, epsilon: number, learningRate: number,
  ): void;
  paperMomentum(params: Pointer, gradient: Pointer, velocity: Pointer, length: number, gamma: number, learningRate: number): void;
  torchMomentum(
    params: Pointer, gradient: Pointer, buffer: Pointer, length: number,
    momentum: number, learningRate: number, gradientWeight: number, bufferWeight: number,
  ): void;
  lookAhead(params: Pointer, velocity: Pointer, out: Pointer, length: number, gamma: number): void;
  descent(params: Pointer, gradient: Pointer, length: number, learningRate: number): void;

  sumOfSquares(a: Pointer, length: number): number;
  squaredDistance(a: Pointer, b: Pointer, length: number): number;
  axpy(alpha: number, x: Pointer, y: Pointer, length: number): void;
  scale(a: Pointer, length: number, alpha: number): void;
  clampValues(a: Pointer, length: number, maxValue: number): void;
  allFinite(a: Pointer, length: number): number;
  transpose(source: Pointer, target: Pointer, rows: number, columns: number): void;
  denseForward(weightsT: Pointer, bias: Pointer, input: Pointer, output: Pointer, rows: number, inputs: number, outputs: number): void;
  accumulateOuterProducts(
    gradientWeights: Pointer, gradientBias: Pointer, delta: Pointer, input: Pointer,
    rows: number, inputs: number, outputs: number, skipZeros: number,
  ): void;
  backPropagate(
    weights: Pointer, delta: Pointer, activations: Pointer, output: Pointer,
    rows: number, inputs: number, outputs: number, activation: number,
  ): void;
  relu(a: Pointer, length: number): void;
}
