/**
 * Coupled weight decay (L2 regularisation folded into the gradient): g ← g + λθ, with θ the
 * point where the gradient was taken. Optimizers that decay decoupled (AdamW) do it themselves
 * and are skipped.
 */
import { axpy } from '../vec.ts';

export function applyWeightDecay(gradient: Float64Array, point: Float64Array, weightDecay: number): void {
  axpy(weightDecay, point, gradient);
}
