/**
 * A pruner's decision as a checkpoint keeps it: a trial stopped by its pruner that takes several
 * slices to end (a concurrent hogwild run taking its threads' last rows) is resumed with it, and
 * ends pruned with this decision, as it would have without the restart.
 */
import { z } from 'zod';
import type { PruningDecision } from './pruner.ts';
import { finiteOrNull } from '../../training/non-finite-entries.ts';

export const pruningDecisionSchema = z.strictObject({
  prune: z.boolean(),
  rule: z.string(),
  step: z.number().int(),
  /** JSON has no NaN: null stands for the value of a trial whose metric was not finite. */
  value: z.number().nullable(),
  /** Null too for a cutoff that was not finite. */
  cutoff: z.number().nullable(),
  rung: z.number().int().nullable(),
  rank: z.number().int().nullable(),
  competitors: z.number().int(),
  message: z.string(),
});

type StoredDecision = z.output<typeof pruningDecisionSchema>;

/** The decision as a checkpoint keeps it. */
export const storedDecision = (decision: PruningDecision): StoredDecision => ({ ...decision, value: finiteOrNull(decision.value), cutoff: finiteOrNull(decision.cutoff) });

/** The decision a checkpoint kept. */
export const restoredDecision = (stored: StoredDecision): PruningDecision => ({ ...stored, value: stored.value ?? NaN });
