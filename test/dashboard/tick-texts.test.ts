/**
 * The labels of an axis's ticks (shared by the curve chart's value axes and the sweep's scatter
 * plot): distinct, and each the value it marks to within a hundredth of its gap to a neighbour.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the dashboard is plain JavaScript, without declarations
import { tickTexts } from '../../src/dashboard/format.js';

const texts = tickTexts as (ticks: (number | null)[]) => (string | null)[];

describe('tick labels', () => {
  it.each([
    ['3 significant digits when they tell the ticks apart', [100, 200, 500, 1000], ['100', '200', '500', '1000']],
    ['as many more as ticks near 259 need', [259, 259.0001, 259.0002, 259.0003], ['259', '259.0001', '259.0002', '259.0003']],
    ['every digit of a tick its neighbours need, not a rounding of it', [258.99975, 259, 259.00025], ['258.99975', '259', '259.00025']],
    ['no noise of the sums that made the ticks', [0.1, 0.2, 0.30000000000000004], ['0.1', '0.2', '0.3']],
    ['exponent notation past a million', [1e6, 1.0005e6, 1.001e6], ['1e6', '1.0005e6', '1.001e6']],
    ['a decade apart, each in 3 digits', [0, 1e-3, 1, 1000], ['0', '0.001', '1', '1000']],
    ["nothing for uPlot's unlabelled splits, the labelled ones told apart", [null, 259, 259.0001, null, 259.0002], [null, '259', '259.0001', null, '259.0002']],
    ['neighbours one floating-point step apart, in full', [259, 259.00000000000006], ['259', '259.00000000000006']],
    ['one notation across a million', [999990, 999995, 1e6, 1.000005e6], ['9.9999e5', '9.99995e5', '1e6', '1.000005e6']],
    ['one notation across a thousandth', [9.99e-4, 9.995e-4, 0.001, 0.0010005], ['9.99e-4', '9.995e-4', '1e-3', '1.0005e-3']],
    ['a neighbour of a hundred million in all 17 digits', [-100000000.00000994, -100000000.00000913], ['-1.0000000000000994e8', '-1.0000000000000913e8']],
    ['a tick past the largest number as Infinity, the others as without it', [0.30000000000000004, 0.4, Infinity], ['0.3', '0.4', 'Infinity']],
    ['a tick that is no number as NaN, the others as without it', [-Infinity, 1e22, NaN, 1e100], ['-Infinity', '1e22', 'NaN', '1e100']],
  ])('writes %s', (_name, ticks, expected) => {
    expect(texts(ticks)).toEqual(expected);
  });

  it('tells any ticks apart in one notation, each read back within a hundredth of its gap to a neighbour', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    fc.assert(fc.property(fc.uniqueArray(finite, { minLength: 2, maxLength: 12, comparator: (a, b) => a === b }), (values) => {
      const ticks = [...values].sort((a, b) => a - b);
      const labels = texts(ticks) as string[];
      expect(new Set(labels).size).toBe(ticks.length);
      expect(new Set(labels.filter((label) => label !== '0').map((label) => label.includes('e'))).size, 'one notation').toBeLessThanOrEqual(1);
      ticks.forEach((tick, index) => {
        const gap = Math.min(...[ticks[index - 1], ticks[index + 1]].filter((other) => other !== undefined).map((other) => Math.abs(other! - tick)));
        expect(Math.abs(Number(labels[index]) - tick)).toBeLessThanOrEqual(gap / 100);
      });
    }));
  });
});
