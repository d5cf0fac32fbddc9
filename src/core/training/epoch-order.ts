/**
 * The order in which an epoch visits the training examples. This is the one place that decides
 * it: identity, or a seeded Fisher–Yates shuffle each epoch (Ruder §5.1: shuffle to avoid
 * presenting examples in a meaningful order). Curriculum learning plugs in here.
 */
import type { Random } from '../random.ts';
import type { DataObjective } from '../objectives/objective.ts';
import { writeCurriculumOrder, type Curriculum } from './curriculum.ts';

export interface EpochOrderContext {
  /** 1-based epoch about to start. */
  readonly epoch: number;
  readonly shuffle: boolean;
  readonly random: Random;
  readonly objective: DataObjective;
  /** Parameters at the start of the epoch (for orders that depend on per-example losses). */
  readonly params: Float64Array;
  /** Curriculum learning: reorders the (shuffled or identity) base order easy → hard. */
  readonly curriculum?: Curriculum;
}

/** Writes the visiting order of epoch `context.epoch` into `order` (a permutation of rows). */
export function buildEpochOrder(order: Int32Array, context: EpochOrderContext): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (context.shuffle) context.random.shuffle(order);
  if (context.curriculum) writeCurriculumOrder(context.curriculum, order, context);
}
