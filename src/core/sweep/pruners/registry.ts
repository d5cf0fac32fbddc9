/** The pruner registry: one line per pruner. It drives the sweep spec, the catalogue and the tests. */
import type { PrunerDefinition } from './pruner.ts';
import { noPruner } from './no-pruner.ts';
import { medianPruner } from './median-pruner.ts';
import { ashaPruner } from './asha-pruner.ts';

export const pruners = {
  none: noPruner,
  median: medianPruner,
  asha: ashaPruner,
} satisfies Record<string, PrunerDefinition>;

export type PrunerType = keyof typeof pruners;
export const prunerTypes = Object.keys(pruners) as PrunerType[];
