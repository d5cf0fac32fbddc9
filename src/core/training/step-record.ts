/**
 * One recorded step. `step` t counts updates from 1; `loss` and `gradNorm` are taken at the
 * parameters BEFORE update t (the gradient is the raw objective gradient, before weight decay,
 * clipping and noise); `params`, `valLoss` and `valAccuracy` are AFTER it; `updateNorm` is
 * ‖θ_t − θ_(t−1)‖₂ and `learningRate` the η_t update t used.
 */
export interface StepRecord {
  step: number;
  loss: number;
  gradNorm: number;
  learningRate: number;
  updateNorm: number;
  /** 1-based epoch of the update (a full-batch update is a whole epoch). */
  epoch: number;
  valLoss?: number;
  valAccuracy?: number;
  params?: number[];
}
