/**
 * How values become positions on a value axis, and where its ticks go.
 *
 * uPlot's own log and linear axes step through a fixed table of increments and give up on
 * numbers past 17 digits (no axis at all for a loss of 1e113) or loop forever below 1e-16 (a
 * loss of 1e-27 hung the page). So the chart hands uPlot values already transformed to a
 * modest range, on plain linear scales, and labels the ticks with the original values:
 *
 * - linear: v / 10^k, with k chosen so the largest magnitude is near 1 when it is huge or tiny;
 * - log: log10 v (every value > 0);
 * - symmetric log, for log scales with values ≤ 0: sign(v)·log10(1 + |v|/c), so negative losses
 *   keep a log-like axis. Only magnitudes below c are squeezed toward 0, so c follows the data:
 *   the smallest magnitudes it holds (a low quantile, so a curve passing close to 0 on its way
 *   through does not open empty decades). A run falling from 1 to −1e100 is then spread over its
 *   hundred decades; with c tied to the largest magnitude it lay flat at 0 until the last steps.
 */
import { nice, quantile, ticks } from 'd3-array';
import { tickTexts } from '../format.js';

const minimumGap = 28;
/**
 * Decades a log axis considers for labels, at most: an axis spanning more labels every second,
 * third… decade, so a diverged run's 1e106 still leaves its first values labelled. (An axis
 * through 0, symmetric log, labels the decades down to its linear threshold.)
 */
const decadeWindow = 40;

/** @param {number[]} values finite values the axis shows; @param {boolean} logarithmic */
export function valueScale(values, logarithmic) {
  const largest = values.reduce((widest, value) => Math.max(widest, Math.abs(value)), 0);
  if (logarithmic && values.every((value) => value > 0)) {
    return { kind: 'log', forward: Math.log10, inverse: (display) => 10 ** display };
  }
  if (logarithmic) {
    const c = linearThreshold(values, largest);
    const logC = Math.log10(c);
    return {
      kind: 'symmetric log',
      threshold: c,
      // log10(c + |v|) − log10 c, not log10(1 + |v|/c): |v|/c overflows to Infinity when c is
      // hundreds of decades below the largest value. The inverse stays in log space for the same reason.
      forward: (value) => Math.sign(value) * (Math.log10(c + Math.abs(value)) - logC),
      inverse: (display) => {
        const magnitude = Math.abs(display);
        return Math.sign(display) * (magnitude < 1 ? c * Math.expm1(magnitude * Math.LN10) : 10 ** (magnitude + logC) - c);
      },
    };
  }
  const exponent = largest > 1e12 || (largest > 0 && largest < 1e-12) ? Math.floor(Math.log10(largest)) : 0;
  const factor = 10 ** exponent;
  return { kind: 'linear', forward: (value) => value / factor, inverse: (display) => display * factor };
}

/**
 * Where a symmetric log axis turns linear: the 2nd percentile of the nonzero magnitudes, rounded
 * down to a power of ten (round labels at the turn), and at most a thousandth of the largest.
 * At least 300 decades below the largest, and never 0: a loss falling through the subnormal
 * numbers (1e-316, 5e-324) to 0 would otherwise put it at 10^-324, which is 0, and every value
 * at an infinite distance from it.
 */
function linearThreshold(values, largest) {
  if (!(largest > 0)) return 1;
  const magnitudes = values.map(Math.abs).filter((magnitude) => magnitude > 0);
  const small = quantile(magnitudes, 0.02);
  return Math.max(Math.min(largest / 1000, 10 ** Math.floor(Math.log10(small))), largest * 1e-300, Number.MIN_VALUE);
}

/**
 * Nice round values ±{1, 2, 5}·10^k (and 0) between low and high, powers of ten first; an axis
 * through 0 considers magnitudes down to `smallest` (a symmetric log axis's linear threshold).
 */
function roundCandidates(low, high, smallest) {
  const candidates = [];
  const largest = Math.max(Math.abs(low), Math.abs(high));
  if (!(largest > 0)) return [{ value: 0, rank: 0 }];
  const highest = Math.ceil(Math.log10(largest));
  const smallestMagnitude = low > 0 ? low : high < 0 ? -high : 0;
  const lowestNeeded = smallestMagnitude > 0
    ? Math.floor(Math.log10(smallestMagnitude))
    : smallest > 0 ? Math.floor(Math.log10(smallest)) : highest - decadeWindow;
  const stride = Math.max(1, Math.ceil((highest - lowestNeeded) / decadeWindow));
  const lowest = Math.floor(lowestNeeded / stride) * stride;
  for (let exponent = lowest; exponent <= highest; exponent += stride) {
    for (const mantissa of stride === 1 ? [1, 2, 5] : [1]) {
      const magnitude = mantissa * 10 ** exponent;
      for (const value of [magnitude, -magnitude]) if (value >= low && value <= high) candidates.push({ value, rank: mantissa === 1 ? 0 : 1 });
    }
  }
  // 0 first: on an axis through it, it is the label kept where ±1 would crowd it.
  if (low <= 0 && high >= 0) candidates.unshift({ value: 0, rank: 0 });
  return candidates;
}

/** uPlot axis options for a value axis drawn on `scale` (display space), labelled in values. */
export function valueAxisOptions(scale) {
  return {
    range: (_chart, min, max) => {
      if (!(Number.isFinite(min) && Number.isFinite(max))) return [0, 1];
      if (min === max) return [min - (Math.abs(min) * 0.1 || 1), max + (Math.abs(max) * 0.1 || 1)];
      if (scale.kind === 'log') return [Math.floor(min), Math.ceil(max)];
      if (scale.kind === 'symmetric log') return [min - (max - min) * 0.04, max + (max - min) * 0.04];
      return nice(min, max, 6);
    },
    splits: (chart, axisIndex, min, max) => {
      const key = chart.axes[axisIndex].scale;
      const height = chart.bbox.height / devicePixelRatio;
      const count = Math.max(2, Math.floor(height / (minimumGap * 1.6)));
      if (scale.kind === 'linear') return ticks(min, max, count);
      const kept = [];
      const positions = [];
      const candidates = roundCandidates(scale.inverse(min), scale.inverse(max), scale.threshold);
      for (const rank of [0, 1]) {
        if (rank === 1 && kept.length >= 3) break;
        for (const candidate of candidates.filter((entry) => entry.rank === rank)) {
          const display = scale.forward(candidate.value);
          const position = chart.valToPos(display, key);
          if (positions.every((other) => Math.abs(other - position) >= minimumGap)) {
            kept.push(display);
            positions.push(position);
          }
        }
      }
      if (kept.length >= 2) return kept.sort((a, b) => a - b);
      // Too narrow for two round values {1, 2, 5}·10^k (a loss of −259 moving in its sixth digit):
      // d3's ticks between the ends, in values, placed by the scale (all but linear so close).
      // Near the 16th digit (−1e8 moving in its 14th) neighbours can land on one place, or on
      // places that read back the same value: one of them is kept, so no two labels read alike.
      const readBack = new Set();
      const between = ticks(scale.inverse(min), scale.inverse(max), count).map(scale.forward).filter((display) => {
        const value = scale.inverse(display);
        return !readBack.has(value) && Boolean(readBack.add(value));
      });
      return between.length >= 2 ? between : [min, max];
    },
    values: (_chart, splits) => tickTexts(splits.map((display) => (display === null || display === undefined ? null : scale.inverse(display)))),
  };
}
