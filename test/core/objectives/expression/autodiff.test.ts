import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileTape } from '../../../../src/core/objectives/expression/compile.ts';
import { compileExpression, createExpressionObjective } from '../../../../src/core/objectives/expression/expression-objective.ts';
import { interpretTape } from '../../../../src/core/objectives/expression/interpret.ts';
import { parseExpression } from '../../../../src/core/objectives/expression/parser.ts';
import { buildTape } from '../../../../src/core/objectives/expression/tape.ts';
import { checkGradient } from '../../../../src/core/objectives/gradient-check.ts';
import { benchmarks } from '../../../../src/core/objectives/benchmarks/index.ts';
import { anyExpression, point, smoothExpression, variables } from './random-expressions.ts';

interface ReferenceCase {
  id: string;
  objective: { name: 'rosenbrock' | 'beale'; expression: string; variables: string[] };
  theta0: number[];
  theta: number[][];
  loss: number[];
}
const reference: ReferenceCase[] = JSON.parse(readFileSync(new URL('../../../fixtures/reference/paper.json', import.meta.url), 'utf8'));

function bothPaths(expression: string) {
  const tape = buildTape(parseExpression(expression, variables).root, variables.length);
  return { compiled: compileTape(tape), interpreted: interpretTape(tape) };
}

describe('reverse-mode differentiation', () => {
  it('matches central finite differences on random smooth expressions', () => {
    fc.assert(
      fc.property(smoothExpression, point, (expression, [x, y, z]) => {
        const objective = createExpressionObjective({ expression, variables });
        const result = checkGradient(objective, Float64Array.of(x, y, z), { tolerance: 1e-6 });
        expect(result.passed, `${expression} at ${[x, y, z]}: ${JSON.stringify(result.coordinates)}`).toBe(true);
      }),
      { numRuns: 400, seed: 20240611 },
    );
  });

  it('differentiates each function exactly at a point', () => {
    const cases: [string, number, number][] = [
      // [expression in x, x, d/dx]
      ['exp(x)', 0.3, Math.exp(0.3)],
      ['log(x)', 0.3, 1 / 0.3],
      ['sqrt(x)', 4, 0.25],
      ['abs(x)', -2, -1],
      ['abs(x)', 0, 0],
      ['sin(x)', 0.3, Math.cos(0.3)],
      ['cos(x)', 0.3, -Math.sin(0.3)],
      ['tan(x)', 0.3, 1 / Math.cos(0.3) ** 2],
      ['tanh(x)', 0.3, 1 - Math.tanh(0.3) ** 2],
      ['sigmoid(x)', 0, 0.25],
      ['softplus(x)', 0, 0.5],
      ['min(x, 1)', 0.5, 1],
      ['min(x, 1)', 2, 0],
      ['max(x, 1)', 2, 1],
      ['pow(x, 2.5)', 4, 2.5 * 4 ** 1.5],
      ['pow(2, x)', 3, Math.log(2) * 8],
      ['x^x', 2, 4 * (Math.log(2) + 1)],
      ['0^x', 2, 0],
      ['x/3', 1, 1 / 3],
      ['3/x', 2, -0.75],
    ];
    for (const [expression, x, expected] of cases) {
      const compiled = compileExpression(expression, ['x']);
      const gradient = new Float64Array(1);
      compiled.valueAndGradient(Float64Array.of(x), gradient);
      expect(gradient[0], expression).toBeCloseTo(expected, 12);
    }
  });
});

describe('compiled and interpreted paths', () => {
  it('agree bit for bit on random expressions, non-finite results included', () => {
    fc.assert(
      fc.property(anyExpression, point, (expression, [x, y, z]) => {
        const { compiled, interpreted } = bothPaths(expression);
        const params = Float64Array.of(x, y, z);
        const compiledGradient = new Float64Array(3);
        const interpretedGradient = new Float64Array(3);
        const compiledValue = compiled.valueAndGradient(params, compiledGradient);
        expect(Object.is(compiledValue, interpreted.valueAndGradient(params, interpretedGradient))).toBe(true);
        expect(Object.is(compiled.value(params), compiledValue)).toBe(true);
        expect(Object.is(interpreted.value(params), compiledValue)).toBe(true);
        for (let i = 0; i < 3; i++) expect(Object.is(compiledGradient[i], interpretedGradient[i]), `${expression} ∂${i}`).toBe(true);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('overwrite the gradient buffer on every call', () => {
    const { compiled, interpreted } = bothPaths('x * y');
    for (const path of [compiled, interpreted]) {
      const gradient = Float64Array.of(NaN, NaN, NaN);
      path.valueAndGradient(Float64Array.of(2, 3, 4), gradient);
      expect([...gradient]).toEqual([3, 2, 0]);
    }
  });
});

describe('reference losses', () => {
  it('reproduce every loss of paper.json to 1e-12 relative, with gradients equal to the hand-written ones', () => {
    for (const testCase of reference) {
      const { expression, variables: names, name } = testCase.objective;
      const objective = createExpressionObjective({ expression, variables: names });
      const handWritten = benchmarks[name].create({ dimensions: 2, conditionNumber: 1 });
      const points = [testCase.theta0, ...testCase.theta];
      const gradient = new Float64Array(2);
      const expected = new Float64Array(2);
      testCase.loss.forEach((loss, k) => {
        const params = Float64Array.from(points[k]);
        const value = objective.valueAndGradient(params, gradient);
        expect(Math.abs(value - loss), `${testCase.id} step ${k + 1}`).toBeLessThanOrEqual(1e-12 * Math.abs(loss));
        handWritten.valueAndGradient(params, expected);
        for (let i = 0; i < 2; i++) expect(Math.abs(gradient[i] - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
      });
    }
  });
});
