/** An option that takes a whole number (`--limit 20`), in decimal digits alone as the API takes them. */
import { decimalWholeNumber } from '../contracts/decimal-numbers.ts';

/**
 * The whole number option `--name` gives in `text`, from `least` to `most`; `undefined` when the
 * option is not given. Anything else throws `Refusal`, the command's own usage error.
 */
export function wholeNumberOption(Refusal: new (message: string) => Error, name: string, text: string | undefined, least = 1, most = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const value = decimalWholeNumber(text);
  if (!Number.isInteger(value) || value < least || value > most) {
    throw new Refusal(`--${name} takes a whole number ${most === Infinity ? `of at least ${least}` : `from ${least} to ${most}`}`);
  }
  return value;
}
