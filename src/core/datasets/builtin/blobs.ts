/**
 * Gaussian blobs: `classes` centres uniform in [−centerBox, centerBox]^d, each row a centre plus
 * spread·N(0, I); rows are dealt to classes in turn (row r has class r mod classes).
 */
import { z } from 'zod';
import { Random } from '../../random.ts';
import { defaultColumnNames } from '../dataset.ts';
import type { BuiltinDataset } from './builtin-dataset.ts';
import { classesOption, rowsOption, seedOption } from './options.ts';

const options = z.strictObject({
  builtin: z.literal('blobs'),
  rows: rowsOption(300),
  columns: z.number().int().min(1).max(1000).default(2).describe('Number of features.'),
  classes: classesOption(3),
  spread: z.number().positive().max(100).default(1).describe('Standard deviation around each centre.'),
  centerBox: z.number().positive().max(1000).default(5).describe('Centres are uniform in [−centerBox, centerBox] per feature.'),
  seed: seedOption(),
});

export const blobsDataset: BuiltinDataset<typeof options> = {
  name: 'blobs',
  description: 'Isotropic Gaussian clusters, one per class.',
  options,
  generate({ rows, columns, classes, spread, centerBox, seed }) {
    const random = new Random(seed);
    const centres = Array.from({ length: classes * columns }, () => (2 * random.next() - 1) * centerBox);
    const values = new Float64Array(rows * columns);
    const targets = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = r % classes;
      targets[r] = label;
      for (let j = 0; j < columns; j++) values[r * columns + j] = centres[label * columns + j] + spread * random.normal();
    }
    return { rows, columns, features: { kind: 'dense', values }, targets, columnNames: defaultColumnNames(columns), targetName: 'class' };
  },
};
