/**
 * The whole number an option's text gives (`--limit 20`), NaN for anything but decimal digits:
 * `Number` took `0x10` for 16, `1e3` for 1000 and an empty value for 0, where the API's query
 * strings and CSV files take decimal digits alone.
 */
export const decimalWholeNumber = (text: string | undefined): number => (text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN);
