import type { z } from 'zod';
import type { Dataset } from '../dataset.ts';

/** A built-in dataset: its options (a strict zod object with `builtin: <name>`) and a generator. */
export interface BuiltinDataset<Schema extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  readonly options: Schema;
  generate(options: z.output<Schema>): Dataset;
}
