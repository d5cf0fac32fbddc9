import { describe, expect, it } from 'vitest';
import { createBenchmarkObjective } from '../../../src/core/objectives/create-objective.ts';
import { createExpressionObjective } from '../../../src/core/objectives/expression/expression-objective.ts';
import { checkGradient } from '../../../src/core/objectives/gradient-check.ts';
import type { Objective } from '../../../src/core/objectives/objective.ts';

/** The objective with entry `index` of its gradient scaled by `factor`. */
function withWrongGradient(objective: Objective, index: number, factor: number): Objective {
  return {
    ...objective,
    valueAndGradient(params, gradient) {
      const value = objective.valueAndGradient(params, gradient);
      gradient[index] *= factor;
      return value;
    },
  };
}

describe('checkGradient', () => {
  const beale = createExpressionObjective({ expression: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2', variables: ['x', 'y'] });
  const start = Float64Array.of(1, 1.5);

  it('passes an exact gradient, with errors far below the tolerance', () => {
    const result = checkGradient(beale, start);
    expect(result.passed).toBe(true);
    expect(result.coordinates).toHaveLength(2);
    expect(result.maxRelativeError).toBeLessThan(1e-8);
    expect(result.value).toBe(beale.value(start));
  });

  it('fails a gradient wrong in one coordinate by 0.1%, and names it', () => {
    const result = checkGradient(withWrongGradient(beale, 1, 1.001), start);
    expect(result.passed).toBe(false);
    expect(result.worstIndex).toBe(1);
    expect(result.coordinates[0].passed).toBe(true);
    expect(result.coordinates[1].passed).toBe(false);
    expect(result.maxRelativeError).toBeCloseTo(0.001, 5);
  });

  it('fails a non-finite gradient', () => {
    expect(checkGradient(withWrongGradient(beale, 0, NaN), start).passed).toBe(false);
  });

  it('samples distinct coordinates, reproducibly, above maxCoordinates', () => {
    const sphere = createBenchmarkObjective({ type: 'benchmark', name: 'sphere', dimensions: 10_000 });
    const first = checkGradient(sphere, sphere.initial, { maxCoordinates: 50, seed: 4 });
    const again = checkGradient(sphere, sphere.initial, { maxCoordinates: 50, seed: 4 });
    const other = checkGradient(sphere, sphere.initial, { maxCoordinates: 50, seed: 5 });
    const indices = first.coordinates.map((coordinate) => coordinate.index);
    expect(new Set(indices).size).toBe(50);
    expect(again.coordinates.map((coordinate) => coordinate.index)).toEqual(indices);
    expect(other.coordinates.map((coordinate) => coordinate.index)).not.toEqual(indices);
    expect(first.passed).toBe(true);
  });

  it('does not change the parameters it is given', () => {
    const params = Float64Array.of(0.3, -0.7);
    checkGradient(beale, params);
    expect([...params]).toEqual([0.3, -0.7]);
  });
});
