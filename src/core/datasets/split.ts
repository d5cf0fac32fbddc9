/**
 * Train/validation split: a seeded random subset of round(fraction · rows) rows becomes the
 * validation set; the training set keeps the remaining rows in their original order, so a
 * split of 0 leaves the data (and an unshuffled run's order) unchanged.
 */
import { Random } from '../random.ts';
import { selectRows, type Dataset } from './dataset.ts';

/** Seed of the split when the objective gives none. */
export const defaultSplitSeed = 0;

/** How many of `rows` rows a split of `fraction` holds out for validation, and how many it leaves for training. */
export function splitRowCounts(rows: number, fraction: number): { training: number; validation: number } {
  const validation = Math.round(fraction * rows);
  return { training: rows - validation, validation };
}

export function splitDataset(dataset: Dataset, fraction: number, seed = defaultSplitSeed): { training: Dataset; validation: Dataset | null } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validationSplit must be in [0, 1) (got ${fraction})`);
  const { training: trainingRows, validation: validationRows } = splitRowCounts(dataset.rows, fraction);
  if (validationRows === 0) return { training: dataset, validation: null };
  if (trainingRows <= 0) throw new Error(`validationSplit ${fraction} leaves no training rows out of ${dataset.rows}`);
  const order = Int32Array.from({ length: dataset.rows }, (_, i) => i);
  new Random(seed).shuffle(order);
  const validation = order.slice(0, validationRows).sort();
  const training = order.slice(validationRows).sort();
  return { training: selectRows(dataset, training), validation: selectRows(dataset, validation) };
}
