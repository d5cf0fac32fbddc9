/**
 * The objective's landscape in SVG: a shaded raster (rank of the value among the grid's, so
 * one steep wall does not wash everything else out), contour lines by marching squares at
 * quantile levels, and the trajectory from start to the latest parameters, with the known
 * minimum marked.
 */
import { formatNumber, s } from './dom.js';

const levelCount = 14;
const margin = { top: 10, right: 22, bottom: 34, left: 52 };

/** Quantiles of the finite grid values: contour levels that follow the function's shape. */
function quantileLevels(values) {
  const sorted = values.flat().filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length < 2) return { sorted, levels: [] };
  const levels = [];
  for (let index = 1; index <= levelCount; index++) {
    const level = sorted[Math.floor(((sorted.length - 1) * index) / (levelCount + 1))];
    if (levels.at(-1) !== level) levels.push(level);
  }
  return { sorted, levels };
}

/** Index of the first entry > value in a sorted array (the value's rank). */
function rankOf(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low / sorted.length;
}

/** The grid shaded by rank, as a PNG data URL (the CSP allows data: images). */
function shading(landscape, sorted) {
  const { resolution, values } = landscape;
  const canvas = document.createElement('canvas');
  canvas.width = resolution;
  canvas.height = resolution;
  const context = canvas.getContext('2d');
  const image = context.createImageData(resolution, resolution);
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const value = values[j][i];
      // Row 0 of the image is the top, i.e. the largest y.
      const offset = ((resolution - 1 - j) * resolution + i) * 4;
      if (value === null) {
        image.data.set([200, 200, 200, 255], offset);
        continue;
      }
      const t = rankOf(sorted, value);
      // From deep blue (low) through pale to warm sand (high).
      image.data.set([Math.round(30 + 215 * t), Math.round(70 + 150 * t), Math.round(150 + 30 * t - 60 * t * t), 255], offset);
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

/** Marching squares: the level set f = level as line segments in grid coordinates (i, j). */
export function contourSegments(values, level) {
  const segments = [];
  const rows = values.length;
  const columns = values[0]?.length ?? 0;
  const crossing = (a, b, va, vb) => {
    const t = (level - va) / (vb - va);
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  };
  for (let j = 0; j + 1 < rows; j++) {
    for (let i = 0; i + 1 < columns; i++) {
      const corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const cornerValues = corners.map(([ci, cj]) => values[cj][ci]);
      if (cornerValues.some((value) => value === null)) continue;
      const points = [];
      for (let edge = 0; edge < 4; edge++) {
        const next = (edge + 1) % 4;
        const va = cornerValues[edge];
        const vb = cornerValues[next];
        if ((va < level) !== (vb < level)) points.push(crossing(corners[edge], corners[next], va, vb));
      }
      // Two crossings: one segment; four (a saddle cell): pair them in order around the cell.
      for (let at = 0; at + 1 < points.length; at += 2) segments.push([points[at], points[at + 1]]);
    }
  }
  return segments;
}

/**
 * @param {object} landscape the GET /v1/runs/{id}/landscape body
 * @param {[number, number][]} trajectory parameters in step order (may be empty)
 */
export function renderContourPlot(landscape, trajectory, { width, height }) {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const [xLow, xHigh] = landscape.xRange;
  const [yLow, yHigh] = landscape.yRange;
  const xOf = (x) => margin.left + ((x - xLow) / (xHigh - xLow)) * plotWidth;
  const yOf = (y) => margin.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight;
  const last = landscape.resolution - 1;
  const fromGrid = ([i, j]) => [margin.left + (i / last) * plotWidth, margin.top + (1 - j / last) * plotHeight];
  const [xName, yName] = landscape.variables;

  const svg = s('svg', {
    class: 'contour-plot', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Contour plot of the objective over ${xName} and ${yName} with the run's trajectory`,
  });
  const clip = `clip-${landscape.runId}`;
  svg.append(s('defs', {}, s('clipPath', { id: clip }, s('rect', { x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }))));
  const { sorted, levels } = quantileLevels(landscape.values);
  if (sorted.length) {
    svg.append(s('image', {
      href: shading(landscape, sorted), x: margin.left, y: margin.top, width: plotWidth, height: plotHeight,
      preserveAspectRatio: 'none', class: 'contour-shading',
    }));
  }
  const lines = s('g', { class: 'contour-lines', 'clip-path': `url(#${clip})` });
  for (const level of levels) {
    const d = contourSegments(landscape.values, level)
      .map(([a, b]) => { const [x1, y1] = fromGrid(a); const [x2, y2] = fromGrid(b); return `M${x1.toFixed(1)},${y1.toFixed(1)}L${x2.toFixed(1)},${y2.toFixed(1)}`; })
      .join('');
    if (d) lines.append(s('path', { d, 'data-level': level }, s('title', {}, `f = ${formatNumber(level)}`)));
  }
  svg.append(lines, s('rect', { class: 'chart-frame', x: margin.left, y: margin.top, width: plotWidth, height: plotHeight }));

  const axes = s('g', { class: 'chart-grid' });
  for (const [fraction, x, y] of [[0, xLow, yLow], [0.5, (xLow + xHigh) / 2, (yLow + yHigh) / 2], [1, xHigh, yHigh]]) {
    axes.append(
      s('text', { x: margin.left + fraction * plotWidth, y: height - 18, 'text-anchor': 'middle' }, formatNumber(x, 3)),
      s('text', { x: margin.left - 6, y: margin.top + (1 - fraction) * plotHeight + 4, 'text-anchor': 'end' }, formatNumber(y, 3)),
    );
  }
  axes.append(
    s('text', { x: margin.left + plotWidth / 2, y: height - 3, 'text-anchor': 'middle', class: 'axis-name' }, xName),
    s('text', { x: 12, y: margin.top + plotHeight / 2, 'text-anchor': 'middle', class: 'axis-name', transform: `rotate(-90 12 ${margin.top + plotHeight / 2})` }, yName),
  );
  svg.append(axes);

  const path = [landscape.start, ...trajectory];
  const overlay = s('g', { 'clip-path': `url(#${clip})` });
  overlay.append(s('path', {
    class: 'trajectory', d: path.map(([x, y], at) => `${at ? 'L' : 'M'}${xOf(x).toFixed(1)},${yOf(y).toFixed(1)}`).join(''),
  }));
  const marker = (point, className, label) => s('circle', { class: className, cx: xOf(point[0]), cy: yOf(point[1]), r: 5 }, s('title', {}, label));
  overlay.append(marker(landscape.start, 'marker-start', `start (${landscape.start.map((v) => formatNumber(v)).join(', ')})`));
  const end = trajectory.at(-1) ?? landscape.final;
  if (end) overlay.append(marker(end, 'marker-end', `latest (${end.map((v) => formatNumber(v)).join(', ')})`));
  if (landscape.minimum?.params) overlay.append(marker(landscape.minimum.params, 'marker-minimum', `known minimum f = ${formatNumber(landscape.minimum.value)}`));
  svg.append(overlay);
  return svg;
}
