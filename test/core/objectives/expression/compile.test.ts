import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../../../src/core/objectives/expression/compile.ts';
import { compileExpression } from '../../../../src/core/objectives/expression/expression-objective.ts';
import { functions } from '../../../../src/core/objectives/expression/operations.ts';

/** Splits generated source into tokens; throws on anything else. */
function tokens(source: string): string[] {
  const pattern = /\s+|"use strict";|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|[A-Za-z_$][\w$]*|\+=|<=|>=|[-+*/(),;=<>?:.[\]]/y;
  const found: string[] = [];
  while (pattern.lastIndex < source.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(source);
    if (!match) throw new Error(`unexpected source text at ${start}: ${source.slice(start, start + 20)}`);
    if (match[0].trim()) found.push(match[0]);
  }
  return found;
}

const allowedWords = new Set(['const', 'let', 'return', 'p', 'g', 'Math', 'NaN', 'Infinity', 'pow', 'log', 'exp', 'expm1', 'log1p', 'sqrt', 'abs', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'min', 'max']);

describe('generated source', () => {
  const names = ['secretAlpha', 'evil_Name', 'constructor_', 'Math_', 'p_', 'v1'];
  const everyFunction = [...functions.values()]
    .map((f) => (f.arity === 1 ? `${f.name}(secretAlpha * 0.25)` : `${f.name}(evil_Name + 2, constructor_)`))
    .join(' + ');
  const expression = `${everyFunction} + Math_ / (p_ + 3) ^ v1 - secretAlpha^2 + 1e-7 * pi - e + 1e300 * 1e300`;
  const compiled = compileExpression(expression, names);

  it('contains no user identifier or text', () => {
    for (const source of [compiled.source.value, compiled.source.valueAndGradient]) {
      for (const name of names) expect(source).not.toMatch(new RegExp(`\\b${name}\\b`));
      expect(source).not.toContain('pi');
    }
  });

  it('consists only of locals, indices, numbers and a fixed vocabulary', () => {
    for (const source of [compiled.source.value, compiled.source.valueAndGradient]) {
      for (const token of tokens(source)) {
        if (/^[A-Za-z_$]/.test(token)) expect(allowedWords.has(token) || /^[va]\d+$/.test(token), token).toBe(true);
      }
    }
  });

  it('folds constants and prints non-finite ones as literals', () => {
    const overflow = compileExpression('x + 1e300 * 1e300', ['x']);
    expect(overflow.source.value).toContain('Infinity');
    expect(overflow.value(Float64Array.of(1))).toBe(Infinity);
  });

  it('evaluates the same whichever names the variables have', () => {
    const a = compileExpression('alpha * beta^2', ['alpha', 'beta']);
    const b = compileExpression('x * y^2', ['x', 'y']);
    expect(a.source).toEqual(b.source);
  });

  it('shares common subexpressions', () => {
    const compiled = compileExpression('(y - x^2)^2 + sin(y - x^2) + x^2', ['x', 'y']);
    expect(compiled.source.value.match(/v\d+ \* v\d+/g)).toHaveLength(2); // x·x once, (y − x²)² once
    expect(compiled.source.value.match(/ - /g)).toHaveLength(1);
  });
});

describe('formatNumber', () => {
  it('round-trips every double, signed zeros and non-finite values included', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(Object.is(new Function(`return ${formatNumber(value)};`)(), value)).toBe(true);
      }),
      { numRuns: 2000, seed: 3 },
    );
    for (const value of [-0, 0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 1e21, 1e-7]) {
      expect(Object.is(new Function(`return ${formatNumber(value)};`)(), value)).toBe(true);
    }
  });
});
