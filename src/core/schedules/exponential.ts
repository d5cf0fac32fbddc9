/** Exponential decay: η_t = η·γ^s (s = t − 1). */
import { z } from 'zod';
import { StatelessSchedule, type ScheduleContext } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const exponentialScheduleSchema = z.strictObject({
  type: z.literal('exponential'),
  gamma: z.number().gt(0).max(1).describe('Factor γ applied after every update (0 < γ ≤ 1).'),
  warmupSteps,
}).describe('η_t = η·γ^(t−1).');

export class ExponentialSchedule extends StatelessSchedule {
  constructor(
    private readonly eta: number,
    private readonly gamma: number,
  ) {
    super();
  }
  learningRate(step: number): number {
    return this.eta * Math.pow(this.gamma, step - 1);
  }
}

export function createExponentialSchedule(spec: z.output<typeof exponentialScheduleSchema>, context: ScheduleContext) {
  return new ExponentialSchedule(context.baseLearningRate, spec.gamma);
}
