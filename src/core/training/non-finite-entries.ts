/**
 * An array's entries that are not finite, as a checkpoint keeps them: for each of NaN, Infinity
 * and −Infinity the runs of consecutive entries holding it, each its start and its length one
 * after the other in one array of numbers, with 0 in their place in the array. JSON has no NaN or
 * ±Infinity (JSON.stringify writes null) and a checkpoint's numbers are finite, so a checkpoint
 * of a diverged concurrent run, taken while its coordinator takes the last rows, could not be
 * resumed from (θ, or a row's measures, not finite); the run then failed instead of ending
 * diverged, naming the parameter, as it would have without the restart.
 *
 * Runs keep a diverged dense model small (θ all NaN is one run), and a long array of them is
 * stored as float64 bytes like the parameters (checkpoint-encoding.ts), not as JSON text.
 */
import { z } from 'zod';

const kinds = ['NaN', 'Infinity', '-Infinity'] as const;
type NonFiniteKind = (typeof kinds)[number];

const runs = z.array(z.number().int().min(0)).refine((values) => values.length % 2 === 0, 'runs come as a start and a length each');

export const nonFiniteEntriesSchema = z.strictObject({ NaN: runs.optional(), Infinity: runs.optional(), '-Infinity': runs.optional() });

export type NonFiniteEntries = z.output<typeof nonFiniteEntriesSchema>;

/** A number as JSON keeps it: null for one that is not finite (JSON has no NaN or ±Infinity), and for null. */
export const finiteOrNull = (value: number | null): number | null => (value !== null && Number.isFinite(value) ? value : null);

const kindOf = (value: number): NonFiniteKind => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
const valueOf: Record<NonFiniteKind, number> = { NaN, Infinity, '-Infinity': -Infinity };

/**
 * `values` as an array of finite numbers (0 for each entry that is not: a copy then), and the
 * runs of those entries (null when every entry is finite).
 */
export function splitNonFinite(values: Float64Array | readonly number[]): { finite: number[]; nonFinite: NonFiniteEntries | null } {
  let finite = Array.isArray(values) ? (values as number[]) : Array.from(values);
  let nonFinite: Partial<Record<NonFiniteKind, number[]>> | null = null;
  for (let i = 0; i < finite.length; i++) {
    const value = finite[i];
    if (Number.isFinite(value)) continue;
    if (finite === values) finite = finite.slice();
    nonFinite ??= {};
    const kind = kindOf(value);
    const list = (nonFinite[kind] ??= []);
    // The run the entry before opened or extended, when it held the same value.
    if (list.length > 0 && list[list.length - 2] + list[list.length - 1] === i) list[list.length - 1]++;
    else list.push(i, 1);
    finite[i] = 0;
  }
  return { finite, nonFinite };
}

/** Puts the entries `splitNonFinite` took out back into `values`; a run outside them (a corrupt checkpoint) is refused. */
export function joinNonFinite(values: Float64Array | number[], nonFinite: NonFiniteEntries | undefined): void {
  if (nonFinite === undefined) return;
  for (const kind of kinds) {
    const list = nonFinite[kind] ?? [];
    for (let i = 0; i < list.length; i += 2) {
      const [start, length] = [list[i], list[i + 1]];
      if (length < 1 || start + length > values.length) {
        throw new Error(`The checkpoint's ${kind} entries ${start} to ${start + length - 1} are outside its ${values.length} values.`);
      }
      values.fill(valueOf[kind], start, start + length);
    }
  }
}
