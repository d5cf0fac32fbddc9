/**
 * PostgreSQL array literals (`{1,2.5,NULL}`) built from numbers, sent as one text parameter and
 * cast in SQL (`$3::float8[]`). Cheaper than letting node-postgres escape a JS array element by
 * element, and exact: JavaScript's shortest round-trip digits parse back to the same double.
 */

/** How a NaN is written: as NULL (a missing value) or as the float8 NaN. */
export type NaNAs = 'null' | 'nan';

/** A number's digits, `-0` for a negative zero (which String gives as `0`). */
export const numberText = (value: number): string => (value === 0 && 1 / value < 0 ? '-0' : String(value));

/** One element: `NULL` for null (and for NaN when asked), `NaN`, `Infinity`, or the digits. */
function numberElement(value: number | null | undefined, nanAs: NaNAs): string {
  if (value === null || value === undefined) return 'NULL';
  if (Number.isNaN(value)) return nanAs === 'null' ? 'NULL' : 'NaN';
  return numberText(value);
}

export function numberArrayLiteral(values: ArrayLike<number | null>, nanAs: NaNAs = 'nan'): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) text += (i ? ',' : '') + numberElement(values[i], nanAs);
  return text + '}';
}

/** A text[] literal whose elements are number array literals (one per row), for `elem::float8[]`. */
export function nestedArrayLiteral(rows: readonly (ArrayLike<number> | null | undefined)[]): string {
  let text = '{';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // The inner literal holds only digits, signs, dots, letters of NaN/Infinity and commas: quoting is enough.
    text += (i ? ',' : '') + (row === null || row === undefined ? 'NULL' : `"${numberArrayLiteral(row)}"`);
  }
  return text + '}';
}
