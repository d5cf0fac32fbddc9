/**
 * A whole number in a query string (`limit`, `offset`, `from`, `maxPoints`, ...): decimal digits
 * only, as people write them and as CSV uploads read them. Coercing with `Number` took `0x10` for
 * 16 and `1e3` for 1000, and read an empty `limit=` as 0, to be refused as "too small"; each is
 * refused here, naming the parameter and what it takes.
 */
import { z } from 'zod';

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
    if (/^\d+$/.test(value)) return Number(value);
    context.addIssue({
      code: 'invalid_type',
      expected: 'number',
      input: value,
      message: value.trim() === '' ? `${name} is empty; give ${range}.` : `${name} is not ${range}: ${JSON.stringify(value)}.`,
    });
    return z.NEVER;
  }, fallback === undefined ? bounded.optional() : bounded.default(fallback));
}
