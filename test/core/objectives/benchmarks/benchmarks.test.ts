import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchmarkNames, benchmarks } from '../../../../src/core/objectives/benchmarks/index.ts';
import { createBenchmarkObjective } from '../../../../src/core/objectives/create-objective.ts';
import { checkGradient } from '../../../../src/core/objectives/gradient-check.ts';
import { createExpressionObjective } from '../../../../src/core/objectives/expression/expression-objective.ts';
import { Random } from '../../../../src/core/random.ts';

/** Each function as a formula, to compare against in 2 and 3 dimensions. */
const formulas: Record<string, (n: number) => string> = {
  rosenbrock: (n) => Array.from({ length: n - 1 }, (_, i) => `(1 - x${i + 1})^2 + 100*(x${i + 2} - x${i + 1}^2)^2`).join(' + '),
  beale: () => '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
  booth: () => '(x + 2*y - 7)^2 + (2*x + y - 5)^2',
  himmelblau: () => '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
  saddle: () => 'x^2 - y^2',
  quadratic: (n) => Array.from({ length: n }, (_, i) => `0.5 * 100^(${i}/${n - 1}) * x${i + 1}^2`).join(' + '),
  rastrigin: (n) => `10*${n}` + Array.from({ length: n }, (_, i) => ` + x${i + 1}^2 - 10*cos(2*pi*x${i + 1})`).join(''),
  ackley: (n) => {
    const squares = Array.from({ length: n }, (_, i) => `x${i + 1}^2`).join(' + ');
    const cosines = Array.from({ length: n }, (_, i) => `cos(2*pi*x${i + 1})`).join(' + ');
    return `-20*exp(-0.2*sqrt((${squares})/${n})) - exp((${cosines})/${n}) + 20 + e`;
  },
  'styblinski-tang': (n) => Array.from({ length: n }, (_, i) => `0.5*(x${i + 1}^4 - 16*x${i + 1}^2 + 5*x${i + 1})`).join(' + '),
  sphere: (n) => Array.from({ length: n }, (_, i) => `x${i + 1}^2`).join(' + '),
  matyas: () => '0.26*(x^2 + y^2) - 0.48*x*y',
  'three-hump-camel': () => '2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2',
};

describe.each(benchmarkNames)('benchmark %s', (name) => {
  const definition = benchmarks[name];
  const dimensions = definition.dimensions.max === 2 ? 2 : 3;
  const objective = createBenchmarkObjective({ type: 'benchmark', name, dimensions });

  it('has a documented start of the right length and named variables', () => {
    expect(objective.initial).toHaveLength(dimensions);
    expect(objective.variables).toHaveLength(dimensions);
    expect(objective.dimension).toBe(dimensions);
  });

  it('agrees with its formula, value and gradient, at the start and at random points', () => {
    const formula = createExpressionObjective({ expression: formulas[name](dimensions), variables: objective.variables });
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: dimensions, maxLength: dimensions }), (point) => {
        for (const params of [objective.initial, Float64Array.from(point)]) {
          const gradient = new Float64Array(dimensions);
          const expected = new Float64Array(dimensions);
          const value = objective.valueAndGradient(params, gradient);
          const expectedValue = formula.valueAndGradient(params, expected);
          expect(value).toBeCloseTo(expectedValue, 9);
          expect(objective.value(params)).toBe(value);
          for (let i = 0; i < dimensions; i++) expect(Math.abs(gradient[i] - expected[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i])));
        }
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it('passes the gradient check at the start and at random points', () => {
    const random = new Random(1);
    for (let k = 0; k < 20; k++) {
      const params = k === 0 ? objective.initial : Float64Array.from({ length: dimensions }, () => 4 * random.next() - 2);
      expect(checkGradient(objective, params).passed).toBe(true);
    }
  });

  it.runIf(objective.minimum !== undefined)('has a zero gradient and the documented value at its minimum', () => {
    const minimum = objective.minimum!;
    const params = Float64Array.from(minimum.params!);
    const gradient = new Float64Array(dimensions);
    const value = objective.valueAndGradient(params, gradient);
    expect(Math.abs(value - minimum.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(minimum.value)));
    for (const entry of gradient) expect(Math.abs(entry)).toBeLessThan(1e-9);
  });
});

describe('n-dimensional benchmarks', () => {
  it.each(benchmarkNames.filter((name) => benchmarks[name].dimensions.max > 2))('%s runs at 10⁶ dimensions with a sampled gradient check', (name) => {
    const objective = createBenchmarkObjective({ type: 'benchmark', name, dimensions: 1_000_000 });
    expect(objective.dimension).toBe(1_000_000);
    const random = new Random(2);
    const params = Float64Array.from({ length: 1_000_000 }, () => 2 * random.next() - 1);
    const result = checkGradient(objective, params, { maxCoordinates: 20, seed: 9 });
    expect(result.coordinates).toHaveLength(20);
    expect(result.passed).toBe(true);
  });

  it('names n-dimensional variables x1 … xn and two-dimensional ones x, y', () => {
    expect(createBenchmarkObjective({ type: 'benchmark', name: 'sphere', dimensions: 3 }).variables).toEqual(['x1', 'x2', 'x3']);
    expect(createBenchmarkObjective({ type: 'benchmark', name: 'beale' }).variables).toEqual(['x', 'y']);
  });

  it('takes its size from initial and a custom start', () => {
    const objective = createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', initial: [-1.5, 2, 0.5] });
    expect(objective.dimension).toBe(3);
    expect([...objective.initial]).toEqual([-1.5, 2, 0.5]);
  });

  it('spaces the quadratic curvatures from 1 to the condition number', () => {
    const objective = createBenchmarkObjective({ type: 'benchmark', name: 'quadratic', dimensions: 3, conditionNumber: 1e4 });
    const gradient = new Float64Array(3);
    objective.valueAndGradient(Float64Array.of(1, 1, 1), gradient);
    expect(gradient[0]).toBe(1);
    expect(gradient[1]).toBeCloseTo(100, 10);
    expect(gradient[2]).toBeCloseTo(1e4, 8);
  });

  it('rejects sizes a function cannot take', () => {
    expect(() => createBenchmarkObjective({ type: 'benchmark', name: 'beale', dimensions: 3 })).toThrow('beale has exactly 2 dimensions, not 3');
    expect(() => createBenchmarkObjective({ type: 'benchmark', name: 'rosenbrock', dimensions: 1 })).toThrow('rosenbrock needs at least 2 dimensions, not 1');
  });
});
