/** The optimizer registry: one line per optimizer. It drives the API, the catalogue and the tests. */
import type { OptimizerDefinition } from './optimizer.ts';
import { sgd } from './sgd.ts';
import { momentum } from './momentum.ts';
import { nesterov } from './nesterov.ts';
import { adagrad } from './adagrad.ts';
import { adadelta } from './adadelta.ts';
import { rmsprop } from './rmsprop.ts';
import { adam } from './adam.ts';
import { adamax } from './adamax.ts';
import { nadam } from './nadam.ts';
import { amsgrad } from './amsgrad.ts';
import { adamw } from './adamw.ts';
import { radam } from './radam.ts';

export const optimizers = {
  sgd,
  momentum,
  nesterov,
  adagrad,
  adadelta,
  rmsprop,
  adam,
  adamax,
  nadam,
  amsgrad,
  adamw,
  radam,
} satisfies Record<string, OptimizerDefinition>;

export type OptimizerName = keyof typeof optimizers;
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];
