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
  /**
   * The update the run ended at, when later than t: a concurrent run's replicas make updates after
   * the record that met the rule, before the stop reaches them.
   */
  readonly end?: number;
}


/** The reasons a stop rule gives after an update (the others are not met at a record). */
const stopRuleReasons: ReadonlySet<StopReason> = new Set(['early_stopping', 'loss_target', 'unbounded', 'grad_norm_target']);

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
    const end = context.end !== undefined && context.end > t ? context.end : null;
    const sentence = this.sentence(reason, context, end !== null);
    if (end === null || !stopRuleReasons.has(reason)) return sentence;
    return `${sentence} The run ended at step ${end}: the replicas made ${counted(end - t, 'more update')} before the stop reached them.`;
  }

  /** The sentence of `reason` met at update t; `later` when the run ended after t (early stopping then names t as where it was met, not where the run stopped). */
  private sentence(reason: StopReason, context: StopContext, later: boolean): string {
    const { t } = context;
    switch (reason) {
      case 'max_steps':
        return this.epochs !== null ? `Completed ${counted(this.epochs, 'epoch')} (${counted(t, 'update')}).` : `Reached maxSteps: ${counted(t, 'update')}.`;
      case 'early_stopping': {
        const view = context.tracker.view();
        const head = later ? 'Early stopping' : `Early stopping at step ${t}`;
        const by = later ? ` by step ${t}` : '';
        if (view.bestStep === null) {
          return `${head}: ${view.monitor} was not finite once in ${counted(context.tracker.lastStep, 'update')}${by} (patience ${view.patience}), so it never improved.`;
        }
        // With minDelta, a value a little below the best is no improvement: the sentence says so rather than that the value never fell.
        const minDelta = context.tracker.minDelta > 0 ? ` by more than minDelta (${context.tracker.minDelta})` : '';
        return `${head}: ${view.monitor} did not improve${minDelta} for ${counted(view.stepsSinceBest!, 'update')}${by} (patience ${view.patience}); best ${view.best} at step ${view.bestStep}.`;
      }
      case 'loss_target':
        return `The loss ${context.loss} fell below ${this.stopWhen?.lossBelow} at step ${t}.`;
      case 'grad_norm_target':
        return `The gradient norm ${context.gradNorm} fell below ${this.stopWhen?.gradNormBelow} at step ${t}.`;
      case 'unbounded':
        return `Unbounded below: the loss fell to ${context.loss} at step ${t}, below ${unboundedLoss}; the objective has no lower bound where the run went, so it was stopped${later ? '' : ' there'}.`;
      case 'diverged':
        return context.divergence;
      default:
        return `Stopped at step ${t} (${reason}).`;
    }
  }
}
