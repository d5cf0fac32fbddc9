/**
 * Two interleaving half circles (as scikit-learn's make_moons): class 0 on
 * (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t), t uniform in [0, π], plus noise·N(0, I).
 */
import { z } from 'zod';
import { Random } from '../../random.ts';
import type { BuiltinDataset } from './builtin-dataset.ts';
import { noiseOption, rowsOption, seedOption } from './options.ts';

const options = z.strictObject({
  builtin: z.literal('moons'),
  rows: rowsOption(200),
  noise: noiseOption(0.1),
  seed: seedOption(),
});

export const moonsDataset: BuiltinDataset<typeof options> = {
  name: 'moons',
  description: 'Two interleaving half moons in the plane (binary classification).',
  options,
  generate({ rows, noise, seed }) {
    const random = new Random(seed);
    const values = new Float64Array(rows * 2);
    const targets = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = r % 2;
      const t = Math.PI * random.next();
      const x = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const y = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      values[2 * r] = x + noise * random.normal();
      values[2 * r + 1] = y + noise * random.normal();
      targets[r] = label;
    }
    return { rows, columns: 2, features: { kind: 'dense', values }, targets, columnNames: ['x1', 'x2'], targetName: 'class' };
  },
};
