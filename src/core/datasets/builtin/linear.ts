/**
 * Linear regression data: x ~ N(0, I), y = w·x + b + noise·N(0, 1), with w ~ N(0, I) and
 * b ~ N(0, 1) drawn from the same seed (first, before the rows).
 */
import { z } from 'zod';
import { Random } from '../../random.ts';
import { defaultColumnNames } from '../dataset.ts';
import type { BuiltinDataset } from './builtin-dataset.ts';
import { noiseOption, rowsOption, seedOption } from './options.ts';

const options = z.strictObject({
  builtin: z.literal('linear'),
  rows: rowsOption(200),
  columns: z.number().int().min(1).max(1000).default(5).describe('Number of features.'),
  noise: noiseOption(0.1),
  seed: seedOption(),
});

export const linearDataset: BuiltinDataset<typeof options> = {
  name: 'linear',
  description: 'Linear regression with Gaussian features and noise.',
  options,
  generate({ rows, columns, noise, seed }) {
    const random = new Random(seed);
    const weights = Array.from({ length: columns }, () => random.normal());
    const bias = random.normal();
    const values = new Float64Array(rows * columns);
    const targets = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let y = bias;
      for (let j = 0; j < columns; j++) {
        const x = random.normal();
        values[r * columns + j] = x;
        y += weights[j] * x;
      }
      targets[r] = y + noise * random.normal();
    }
    return { rows, columns, features: { kind: 'dense', values }, targets, columnNames: defaultColumnNames(columns), targetName: 'y' };
  },
};
