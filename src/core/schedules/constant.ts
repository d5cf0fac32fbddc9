/** Constant learning rate: η_t = η. */
import { z } from 'zod';
import { StatelessSchedule, type ScheduleContext } from './schedule.ts';
import { warmupSteps } from './warmup.ts';

export const constantScheduleSchema = z.strictObject({
  type: z.literal('constant'),
  warmupSteps,
}).describe('η_t = η.');

export class ConstantSchedule extends StatelessSchedule {
  constructor(private readonly eta: number) {
    super();
  }
  learningRate(): number {
    return this.eta;
  }
}

export function createConstantSchedule(_spec: z.output<typeof constantScheduleSchema>, context: ScheduleContext) {
  return new ConstantSchedule(context.baseLearningRate);
}
