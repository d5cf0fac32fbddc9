/**
 * The curve chart's value axes: a symmetric log axis keeps every value at a finite place, however
 * many decades the run spans, and every axis labels its ticks apart, each the value it marks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- the dashboard is plain JavaScript, without declarations
import { valueAxisOptions, valueScale } from '../../src/dashboard/charts/value-scales.js';

type Scale = { kind: string; threshold?: number; forward(value: number): number; inverse(display: number): number };
type AxisOptions = {
  range(chart: unknown, min: number, max: number): [number, number];
  splits(chart: unknown, axisIndex: number, min: number, max: number): number[];
  values(chart: unknown, splits: (number | null)[]): (string | null)[];
};

/** The labels of an axis `height` pixels tall showing `values`, as uPlot asks for them. */
function axisLabels(values: number[], logarithmic: boolean, height = 400): (string | null)[] {
  const scale: Scale = valueScale(values, logarithmic);
  const options: AxisOptions = valueAxisOptions(scale);
  const displays = values.map(scale.forward);
  const [min, max] = options.range(null, Math.min(...displays), Math.max(...displays));
  const chart = { axes: [{ scale: 'y' }], bbox: { height }, valToPos: (display: number) => (height * (max - display)) / (max - min) };
  return options.values(chart, options.splits(chart, 0, min, max));
}

/** SGD at 0.4 on x² from 1e5: the loss falls from 1e10 through the subnormal numbers to 0. */
function underflowingLoss(): number[] {
  const loss: number[] = [];
  let x = 1e5;
  for (let step = 0; step < 1000; step++) {
    loss.push(x * x);
    x -= 0.4 * 2 * x;
  }
  return loss;
}

const cases: Record<string, number[]> = {
  'a loss falling from 1e10 through 1e-316 to 0': underflowingLoss(),
  'the smallest subnormal as the low quantile': [...Array(50).fill(6e-324), 0, -1, ...Array(50).fill(1)],
  'tiny positives beside losses falling to −1e109': [...Array(10).fill(1e-250), 0, ...Array.from({ length: 100 }, (_, index) => -(10 ** (index + 10)))],
  'a converged run compared with a diverged one': [
    ...Array.from({ length: 500 }, (_, index) => 10 ** (-index * 0.6)), 0, ...Array.from({ length: 500 }, (_, index) => -(10 ** (index * 0.212))),
  ],
};

describe('symmetric log scale', () => {
  for (const [name, values] of Object.entries(cases)) {
    it(`places every value of ${name} finitely, in order, and maps it back`, () => {
      const scale: Scale = valueScale(values, true);
      expect(scale.kind).toBe('symmetric log');
      expect(scale.threshold).toBeGreaterThan(0);
      const displays = values.map(scale.forward);
      expect(displays.every(Number.isFinite), JSON.stringify(displays.filter((display) => !Number.isFinite(display)))).toBe(true);
      const sorted = [...values].sort((a, b) => a - b);
      const placed = sorted.map(scale.forward);
      for (let index = 1; index < placed.length; index++) expect(placed[index]).toBeGreaterThanOrEqual(placed[index - 1]!);
      for (const value of values) {
        const back = scale.inverse(scale.forward(value));
        expect(Number.isFinite(back)).toBe(true);
        if (Math.abs(value) > scale.threshold!) expect(back / value).toBeCloseTo(1, 6);
      }
    });
  }

  it('keeps the largest value within 300 decades of the linear threshold', () => {
    const scale: Scale = valueScale(underflowingLoss(), true);
    expect(scale.forward(1e10)).toBeCloseTo(300, 6);
    expect(scale.forward(0)).toBe(0);
  });
});

describe('value axis labels', () => {
  beforeEach(() => vi.stubGlobal('devicePixelRatio', 1));
  afterEach(() => vi.unstubAllGlobals());

  it("writes a diverged run's log axis, topped past the largest number, as before", () => {
    expect(axisLabels([2e22, 1e100, 1.5e308], true)).toEqual(['1e22', 'Infinity']);
  });

  it("labels the curve chart's linear axis of a loss moving in its sixth digit apart", () => {
    const losses = Array.from({ length: 50 }, (_, step) => 259 + 0.0005 * 0.64 ** step);
    const scale: Scale = valueScale(losses, false);
    const { values }: AxisOptions = valueAxisOptions(scale);
    const displays = [259, 259.0001, 259.0002, 259.0003, 259.0004, 259.0005].map(scale.forward);
    expect(values(null, displays)).toEqual(['259', '259.0001', '259.0002', '259.0003', '259.0004', '259.0005']);
  });

  it('labels a narrow symmetric log axis (a loss of −1e8 moving in its 14th digit) with no two ticks alike', () => {
    const losses = Array.from({ length: 50 }, (_, step) => -1e8 - 1e-6 * 0.8 ** step);
    const labels = axisLabels(losses, true);
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(labels).size, labels.join(' ')).toBe(labels.length);
  });
});
