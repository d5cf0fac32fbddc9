/**
 * Interleaved spiral arms, one per class: for arm c and s uniform in [0, 1],
 * radius s and angle 2π·turns·s + 2πc/classes, plus noise·N(0, I) on each coordinate.
 */
import { z } from 'zod';
import { Random } from '../../random.ts';
import type { BuiltinDataset } from './builtin-dataset.ts';
import { classesOption, noiseOption, rowsOption, seedOption } from './options.ts';

const options = z.strictObject({
  builtin: z.literal('spirals'),
  rows: rowsOption(300),
  classes: classesOption(3),
  turns: z.number().positive().max(10).default(1).describe('Turns of each arm.'),
  noise: noiseOption(0.02),
  seed: seedOption(),
});

export const spiralsDataset: BuiltinDataset<typeof options> = {
  name: 'spirals',
  description: 'Interleaved spiral arms in the plane, one per class (not linearly separable).',
  options,
  generate({ rows, classes, turns, noise, seed }) {
    const random = new Random(seed);
    const values = new Float64Array(rows * 2);
    const targets = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const label = r % classes;
      const s = random.next();
      const angle = 2 * Math.PI * (turns * s + label / classes);
      values[2 * r] = s * Math.cos(angle) + noise * random.normal();
      values[2 * r + 1] = s * Math.sin(angle) + noise * random.normal();
      targets[r] = label;
    }
    return { rows, columns: 2, features: { kind: 'dense', values }, targets, columnNames: ['x1', 'x2'], targetName: 'class' };
  },
};
