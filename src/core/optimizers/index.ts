/** The optimizer registry: one line per optimizer. It drives the API, the catalogue and the tests. */
import type { OptimizerDefinition } from './optimizer.ts';
import { sgd } from './sgd.ts';

export const optimizers = {
  sgd,
} satisfies Record<string, OptimizerDefinition>;

export type OptimizerName = keyof typeof optimizers;
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];
