/** The built-in datasets: one line each. `{ "builtin": "<name>", …options }` in a spec. */
import { z } from 'zod';
import type { Dataset } from '../dataset.ts';
import { blobsDataset } from './blobs.ts';
import { irisDataset } from './iris.ts';
import { linearDataset } from './linear.ts';
import { moonsDataset } from './moons.ts';
import { sparseTextDataset } from './sparse-text.ts';
import { spiralsDataset } from './spirals.ts';

const builtinDatasets = {
  iris: irisDataset,
  linear: linearDataset,
  blobs: blobsDataset,
  moons: moonsDataset,
  spirals: spiralsDataset,
  'sparse-text': sparseTextDataset,
};

export const builtinDatasetSchema = z.discriminatedUnion('builtin', [
  irisDataset.options,
  linearDataset.options,
  blobsDataset.options,
  moonsDataset.options,
  spiralsDataset.options,
  sparseTextDataset.options,
]);

export type BuiltinDatasetSource = z.output<typeof builtinDatasetSchema>;

/** Generates a built-in dataset from its parsed options. */
export function generateBuiltinDataset(source: BuiltinDatasetSource): Dataset {
  const definition = builtinDatasets[source.builtin] as { generate(options: BuiltinDatasetSource): Dataset };
  return definition.generate(source);
}
