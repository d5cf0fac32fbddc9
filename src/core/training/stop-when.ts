/** `stopWhen`: targets that end a run early with loss_target or grad_norm_target. */
import { z } from 'zod';

export const stopWhenSchema = z
  .strictObject({
    lossBelow: z.number().finite().optional().describe('Stop (loss_target) after the first update whose loss is below this value.'),
    gradNormBelow: z.number().positive().finite().optional().describe('Stop (grad_norm_target) after the first update whose gradient norm ‖g‖₂ is below this value.'),
  })
  .describe('Targets; each is checked on the loss and raw gradient at the parameters before every update.');

export type StopWhen = z.output<typeof stopWhenSchema>;
