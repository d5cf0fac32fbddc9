/**
 * An array's entries that are not finite, as a checkpoint keeps them: each its index and its
 * name, with 0 in its place in the array. JSON has no NaN or ±Infinity (JSON.stringify writes
 * null) and a checkpoint's numbers are finite, so a checkpoint of a diverged concurrent run, taken
 * while its coordinator takes the last rows, could not be resumed from (θ, or a row's measures,
 * not finite); the run then failed instead of ending diverged, naming the parameter, as it would
 * have without the restart.
 */
import { z } from 'zod';

const names = ['NaN', 'Infinity', '-Infinity'] as const;
type NonFiniteName = (typeof names)[number];

export const nonFiniteEntriesSchema = z.array(z.tuple([z.number().int().min(0), z.enum(names)]));

export type NonFiniteEntries = z.output<typeof nonFiniteEntriesSchema>;

const nameOf = (value: number): NonFiniteName => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
const valueOf: Record<NonFiniteName, number> = { NaN, Infinity, '-Infinity': -Infinity };

/** `values` as an array of finite numbers (0 for each entry that is not: a copy then), and those entries. */
export function splitNonFinite(values: Float64Array | readonly number[]): { finite: number[]; nonFinite: NonFiniteEntries } {
  let finite = Array.isArray(values) ? (values as number[]) : Array.from(values);
  const nonFinite: NonFiniteEntries = [];
  for (let i = 0; i < finite.length; i++) {
    if (Number.isFinite(finite[i])) continue;
    if (finite === values) finite = finite.slice();
    nonFinite.push([i, nameOf(finite[i])]);
    finite[i] = 0;
  }
  return { finite, nonFinite };
}

/** Puts the entries `splitNonFinite` took out back into `values`. */
export function joinNonFinite(values: Float64Array | number[], nonFinite: NonFiniteEntries): void {
  for (const [index, name] of nonFinite) if (index < values.length) values[index] = valueOf[name];
}
