/**
 * A differentiable function of a parameter vector: what every run minimises.
 *
 * Implementations keep their own scratch buffers so that evaluating allocates nothing.
 * The variable order is the parameter vector's order everywhere (metrics, results, CLI).
 */
export interface Objective {
  /** Parameter names, in parameter-vector order. */
  readonly variables: readonly string[];
  /** Length of the parameter vector. */
  readonly dimension: number;
  /** The documented starting point (callers copy it before changing anything). */
  readonly initial: Float64Array;
  /** The known minimum, where the function documents one. */
  readonly minimum?: { readonly value: number; readonly params?: readonly number[] };
  /** f(θ). */
  value(params: Float64Array): number;
  /** f(θ); writes ∇f(θ) into `gradient` (length `dimension`, overwritten). */
  valueAndGradient(params: Float64Array, gradient: Float64Array): number;
  /**
   * Bytes the objective holds while gradients of batches of up to `batchRows` rows are taken (its
   * data, parameter names and scratch); absent: its starting point alone.
   */
  memoryBytes?(batchRows: number): number;
}

/**
 * An objective that is a mean over training examples, so a step may see only a batch of them
 * (stochastic and mini-batch gradient descent).
 */
export interface DataObjective extends Objective {
  /** Number of training examples (after the validation split). */
  readonly trainingRows: number;
  /** A model's: the rows of its data, before the validation split (see modelTrainingRows). */
  readonly dataRows?: number;
  /** Number of validation examples (0 when there is no validation set). */
  readonly validationRows: number;
  /**
   * Restricts `value` and `valueAndGradient` to the first `count` training rows listed in
   * `rows`; `null` restores the full training set.
   */
  selectBatch(rows: Int32Array | null, count: number): void;
  /**
   * The objective over the whole training set, whatever batch is selected, as evaluation sees
   * the model (batch normalization's running statistics), penalty included: a run's final loss.
   */
  trainingLoss(params: Float64Array): number;
  /** Mean loss over the validation set (NaN when it is empty). */
  validationLoss(params: Float64Array): number;
  /** Fraction of validation examples classified correctly (classifiers only). */
  validationAccuracy?(params: Float64Array): number;
  /** Loss of each training example at θ, written into `out` (length `trainingRows`). */
  exampleLosses?(params: Float64Array, out: Float64Array): void;
  /** Difficulty of each training example (higher is harder), when the data gives one (curriculum learning). */
  readonly trainingDifficulty?: Float64Array;
  /**
   * State beyond the parameters that evaluation depends on (batch normalization's running
   * statistics), as plain JSON for checkpoints; absent when there is none.
   */
  getState?(): ObjectiveState;
  /** Restores a state produced by `getState` of an objective built from the same spec. */
  setState?(state: ObjectiveState): void;
  /**
   * `valueAndGradient` on the selected batch with ∇f given by the coordinates it touches, the
   * same values bit for bit, in work proportional to the batch's nonzero features instead of the
   * dimension; present only where the gradient is sparse (sparse features, no L2 penalty).
   */
  readonly valueAndSparseGradient?: (params: Float64Array, gradient: SparseGradient) => number;
  /**
   * One plain SGD step θ ← θ − η·∇f made in place on a selected batch of one row, where each row
   * lists a column at most once: the coordinates `valueAndSparseGradient` lists, read, then
   * written in its order with its values (θ_j ← θ_j − η·g_j where g_j ≠ 0), without building the
   * gradient in between. `outcome` gets f(θ) before the step, and 1 + the index of a parameter the
   * step made non-finite (0: none); a non-finite f writes nothing.
   */
  readonly sparseRowStep?: (params: Float64Array, learningRate: number, outcome: SparseStepOutcome) => void;
}

/** What `sparseRowStep` reports. */
export interface SparseStepOutcome {
  loss: number;
  broken: number;
}

/**
 * A gradient given by the coordinates it touches: `count` distinct coordinates in `indices` (in
 * no particular order) and their partial derivatives at the same positions of `values`; every
 * other coordinate's is 0. The arrays are replaced by larger ones when a gradient needs more room
 * (`growSparseGradient`), so they stay the size of a batch's nonzeros, not of the parameters.
 */
export interface SparseGradient {
  indices: Int32Array;
  values: Float64Array;
  count: number;
}

export function allocateSparseGradient(room = 64): SparseGradient {
  return { indices: new Int32Array(room), values: new Float64Array(room), count: 0 };
}

/** Doubles a sparse gradient's room, keeping its first `count` entries. */
export function growSparseGradient(gradient: SparseGradient, count: number): void {
  const room = Math.max(16, 2 * gradient.indices.length);
  const indices = new Int32Array(room);
  const values = new Float64Array(room);
  indices.set(gradient.indices.subarray(0, count));
  values.set(gradient.values.subarray(0, count));
  gradient.indices = indices;
  gradient.values = values;
}

/** Serialisable objective state: named vectors and scalars, restored bit for bit. */
export type ObjectiveState = Record<string, number[] | number>;

export function isDataObjective(objective: Objective): objective is DataObjective {
  return typeof (objective as Partial<DataObjective>).selectBatch === 'function';
}
