/**
 * The rules that end a run after an update, in order of precedence: early stopping (patience
 * exhausted), the loss target, a loss below `unboundedLoss` (an objective without a lower bound
 * where the run went: descending on would only reach −Infinity), the gradient-norm target, the
 * step budget. Each reason has a sentence for humans.
 */
import type { BestTracker } from './early-stopping.ts';
import type { StopReason } from './stop-reasons.ts';
import type { StopWhen } from './stop-when.ts';
import { counted } from '../counted.ts';

export interface StopContext {
  readonly t: number;
  readonly loss: number | null;
  readonly gradNorm: number;
  readonly tracker: BestTracker;
  /** The sentence of a divergence found inside an update. */
  readonly divergence: string;
}


/** A loss below this ends the run as `unbounded`: no objective a run is meant to minimise goes this low. */
const unboundedLoss = -1e100;

export class StopRules {
  private readonly lossBelow: number;
  private readonly gradNormBelow: number;

  constructor(
    private readonly stopWhen: StopWhen | undefined,
    readonly totalSteps: number,
    /** The epoch count when it, not maxSteps, sets `totalSteps`. */
    private readonly epochs: number | null,
  ) {
    this.lossBelow = stopWhen?.lossBelow ?? -Infinity;
    this.gradNormBelow = stopWhen?.gradNormBelow ?? -Infinity;
  }

  /** Why the run must stop after update t, or null. */
  after(t: number, loss: number, gradNorm: number, tracker: BestTracker): StopReason | null {
    if (tracker.exhausted()) return 'early_stopping';
    if (loss < this.lossBelow) return 'loss_target';
    if (loss < unboundedLoss) return 'unbounded';
    if (gradNorm < this.gradNormBelow) return 'grad_norm_target';
    if (t >= this.totalSteps) return 'max_steps';
    return null;
  }

  describe(reason: StopReason, context: StopContext): string {
    const { t } = context;
    switch (reason) {
      case 'max_steps':
        return this.epochs !== null ? `Completed ${counted(this.epochs, 'epoch')} (${counted(t, 'update')}).` : `Reached maxSteps: ${counted(t, 'update')}.`;
      case 'early_stopping': {
        const view = context.tracker.view();
        if (view.bestStep === null) {
          return `Early stopping at step ${t}: ${view.monitor} was not finite once in ${counted(context.tracker.lastStep, 'update')} (patience ${view.patience}), so it never improved.`;
        }
        return `Early stopping at step ${t}: ${view.monitor} did not improve for ${counted(view.stepsSinceBest!, 'update')} (patience ${view.patience}); best ${view.best} at step ${view.bestStep}.`;
      }
      case 'loss_target':
        return `The loss ${context.loss} fell below ${this.stopWhen?.lossBelow} at step ${t}.`;
      case 'grad_norm_target':
        return `The gradient norm ${context.gradNorm} fell below ${this.stopWhen?.gradNormBelow} at step ${t}.`;
      case 'unbounded':
        return `Unbounded below: the loss fell to ${context.loss} at step ${t}, below ${unboundedLoss}; the objective has no lower bound where the run went, so it was stopped there.`;
      case 'diverged':
        return context.divergence;
      default:
        return `Stopped at step ${t} (${reason}).`;
    }
  }
}
