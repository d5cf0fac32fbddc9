/** How a run ended, as clients see it: `result` of a run view and of a final `status` event. */
import { z } from 'zod';
import { stopReasonRegistry, stopReasons } from '../core/training/index.ts';
import { pruningSchema } from './sweep-view.ts';
import { parallelReportSchema } from './parallel-report.ts';

export const stopReasonSchema = z
  .enum(stopReasons)
  .meta({ id: 'StopReason', description: stopReasons.map((reason) => `\`${reason}\`: ${stopReasonRegistry[reason].description}`).join(' ') });

export const runResultSchema = z
  .object({
    stopReason: stopReasonSchema,
    message: z.string().describe('The stop reason in a sentence for humans.'),
    finalLoss: z.number().nullable(),
    bestLoss: z.number().nullable(),
    bestStep: z.number().int().nullable(),
    steps: z.number().int(),
    params: z.array(z.number().nullable()).nullable().describe('Final parameters; an entry is null where it is not finite (a diverged run).'),
    pruning: pruningSchema.optional().describe("A pruned trial's reason: the rule, the step, its value against the cutoff, its rank among the competitors."),
    parallel: parallelReportSchema.optional().describe("A parallel run's replicas: steps, exchanges, staleness, distance to the center, throughput."),
  })
  .meta({ id: 'RunResult' });

export type RunResultView = z.output<typeof runResultSchema>;
