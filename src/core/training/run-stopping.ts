/**
 * A concurrent run that is stopping but has not ended: its replicas were told to stop (a stop
 * rule, a divergence, a cancel, a sweep's pruner, the tenant's metric-rows quota) and its
 * coordinator is still taking the rows of the updates they made before (a hogwild run's rings,
 * over several calls when each may return only so many rows), or waiting for them to push their
 * last steps (a parameter server's replicas, queue jobs of their own). Its checkpoints keep why,
 * so that a resume (a redelivery after the worker died in the middle of it) makes no update: it
 * only takes the rows left (or waits for the replicas' last pushes), and ends with the reason, the
 * sentence, the steps and the last row the run would have ended with without the restart.
 */
import { z } from 'zod';
import { pruningDecisionSchema } from '../sweep/pruners/pruning-decision.ts';
import { nonFiniteEntriesSchema } from './non-finite-entries.ts';
import { trackerStateSchema } from './state-schemas.ts';
import { stopReasons } from './stop-reasons.ts';

/** A measure as JSON keeps it: null stands for one that is not finite (JSON has no NaN or ±Infinity). */
const measure = z.number().nullable();

export const runStoppingSchema = z.strictObject({
  reason: z.enum(stopReasons),
  /**
   * The updates completed when the checkpoint was taken. A hogwild run resumed ends at this step:
   * no thread starts on that resume, so an update still in flight then (a thread descheduled before
   * it saw the stop) is lost with its row; the ticks every row of which was published may be fewer.
   * A parameter server's run counts what its server says, the replicas' last pushes included.
   */
  completed: z.number().int().min(0),
  /** The sentence the stop came with (a thread's error); null when the end writes it from the reason. */
  message: z.string().nullable(),
  /** The record at which a stop rule fired, with early stopping's tracker as it was then: the sentence names them, not the later records. */
  rule: z.strictObject({ t: z.number().int().min(0), loss: measure, gradNorm: measure, tracker: trackerStateSchema }).nullable(),
  /** The replicas' report of a value that is not finite: 1 + the index of a parameter, −1 a loss, 0 none. */
  diverged: z.number().int(),
  /** The decision of the sweep's pruner that stopped the trial, which its result keeps (`result.pruning`). */
  pruning: pruningDecisionSchema.nullable(),
  /** Whether the tenant's metric-rows quota stopped the run (a cancel then), which its result says (`metric_rows_quota`). */
  atQuota: z.boolean(),
  /**
   * The coordinator's last row: its step and the parameters then, those not finite aside. The row
   * the run ends with, of the steps made after it, measures its update norm from them, and is due
   * only past that step (not past the checkpoint's, which counts the steps made since). Checkpoints
   * of the previous release lack it.
   */
  lastRow: z.strictObject({ step: z.number().int().min(0), params: z.array(z.number()), nonFinite: nonFiniteEntriesSchema.optional() }).optional(),
});

export type RunStopping = z.output<typeof runStoppingSchema>;
