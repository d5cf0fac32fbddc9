import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../../../src/core/objectives/expression/expression-error.ts';
import { compileExpression } from '../../../../src/core/objectives/expression/expression-objective.ts';
import { expressionLimits } from '../../../../src/core/objectives/expression/limits.ts';
import { parseExpression, variableProblems } from '../../../../src/core/objectives/expression/parser.ts';

const variables = ['x', 'y'];
function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const at = (expression: string, x = 3, y = -2) => compileExpression(expression, variables).value(Float64Array.of(x, y));

describe('expression grammar', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512], // right-associative
    ['-2 ^ 2', -4], // unary minus binds looser than ^
    ['-x^2', -9],
    ['2 ^ -1', 0.5],
    ['x - -y', 1],
    ['+x', 3],
    ['--x', 3],
    ['-x * y', 6],
    ['8 / 4 / 2', 1], // left-associative
    ['10 - 4 - 3', 3],
    ['x*y^2', 12],
    ['.5 + 5. + 1e-3 + 1E+3 + 2e2', 0.5 + 5 + 1e-3 + 1e3 + 200],
    ['007', 7],
    ['pi', Math.PI],
    ['e', Math.E],
    ['2*e', 2 * Math.E],
    ['exp(1) - e', 0],
    ['max(x, y) + min(x, y)', 1],
    ['pow(2, 10)', 1024],
    ['pow(x, 2)', 9],
    ['abs(y)', 2],
    ['sqrt(16)', 4],
    ['log(e)', 1],
    ['sigmoid(0)', 0.5],
    ['softplus(0)', Math.log(2)],
    ['softplus(1000)', 1000],
    ['softplus(-1000)', 0],
    ['tanh(0) + sin(0) + cos(0) + tan(0) + atan(0) + sinh(0) + cosh(0)', 2],
    ['log1p(0) + expm1(0) + asin(0) + acos(1)', 0],
    ['  x\t+\ny\r ', 1],
    ['x^0.5', Math.sqrt(3)],
    ['1/0', Infinity],
  ])('%s = %d', (expression, expected) => {
    expect(at(expression)).toBeCloseTo(expected, 12);
  });

  it('evaluates x^2 exactly as x·x and x^3 as (x·x)·x', () => {
    const x = 1.1;
    expect(at('x^2', x)).toBe(x * x);
    expect(at('x^3', x)).toBe(x * x * x);
    const x4 = x * x * (x * x);
    expect(at('x^16', x)).toBe(x4 * x4 * (x4 * x4));
    expect(Math.abs(at('x^13', x) / Math.pow(x, 13) - 1)).toBeLessThan(1e-15);
  });
});

describe('expression errors name the position', () => {
  it.each([
    ['(x + y))', "unexpected ')' at column 8"],
    ['x + )', "unexpected ')' at column 5"],
    ['x +', 'unexpected end of expression at column 4'],
    ['', 'unexpected end of expression at column 1'],
    ['(x + 1', "missing ')' to close the '(' at column 1"],
    ['max(x, y', "missing ')' to close the call of 'max' at column 1"],
    ['x + z', "unknown variable 'z' at column 5"],
    ['zz', "unknown variable 'zz' at column 1"],
    ['foo(x)', "function 'foo' does not exist at column 1"],
    ['constructor(x)', "function 'constructor' does not exist at column 1"],
    ['x + __proto__', "unknown variable '__proto__' at column 5"],
    ['x(2)', "'x' is a variable, not a function at column 1"],
    ['exp + 1', "function 'exp' must be called with arguments in parentheses at column 1"],
    ['max(x)', "function 'max' takes 2 arguments, got 1 at column 1"],
    ['1 + exp(x, y)', "function 'exp' takes 1 argument, got 2 at column 5"],
    ['sin()', "function 'sin' takes 1 argument, got 0 at column 1"],
    ['2x', "unexpected 'x' at column 2"],
    ['x y', "unexpected 'y' at column 3"],
    ['1.2.3', "unexpected '.3' at column 4"],
    ['0x1F', 'hexadecimal, octal and binary numbers are not supported; write the number in decimal at column 1'],
    ['1_000', 'numeric separators (_) are not supported in numbers at column 2'],
    ['1e999', "number '1e999' is too large for a double at column 1"],
    ['x ** 2', "unexpected '*' at column 4"],
    ['x # 2', "unexpected character '#' (U+0023) at column 3"],
    ['x + é', "unexpected character 'é' (U+00E9) at column 5"],
    ['x\u0000', 'unexpected character U+0000 at column 2'],
    ['x,y', "unexpected ',' at column 2"],
  ])('%j → %s', (expression, message) => {
    const error = errorOf(() => parseExpression(expression, variables));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toBe(message);
  });

  it('reports the column of the error token', () => {
    try {
      parseExpression('(1 - x)^2 + 100*(y - x^2)^2) + 1', variables);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect((error as ExpressionError).column).toBe('(1 - x)^2 + 100*(y - x^2)^2)'.length);
    }
  });

  it.each([
    ['x'.repeat(expressionLimits.maxLength + 1), `expression is ${expressionLimits.maxLength + 1} characters long; the limit is ${expressionLimits.maxLength}`],
    ['('.repeat(200) + 'x' + ')'.repeat(200), `expression is nested more than ${expressionLimits.maxDepth} levels deep at column 101`],
    ['-'.repeat(150) + 'x', `expression is nested more than ${expressionLimits.maxDepth} levels deep at column 101`],
    ['x^'.repeat(150) + 'x', `expression is nested more than ${expressionLimits.maxDepth} levels deep at column 201`],
    [Array(3000).fill('x').join('+'), `expression has more than ${expressionLimits.maxNodes} nodes at column 5002`],
  ])('limit %#', (expression, message) => {
    expect(errorOf(() => parseExpression(expression, variables)).message).toBe(message);
  });

  it('accepts a long flat sum, which nests only in the tree', () => {
    const terms = Array.from({ length: 1000 }, (_, k) => `${k % 7}*x`);
    const expression = terms.join(' + ');
    const expected = terms.reduce((sum, _, k) => sum + (k % 7) * 3, 0);
    expect(at(expression)).toBe(expected);
  });

  it('parses the depth limit itself', () => {
    const depth = expressionLimits.maxDepth - 1;
    expect(at('('.repeat(depth) + 'x' + ')'.repeat(depth))).toBe(3);
  });
});

describe('variables', () => {
  it.each([
    [['x', 'x'], "variable 'x' is listed twice (positions 1 and 2)"],
    [['1x'], "variable 1: '1x' is not a valid name (letters, digits and _, not starting with a digit)"],
    [['a b'], "variable 1: 'a b' is not a valid name (letters, digits and _, not starting with a digit)"],
    [[''], "variable 1: '' is not a valid name (letters, digits and _, not starting with a digit)"],
    [['x', 'exp'], "variable 2: 'exp' is the name of a function"],
    [['pi'], "variable 1: 'pi' is the name of a constant"],
    [['v'.repeat(65)], `variable 1: name is longer than ${expressionLimits.maxVariableNameLength} characters`],
  ])('%j → %s', (names, message) => {
    expect(variableProblems(names)).toContainEqual(expect.objectContaining({ message }));
    expect(() => parseExpression('1', names)).toThrow(message);
  });

  it('reports every problem, with its index', () => {
    expect(variableProblems(['x', '2', 'x', 'y'])).toEqual([
      { index: 1, message: expect.stringContaining("'2' is not a valid name") },
      { index: 2, message: "variable 'x' is listed twice (positions 1 and 3)" },
    ]);
  });

  it('limits the count', () => {
    const names = Array.from({ length: expressionLimits.maxVariables + 1 }, (_, k) => `x${k}`);
    expect(variableProblems(names)).toEqual([{ index: null, message: `${names.length} variables; the limit is ${expressionLimits.maxVariables}` }]);
  });

  it('orders the gradient as the variables are listed', () => {
    const compiled = compileExpression('3*b + 5*a', ['a', 'unused', 'b']);
    const gradient = new Float64Array(3).fill(NaN);
    compiled.valueAndGradient(Float64Array.of(1, 1, 1), gradient);
    expect([...gradient]).toEqual([5, 0, 3]);
  });
});
