/**
 * A whole number in a query string (`limit`, `offset`, `from`, `maxPoints`, ...): decimal digits
 * only, as people write them and as CSV uploads read them. Coercing with `Number` took `0x10` for
 * 16 and `1e3` for 1000, and read an empty `limit=` as 0, to be refused as "too small"; each, and
 * a number out of range, is refused here, naming the parameter and what it takes.
 */
import { z } from 'zod';
import { decimalWholeNumber } from '../../contracts/decimal-numbers.ts';

interface Bounds {
  readonly min: number;
  readonly max?: number;
}

/** The parameter `name`, from `min` to `max`; left out, `fallback` when given (and `undefined` else). */
export function queryInteger(name: string, bounds: Bounds): z.ZodType<number | undefined, unknown>;
export function queryInteger(name: string, bounds: Bounds, fallback: number): z.ZodType<number, unknown>;
export function queryInteger(name: string, { min, max }: Bounds, fallback?: number): z.ZodType {
  const range = `a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}, in decimal digits`;
  const bounded = max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max);
  return z.preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    const number = decimalWholeNumber(value);
    // Out of range too gets the parameter's own words, not the schema's "Too small" or a
    // "received Infinity" for more digits than a double holds.
    if (Number.isSafeInteger(number) && number >= min && (max === undefined || number <= max)) return number;
    const shown = JSON.stringify(value.length > 24 ? `${value.slice(0, 20)}…` : value);
    const message = value.trim() === '' ? `${name} is empty; give ${range}.` : `${name} is not ${range}: ${shown}.`;
    if (Number.isNaN(number)) context.addIssue({ code: 'invalid_type', expected: 'number', input: value, message });
    else if (number < min) context.addIssue({ code: 'too_small', origin: 'number', minimum: min, inclusive: true, input: value, message });
    else context.addIssue({ code: 'too_big', origin: 'number', maximum: max ?? Number.MAX_SAFE_INTEGER, inclusive: true, input: value, message });
    return z.NEVER;
  }, fallback === undefined ? bounded.optional() : bounded.default(fallback));
}
