/** Inverse-time decay: η_t = η / (1 + k·s) (s = t − 1). */
import { z } from 'zod';
import { StatelessSchedule, type ScheduleContext } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const inverseTimeScheduleSchema = z.strictObject({
  type: z.literal('inverseTime'),
  decay: z.number().min(0).max(1e6).describe('Rate k in η/(1 + k·(t−1)) (≥ 0).'),
  warmupSteps,
}).describe('η_t = η/(1 + k·(t−1)).');

export class InverseTimeSchedule extends StatelessSchedule {
  constructor(
    private readonly eta: number,
    private readonly decay: number,
  ) {
    super();
  }
  learningRate(step: number): number {
    return this.eta / (1 + this.decay * (step - 1));
  }
}

export function createInverseTimeSchedule(spec: z.output<typeof inverseTimeScheduleSchema>, context: ScheduleContext) {
  return new InverseTimeSchedule(context.baseLearningRate, spec.decay);
}
