/**
 * Reduce on plateau (as torch's ReduceLROnPlateau, in steps): when the monitored value has not
 * fallen below best − minDelta for `patience` updates, η ← max(η·factor, η_min); then wait
 * `cooldown` updates before counting again. The current rate and the best value are state.
 */
import { z } from 'zod';
import { defineSchedule, type ScheduleState, type StatefulSchedule } from './schedule.ts';
import { minLearningRate } from './cosine.ts';
import { warmupSteps } from './warmup.ts';

const reduceOnPlateauScheduleSchema = z.strictObject({
  type: z.literal('reduceOnPlateau'),
  monitor: z.enum(['loss', 'valLoss']).default('loss').describe('Value watched: training loss (every step) or validation loss (when evaluated). Default loss.'),
  factor: z.number().gt(0).lt(1).default(0.1).describe('Multiplier applied at each reduction (0 < factor < 1, default 0.1).'),
  patience: z.number().int().min(1).max(1e9).default(10).describe('Updates without improvement before a reduction (default 10).'),
  minDelta: z.number().min(0).finite().default(0).describe('Improvement needed to count as better (absolute, default 0).'),
  cooldown: z.number().int().min(0).max(1e9).default(0).describe('Updates to wait after a reduction before counting again (default 0).'),
  minLearningRate,
  warmupSteps,
}).describe('Divide the learning rate when the monitored loss stops improving.');

class ReduceOnPlateauSchedule implements StatefulSchedule {
  private rate: number;
  private best = Infinity;
  /** Step of the last improvement, or of the end of the last cooldown. */
  private bestStep = 0;

  constructor(
    eta: number,
    private readonly factor: number,
    private readonly patience: number,
    private readonly minDelta: number,
    private readonly cooldown: number,
    private readonly minimum: number,
  ) {
    this.rate = eta;
  }

  learningRate(): number {
    return this.rate;
  }

  observe(step: number, value: number): void {
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bestStep = Math.max(this.bestStep, step);
    } else if (step - this.bestStep >= this.patience) {
      this.rate = Math.max(this.rate * this.factor, this.minimum);
      this.bestStep = step + this.cooldown;
    }
  }

  getState(): ScheduleState {
    return { rate: this.rate, best: Number.isFinite(this.best) ? this.best : null, bestStep: this.bestStep };
  }

  setState(state: ScheduleState): void {
    this.rate = state.rate ?? this.rate;
    this.best = state.best ?? Infinity;
    this.bestStep = state.bestStep ?? 0;
  }
}

export const reduceOnPlateauSchedule = defineSchedule(
  reduceOnPlateauScheduleSchema,
  (spec, context) =>
    new ReduceOnPlateauSchedule(context.baseLearningRate, spec.factor, spec.patience, spec.minDelta, spec.cooldown, spec.minLearningRate),
);
