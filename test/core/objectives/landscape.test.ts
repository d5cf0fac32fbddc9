/** The landscape's grid and frame: pure functions of the objective and the points. */
import { describe, expect, it } from 'vitest';
import { createObjective, evaluateGrid, finitePair, frame, gridAxis } from '../../../src/core/objectives/index.ts';

describe('frame', () => {
  it.each([
    { values: [0, 10], expected: [-1.5, 11.5] },
    { values: [-2, 2, 1], expected: [-2.6, 2.6] },
    // One point: a window of ±1, or of ±half its size when that is larger.
    { values: [0.5, 0.5], expected: [-0.5, 1.5] },
    { values: [100], expected: [50, 150] },
  ])('frames $values as $expected', ({ values, expected }) => {
    const [low, high] = frame(values);
    expect(low).toBeCloseTo(expected[0], 12);
    expect(high).toBeCloseTo(expected[1], 12);
  });
});

describe('gridAxis', () => {
  it('spaces the nodes evenly, both ends included', () => {
    expect(gridAxis([-1, 1], 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(gridAxis([2, 3], 2)).toEqual([2, 3]);
  });
});

describe('finitePair', () => {
  it.each([
    [[1, 2], [1, 2]], [[1, null], null], [[1, NaN], null], [[1, 2, 3], null], [null, null], [undefined, null],
  ] as const)('%j → %j', (values, expected) => {
    expect(finitePair(values as readonly (number | null)[] | null | undefined)).toEqual(expected);
  });
});

describe('evaluateGrid', () => {
  it('puts f(x[i], y[j]) at values[j][i], nulls where f is not finite, and their range', () => {
    const objective = createObjective({ type: 'expression', expression: 'x + 10*y + 1/(x - 1)', variables: ['x', 'y'], initial: [0, 0] });
    const grid = evaluateGrid(objective, 3, [0, 2], [-1, 1]);
    expect(grid.x).toEqual([0, 1, 2]);
    expect(grid.y).toEqual([-1, 0, 1]);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const value = grid.x[i] + 10 * grid.y[j] + 1 / (grid.x[i] - 1);
        expect(grid.values[j][i]).toBe(Number.isFinite(value) ? objective.value(Float64Array.of(grid.x[i], grid.y[j])) : null);
      }
    }
    expect(grid.values[0][1]).toBeNull();
    expect(grid.valueRange).toEqual({ min: -11, max: 13 });
  });
});
