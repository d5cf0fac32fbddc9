/**
 * Linear warm-up, combinable with every schedule: during the first W updates the scheduled rate
 * is scaled by t/W (t = 1 … W), so update t uses η_t·min(1, t/W).
 */
import { z } from 'zod';
import type { Schedule, ScheduleState } from './schedule.ts';

export const warmupSteps = z
  .number()
  .int()
  .min(0)
  .max(1e9)
  .default(0)
  .describe('Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).');

export class WarmupSchedule implements Schedule {
  constructor(
    private readonly inner: Schedule,
    private readonly steps: number,
  ) {}
  learningRate(step: number): number {
    const rate = this.inner.learningRate(step);
    return step < this.steps ? (rate * step) / this.steps : rate;
  }
  observe(step: number, value: number): void {
    this.inner.observe?.(step, value);
  }
  getState(): ScheduleState {
    return this.inner.getState();
  }
  setState(state: ScheduleState): void {
    this.inner.setState(state);
  }
}
