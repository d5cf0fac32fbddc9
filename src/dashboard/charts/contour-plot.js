/**
 * An objective's landscape as filled contours (d3-contour over the grid of GET
 * /v1/runs/{id}/landscape), with one or more trajectories on top, each from its start to its
 * latest point, and the known minimum marked. Levels are quantiles of the grid's values and
 * colours go by level rank, so one steep wall does not wash the valley out.
 */
import { contours } from 'd3-contour';
import { scaleLinear } from 'd3-scale';
import { interpolateYlGnBu } from 'd3-scale-chromatic';
import { s } from '../dom.js';
import { formatNumber } from '../format.js';

const levelCount = 16;
/** Pixel coordinates are kept within this: a diverged path leaves the plot (clipped), not the SVG number range. */
const farOutside = 1e6;
const pixel = (value) => Math.max(-farOutside, Math.min(farOutside, value)).toFixed(1);
const margin = { top: 10, right: 16, bottom: 40, left: 56 };

/** [low, high] around the values with a margin: a frame for trajectories (`xRange`, `yRange` of the landscape). */
export function frame(values) {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const margin = high > low ? (high - low) * 0.1 : Math.max(1, Math.abs(low) * 0.5);
  return [low - margin, high + margin];
}

/** Quantiles of the finite values: contour levels that follow the function's shape. */
function quantileLevels(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const levels = [];
  if (sorted.length < 2) return levels;
  for (let index = 0; index < levelCount; index++) {
    const level = sorted[Math.floor(((sorted.length - 1) * index) / levelCount)];
    if (levels.at(-1) !== level) levels.push(level);
  }
  return levels;
}

const exponentOf = (value) => Math.floor(Math.log10(Math.abs(value)));

/**
 * Tick labels: d3's for ordinary numbers; past the range d3 writes in full (a diverged run's
 * 1e150, where its labels came out as 1.4999999999999999e+150 and ran into each other), exponent
 * notation with as many significant digits as the tick step needs beside the largest tick (as
 * d3-format's precisionRound counts them), trailing zeros dropped: ticks 500 apart near 1e6
 * read 9.995e5, 1e6, 1.0005e6, not 1e6 three times.
 */
function tickFormat(scale, ticks) {
  const largest = Math.max(...ticks.map(Math.abs));
  if (!(largest >= 1e6 || (largest > 0 && largest < 1e-3))) return scale.tickFormat(ticks.length);
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : largest;
  const digits = Math.min(17, Math.max(0, exponentOf(largest) - exponentOf(step)) + 1);
  return (tick) => {
    if (tick === 0) return '0';
    const [mantissa, exponent] = tick.toExponential(digits - 1).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  };
}

/**
 * @param {object} landscape the GET /v1/runs/{id}/landscape body
 * @param {{ label: string, colour: string, runId: string, points: [number, number][] }[]} trajectories
 *   each in step order, starting at its start
 */
export function renderContourPlot(landscape, trajectories, { width, height }) {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = scaleLinear().domain(landscape.xRange).range([margin.left, margin.left + plotWidth]);
  const y = scaleLinear().domain(landscape.yRange).range([margin.top + plotHeight, margin.top]);
  const [xName, yName] = landscape.variables;
  const columns = landscape.x.length;
  const rows = landscape.y.length;
  // d3-contour puts grid value i at coordinate i + 0.5; grid value i is at abscissa x[i].
  const gridX = scaleLinear().domain([0.5, columns - 0.5]).range([x(landscape.x[0]), x(landscape.x.at(-1))]);
  const gridY = scaleLinear().domain([0.5, rows - 0.5]).range([y(landscape.y[0]), y(landscape.y.at(-1))]);

  const svg = s('svg', {
    class: 'contour-plot', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Contour plot of the objective over ${xName} and ${yName} with ${trajectories.length === 1 ? "the run's trajectory" : `${trajectories.length} trajectories`}`,
  });
  const clip = `clip-${landscape.runId}-${Math.random().toString(36).slice(2, 8)}`;
  svg.append(s('defs', {}, s('clipPath', { id: clip }, s('rect', { x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }))));

  const flat = landscape.values.flat().map((value) => (value === null ? Number.NaN : value));
  const levels = quantileLevels(flat);
  const shading = s('g', { class: 'contour-bands', 'clip-path': `url(#${clip})` });
  svg.append(s('rect', { class: 'contour-ground', x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }));
  const generator = contours().size([columns, rows]).thresholds(levels);
  for (const [index, contour] of generator(flat).entries()) {
    const d = contour.coordinates.map((polygon) => polygon.map((ring) => `M${ring.map(([i, j]) => `${gridX(i).toFixed(1)},${gridY(j).toFixed(1)}`).join('L')}Z`).join('')).join('');
    if (!d) continue;
    const path = s('path', { d, 'data-level': contour.value }, s('title', {}, `f ≥ ${formatNumber(contour.value)}`));
    // Low levels dark blue, high levels pale: the valley stands out.
    path.style.fill = interpolateYlGnBu(1 - (0.08 + 0.84 * (index / Math.max(1, levels.length - 1))));
    shading.append(path);
  }
  svg.append(shading, s('rect', { class: 'chart-frame', x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }));

  const axes = s('g', { class: 'chart-grid' });
  const xTicks = x.ticks(Math.max(2, Math.floor(plotWidth / 80)));
  const xFormat = tickFormat(x, xTicks);
  for (const tick of xTicks) axes.append(s('text', { x: x(tick), y: margin.top + plotHeight + 16, 'text-anchor': 'middle' }, xFormat(tick)));
  const yTicks = y.ticks(Math.max(2, Math.floor(plotHeight / 50)));
  const yFormat = tickFormat(y, yTicks);
  for (const tick of yTicks) axes.append(s('text', { x: margin.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, yFormat(tick)));
  axes.append(
    s('text', { x: margin.left + plotWidth / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-name' }, xName),
    s('text', { x: 14, y: margin.top + plotHeight / 2, 'text-anchor': 'middle', class: 'axis-name', transform: `rotate(-90 14 ${margin.top + plotHeight / 2})` }, yName),
  );
  svg.append(axes);

  const overlay = s('g', { 'clip-path': `url(#${clip})` });
  const marker = (point, className, label, colour) => {
    const circle = s('circle', { class: className, cx: pixel(x(point[0])), cy: pixel(y(point[1])), r: 5 }, s('title', {}, label));
    if (colour) circle.style.fill = colour;
    return circle;
  };
  for (const trajectory of trajectories) {
    const { points } = trajectory;
    if (!points.length) continue;
    const path = s('path', {
      class: 'trajectory', 'data-run-id': trajectory.runId,
      d: points.map(([px, py], at) => `${at ? 'L' : 'M'}${pixel(x(px))},${pixel(y(py))}`).join(''),
    }, s('title', {}, trajectory.label));
    path.style.stroke = trajectory.colour;
    overlay.append(path);
    const start = points[0];
    const end = points.at(-1);
    overlay.append(marker(start, 'marker-start', `${trajectory.label}: start (${start.map((v) => formatNumber(v)).join(', ')})`));
    if (points.length > 1) overlay.append(marker(end, 'marker-end', `${trajectory.label}: latest (${end.map((v) => formatNumber(v)).join(', ')})`, trajectory.colour));
  }
  if (landscape.minimum?.params) overlay.append(marker(landscape.minimum.params, 'marker-minimum', `known minimum f = ${formatNumber(landscape.minimum.value)}`));
  svg.append(overlay);
  return svg;
}
