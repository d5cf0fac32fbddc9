/** Small hand-written objectives for the run-loop tests. */
import type { DataObjective, Objective } from '../../../src/core/objectives/objective.ts';

/** f(θ) = ½ Σ a_i (θ_i − c_i)², ∇f = a ⊙ (θ − c). */
export function quadratic(curvature: number[], center: number[], initial: number[]): Objective {
  return {
    variables: initial.map((_, i) => `x${i + 1}`),
    dimension: initial.length,
    initial: Float64Array.from(initial),
    value(params) {
      let sum = 0;
      for (let i = 0; i < params.length; i++) sum += 0.5 * curvature[i] * (params[i] - center[i]) ** 2;
      return sum;
    },
    valueAndGradient(params, gradient) {
      let sum = 0;
      for (let i = 0; i < params.length; i++) {
        const d = params[i] - center[i];
        sum += 0.5 * curvature[i] * d * d;
        gradient[i] = curvature[i] * d;
      }
      return sum;
    },
  };
}

/** An objective whose value and gradient come from a function of the call count. */
export function scripted(
  variables: string[],
  initial: number[],
  evaluate: (call: number, params: Float64Array, gradient: Float64Array) => number,
): Objective {
  let calls = 0;
  return {
    variables,
    dimension: initial.length,
    initial: Float64Array.from(initial),
    value(params) {
      return evaluate(++calls, params, new Float64Array(params.length));
    },
    valueAndGradient(params, gradient) {
      return evaluate(++calls, params, gradient);
    },
  };
}

/**
 * Least squares y ≈ w·x + b on seeded synthetic rows (the last `validationRows` held out):
 * loss = mean ½(w·x + b − y)², parameters [w, b].
 */
export function lineFit(trainingRows: number, validationRows: number): DataObjective {
  const total = trainingRows + validationRows;
  const xs = new Float64Array(total);
  const ys = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    xs[i] = ((i * 37) % 17) / 8 - 1;
    ys[i] = 2 * xs[i] - 0.5 + (((i * 13) % 7) - 3) / 20;
  }
  let rows: Int32Array | null = null;
  let count = trainingRows;
  const meanLoss = (params: Float64Array, gradient: Float64Array | null, from: number, size: number, list: Int32Array | null) => {
    let sum = 0;
    let gw = 0;
    let gb = 0;
    for (let k = 0; k < size; k++) {
      const i = list ? list[k] : from + k;
      const residual = params[0] * xs[i] + params[1] - ys[i];
      sum += 0.5 * residual * residual;
      gw += residual * xs[i];
      gb += residual;
    }
    if (gradient) {
      gradient[0] = gw / size;
      gradient[1] = gb / size;
    }
    return sum / size;
  };
  return {
    variables: ['w', 'b'],
    dimension: 2,
    initial: new Float64Array(2),
    trainingRows,
    validationRows,
    selectBatch(list, size) {
      rows = list;
      count = list ? size : trainingRows;
    },
    value(params) {
      return meanLoss(params, null, 0, count, rows);
    },
    valueAndGradient(params, gradient) {
      return meanLoss(params, gradient, 0, count, rows);
    },
    trainingLoss(params) {
      return meanLoss(params, null, 0, trainingRows, null);
    },
    validationLoss(params) {
      return validationRows > 0 ? meanLoss(params, null, trainingRows, validationRows, null) : NaN;
    },
  };
}

/** The batches the run loop selects on `objective` from now on, each as its list of rows (empty for the whole set). */
export function selectedBatches(objective: DataObjective): number[][] {
  const seen: number[][] = [];
  const select = objective.selectBatch.bind(objective);
  objective.selectBatch = (rows, count) => {
    seen.push(rows ? Array.from(rows.subarray(0, count)) : []);
    select(rows, count);
  };
  return seen;
}
