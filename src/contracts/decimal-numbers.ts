/**
 * Numbers as people write them, in query strings, CSV files and command options. `Number` also
 * took `0x10` for 16, `1e3` for 1000 where a whole number was meant, and an empty text for 0.
 */

/** The whole number `text` gives in decimal digits alone (`20`), NaN for anything else. */
export const decimalWholeNumber = (text: string | undefined): number => (text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN);

/**
 * The number `text` gives in decimal (`-1.5`, `2`, `1e-3`; without `exponent`, `30` and `0.5`
 * alone), NaN for anything else; a number beyond a double's range is ±Infinity.
 */
export const decimalNumber = (text: string | undefined, { exponent = true } = {}): number =>
  text !== undefined && (exponent ? /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i : /^[+-]?(\d+\.?\d*|\.\d+)$/).test(text) ? Number(text) : NaN;
