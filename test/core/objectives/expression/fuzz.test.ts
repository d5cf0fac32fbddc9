import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../../../src/core/objectives/expression/expression-error.ts';
import { compileExpression } from '../../../../src/core/objectives/expression/expression-objective.ts';

const variables = ['x', 'y'];

/** Parses, compiles and evaluates; any error must be a clean ExpressionError. */
function survives(expression: string): void {
  try {
    const compiled = compileExpression(expression, variables);
    compiled.valueAndGradient(Float64Array.of(0.5, -1.5), new Float64Array(2));
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ExpressionError);
    expect((error as Error).message.length).toBeLessThan(300);
  }
}

const fragments = ['x', 'y', 'z', '(', ')', '(', ')', '+', '-', '*', '/', '^', ',', '.', 'e', 'pi', '1', '0.5', '1e', '1e+', '.e1', '0x', 'exp', 'max', 'pow', 'foo', ' ', '\u0000', '\uD800', '😀', '__proto__', 'constructor', 'Infinity', 'NaN'];

describe('parser fuzzing', () => {
  it('gives only clean errors on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), survives), { numRuns: 2000, seed: 11 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), survives), { numRuns: 2000, seed: 12 });
  });

  it('gives only clean errors on random token soup', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 80 }).map((parts) => parts.join('')), survives), {
      numRuns: 5000,
      seed: 13,
    });
  });

  it.each([
    ['100k opening parentheses', '('.repeat(100_000)],
    ['deep balanced parentheses under the length limit', '('.repeat(9_000) + 'x' + ')'.repeat(9_000)],
    ['deep unary minus', '-'.repeat(19_000) + 'x'],
    ['deep right-associative powers', 'x^'.repeat(9_000) + 'x'],
    ['deep function calls', 'exp('.repeat(4_000) + 'x' + ')'.repeat(4_000)],
    ['a 1e6-character identifier', 'a'.repeat(1_000_000)],
    ['a 19k-character identifier', 'a'.repeat(19_000)],
    ['a 400-digit number', '9'.repeat(400)],
    ['a tiny number', '1e-400 * x'],
    ['NUL bytes', 'x\u0000+\u0000y'],
    ['lone surrogates', 'x + \uDC00'],
    ['right-to-left override', 'x\u202E + y'],
    ['many commas', 'max(' + ','.repeat(10_000) + ')'],
    ['an unclosed call', 'max(x, '.repeat(2_000)],
  ])('finishes with a clean outcome on %s', (_, expression) => {
    survives(expression);
  });

  it('quotes at most 32 characters of a long token', () => {
    expect(() => compileExpression('a'.repeat(19_000), variables)).toThrow(`unknown variable '${'a'.repeat(32)}…' at column 1`);
  });
});
