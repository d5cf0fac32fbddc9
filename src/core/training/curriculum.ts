/**
 * Curriculum learning (Bengio et al.; Zaremba & Sutskever, "Learning to Execute"): present easy
 * examples before hard ones. Each epoch's order is the base order (identity or the seeded
 * shuffle) stably sorted by difficulty, ties keeping their base order:
 *
 * - `by: "difficulty"`: the difficulty column given with the data (higher is harder);
 * - `by: "loss"`: each example's loss at the parameters of the epoch's start (lower is easier).
 *
 * Strategies:
 * - `naive`: the sorted order, easy → hard.
 * - `mixed`: the sorted order, but each slot independently holds, with probability
 *   `uniformFraction`, a training example drawn uniformly at random instead, so every batch
 *   mixes the curriculum with samples from the whole distribution (Zaremba & Sutskever's
 *   remedy for the naive strategy forgetting and overfitting to the easy examples). All draws
 *   come from the run's seeded generator, so the order is reproducible and checkpointable.
 */
import { z } from 'zod';
import type { Random } from '../random.ts';
import { isDataObjective, type DataObjective, type Objective } from '../objectives/objective.ts';

export const curriculumSchema = z
  .strictObject({
    by: z.enum(['difficulty', 'loss']).describe("Order by the data's difficulty column, or by each example's current loss (a model on data; a run whose objective cannot be ordered so is refused)."),
    strategy: z.enum(['naive', 'mixed']).default('naive').describe('naive: easy → hard; mixed: easy → hard with uniform samples mixed in.'),
    uniformFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe('mixed: probability that a slot holds a uniformly sampled example instead (default 0.25).'),
  })
  .describe('Curriculum learning: the order in which each epoch visits the training examples.');

export type Curriculum = z.output<typeof curriculumSchema>;

export interface CurriculumContext {
  readonly objective: DataObjective;
  /** Parameters at the start of the epoch. */
  readonly params: Float64Array;
  readonly random: Random;
}

/**
 * Why `curriculum` cannot order the rows of `objective`, or null when it can: a run asking for
 * it is refused before it is queued, as it would fail at its first update (or, taking every row
 * in each batch, ignore the curriculum).
 */
export function curriculumIssue(curriculum: Curriculum, objective: Objective): string | null {
  const rows = isDataObjective(objective) ? objective : null;
  if (curriculum.by === 'difficulty') {
    if (rows?.trainingDifficulty) return null;
    return `curriculum by difficulty needs data with a difficulty column; ${rows ? 'this data has none' : 'this objective has no rows'}`;
  }
  if (rows?.exampleLosses) return null;
  return `curriculum by loss needs a model on data (it orders the rows by their losses); ${rows ? 'this model gives no per-row losses' : 'this objective has no rows'}`;
}

/** Rewrites `order` (the epoch's base order on entry) into the curriculum order. */
export function writeCurriculumOrder(curriculum: Curriculum, order: Int32Array, context: CurriculumContext): void {
  const { objective, params, random } = context;
  const rows = order.length;
  let difficulty: Float64Array;
  if (curriculum.by === 'difficulty') {
    if (!objective.trainingDifficulty) throw new Error('curriculum by difficulty needs data with a difficulty column');
    difficulty = objective.trainingDifficulty;
  } else {
    if (!objective.exampleLosses) throw new Error('curriculum by loss needs an objective with per-example losses');
    difficulty = new Float64Array(rows);
    objective.exampleLosses(params, difficulty);
  }
  const basePosition = new Int32Array(rows);
  for (let i = 0; i < rows; i++) basePosition[order[i]] = i;
  order.sort((a, b) => difficulty[a] - difficulty[b] || basePosition[a] - basePosition[b]);
  if (curriculum.strategy === 'mixed') {
    for (let i = 0; i < rows; i++) {
      if (random.next() < curriculum.uniformFraction) order[i] = random.int(rows);
    }
  }
}
