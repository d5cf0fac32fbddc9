/**
 * Text-like sparse binary classification with rare but informative features, the setting where
 * the overview recommends Adagrad: each row is a bag of `wordsPerRow` word draws from a Zipf
 * distribution over `columns` words (P(word j) ∝ 1/(j + 1)^zipfExponent), stored as the count of
 * each distinct word. The `commonWords` most frequent words carry no signal (stop words); every other
 * word has a weight ±1 of random sign. The label is 1 when the summed weights of the row's words
 * are positive, 0 when negative, a fair coin when zero, then flipped with probability
 * `labelNoise`. Informative words are rare while the frequent words have large counts, so plain
 * SGD, whose step size is limited by the frequent words' curvature, learns the rare weights
 * slowly; Adagrad's per-coordinate step does not have that limit.
 */
import { z } from 'zod';
import { Random } from '../../random.ts';
import { defaultColumnNames } from '../dataset.ts';
import type { BuiltinDataset } from './builtin-dataset.ts';
import { rowsOption, seedOption } from './options.ts';

const options = z.strictObject({
  builtin: z.literal('sparse-text'),
  rows: rowsOption(2000),
  columns: z.number().int().min(10).max(100_000).default(1000).describe('Vocabulary size.'),
  wordsPerRow: z.number().int().min(1).max(1000).default(20).describe('Word draws per row (a repeated word counts up).'),
  commonWords: z.number().int().min(0).max(10_000).default(10).describe('The most frequent words, which carry no signal.'),
  zipfExponent: z.number().min(0).max(4).default(1).describe('Exponent s of the word frequencies ∝ 1/(rank)^s.'),
  labelNoise: z.number().min(0).max(0.5).default(0.05).describe('Probability of flipping each label.'),
  seed: seedOption(),
});

export const sparseTextDataset: BuiltinDataset<typeof options> = {
  name: 'sparse-text',
  description: 'Sparse bag-of-words classification with rare informative words (Adagrad vs SGD).',
  options,
  generate({ rows, columns, wordsPerRow, commonWords, zipfExponent, labelNoise, seed }) {
    const random = new Random(seed);
    const cumulative = new Float64Array(columns);
    let total = 0;
    for (let j = 0; j < columns; j++) cumulative[j] = total += 1 / (j + 1) ** zipfExponent;
    const weights = new Float64Array(columns);
    for (let j = commonWords; j < columns; j++) weights[j] = random.next() < 0.5 ? -1 : 1;

    const rowStarts = new Int32Array(rows + 1);
    const indices: number[] = [];
    const targets = new Float64Array(rows);
    const counts: number[] = [];
    const words = new Map<number, number>();
    for (let r = 0; r < rows; r++) {
      words.clear();
      for (let k = 0; k < wordsPerRow; k++) {
        const word = lowerBound(cumulative, random.next() * total);
        words.set(word, (words.get(word) ?? 0) + 1);
      }
      const sorted = [...words.keys()].sort((a, b) => a - b);
      let score = 0;
      for (const word of sorted) {
        indices.push(word);
        counts.push(words.get(word)!);
        score += weights[word];
      }
      rowStarts[r + 1] = indices.length;
      let label = score > 0 ? 1 : score < 0 ? 0 : random.next() < 0.5 ? 1 : 0;
      if (random.next() < labelNoise) label = 1 - label;
      targets[r] = label;
    }
    return {
      rows,
      columns,
      features: { kind: 'sparse', rowStarts, indices: Int32Array.from(indices), values: Float64Array.from(counts) },
      targets,
      columnNames: defaultColumnNames(columns),
      targetName: 'label',
    };
  },
};

/** The first index whose cumulative weight reaches `value`. */
function lowerBound(cumulative: Float64Array, value: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
