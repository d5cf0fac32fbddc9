/**
 * A line chart in SVG: step on x, one or more series on y (linear or log scale), with the
 * min–max band of downsampled buckets drawn behind each line so spikes stay visible.
 */
import { formatNumber, s } from './dom.js';

const margin = { top: 12, right: 16, bottom: 30, left: 64 };

/**
 * @param {{ width: number, height: number, logScale: boolean,
 *           series: { name: string, label: string, points: { step: number, value: number|null, min?: number|null, max?: number|null }[] }[] }} options
 */
export function renderLineChart({ width, height, logScale, series }) {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const usable = (value) => value !== null && value !== undefined && Number.isFinite(value) && (!logScale || value > 0);
  const all = series.flatMap((line) => line.points);
  const steps = all.map((point) => point.step);
  const values = all.flatMap((point) => [point.value, point.min, point.max]).filter(usable);
  const svg = s('svg', {
    class: 'line-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `${series.map((line) => line.label).join(', ')} by step${logScale ? ' (log scale)' : ''}`,
  });
  if (!values.length) {
    svg.append(s('text', { x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle' }, 'No recorded steps yet'));
    return svg;
  }
  const stepLow = Math.min(...steps);
  const stepHigh = Math.max(stepLow + 1, ...steps);
  const transform = logScale ? Math.log10 : (value) => value;
  let low = transform(Math.min(...values));
  let high = transform(Math.max(...values));
  if (high - low < 1e-12) {
    low -= logScale ? 0.5 : Math.max(Math.abs(low) * 0.1, 1e-9);
    high += logScale ? 0.5 : Math.max(Math.abs(high) * 0.1, 1e-9);
  }
  const xOf = (step) => margin.left + ((step - stepLow) / (stepHigh - stepLow)) * plotWidth;
  const yOf = (value) => margin.top + (1 - (transform(value) - low) / (high - low)) * plotHeight;

  const grid = s('g', { class: 'chart-grid' });
  for (const tick of valueTicks(low, high, logScale)) {
    const y = yOf(tick);
    grid.append(
      s('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y }),
      s('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end' }, formatNumber(tick, 3)),
    );
  }
  for (const tick of niceTicks(stepLow, stepHigh, Math.max(2, Math.floor(plotWidth / 110)))) {
    const x = xOf(tick);
    grid.append(s('text', { x, y: height - 10, 'text-anchor': 'middle' }, formatNumber(tick, 3)));
  }
  svg.append(grid, s('rect', { class: 'chart-frame', x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }));

  series.forEach((line, index) => {
    const points = line.points.filter((point) => usable(point.value));
    const banded = points.filter((point) => usable(point.min) && usable(point.max));
    if (banded.length > 1 && banded.some((point) => point.min !== point.max)) {
      const upper = banded.map((point) => `${xOf(point.step).toFixed(1)},${yOf(point.max).toFixed(1)}`);
      const lower = banded.map((point) => `${xOf(point.step).toFixed(1)},${yOf(point.min).toFixed(1)}`).reverse();
      svg.append(s('path', { class: `chart-band series-${index}`, d: `M${upper.join('L')}L${lower.join('L')}Z` }));
    }
    if (!points.length) return;
    const d = points.map((point, at) => `${at ? 'L' : 'M'}${xOf(point.step).toFixed(1)},${yOf(point.value).toFixed(1)}`).join('');
    svg.append(s('path', { class: `chart-line series-${index}`, 'data-series': line.name, d }));
  });
  return svg;
}

/** Round numbers from low to high, about `count` of them. */
export function niceTicks(low, high, count) {
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/**
 * Ticks in value space on a log axis whose bounds are given as log10: 1-2-5 steps when the
 * axis spans few decades, powers of ten (every few) otherwise.
 */
function valueTicks(low, high, logScale) {
  if (!logScale) return niceTicks(low, high, 5);
  const ticks = [];
  const decades = high - low;
  const mantissas = decades < 2.5 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil(decades / 6));
  for (let exponent = Math.floor(low); exponent <= Math.ceil(high); exponent += stride) {
    for (const mantissa of mantissas) {
      const tick = mantissa * 10 ** exponent;
      if (Math.log10(tick) >= low && Math.log10(tick) <= high) ticks.push(tick);
    }
  }
  return ticks.length ? ticks : [10 ** ((low + high) / 2)];
}
