/**
 * Linear warm-up, combinable with every schedule: during the first W updates the scheduled rate
 * is scaled by t/W (t = 1 … W), so update t uses η_t·min(1, t/W).
 */
import { z } from 'zod';
import type { Schedule } from './schedule.ts';

export const warmupSteps = z
  .number()
  .int()
  .min(0)
  .max(1e9)
  .default(0)
  .describe('Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).');

/** `schedule` with its first `steps` updates warmed up; what it observes and saves is the inner schedule's. */
export function withWarmup(schedule: Schedule, steps: number): Schedule {
  return {
    learningRate(step) {
      const rate = schedule.learningRate(step);
      return step < steps ? (rate * step) / steps : rate;
    },
    observe: (step, value) => schedule.observe(step, value),
    getState: () => schedule.getState(),
    setState: (state) => schedule.setState(state),
  };
}
