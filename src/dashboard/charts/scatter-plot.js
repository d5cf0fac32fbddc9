/**
 * A scatter plot in SVG on d3-scale axes: one point per trial of a sweep, against one of its
 * parameters (linear, log, or one column per category) or against the trial number, with an
 * optional step line (the best value so far). Points are coloured by status; pruned trials are
 * hollow, at the value they had when they were stopped. Numeric categories are labelled as short
 * as their values allow (1e-9, not 1.0000000000000001e-9), and only as many as fit apart.
 */
import { scaleLinear, scaleLog, scalePoint } from 'd3-scale';
import { s } from '../dom.js';
import { formatNumber, tickTexts } from '../format.js';

const margin = { top: 10, right: 14, bottom: 40, left: 60 };

/** Status colours, as the badges. */
const statusColours = {
  completed: '#2b8a3e', early_stopped: '#0b7285', pruned: '#d9480f', diverged: '#8a3c00', failed: '#a61e1e', running: '#2f5bd3', cancelled: '#868e96', queued: '#868e96',
};
const statusColour = (status) => statusColours[status] ?? '#495057';

/** A value axis: log when asked and every value is positive, linear otherwise. */
function valueAxis(values, logarithmic, range) {
  const finite = values.filter((value) => Number.isFinite(value));
  const positive = finite.length > 0 && finite.every((value) => value > 0);
  const low = finite.length ? Math.min(...finite) : 0;
  const high = finite.length ? Math.max(...finite) : 1;
  if (logarithmic && positive) {
    const scale = scaleLog().domain(low === high ? [low / 2, high * 2] : [low, high]).range(range).nice();
    return { scale, log: true };
  }
  const pad = high > low ? (high - low) * 0.05 : Math.abs(low) * 0.1 || 1;
  return { scale: scaleLinear().domain([low - pad, high + pad]).range(range).nice(), log: false };
}

/** Ticks with their labels (format.js: distinct, each the value it marks). */
function labelled(ticks) {
  const texts = tickTexts(ticks);
  return ticks.map((tick, index) => [tick, texts[index]]);
}

/** Tick labels that fit: a log axis labels its decades (and 2, 5 when there are few). */
function tickLabels(axis, count) {
  const ticks = axis.scale.ticks(count);
  if (!axis.log) return labelled(ticks);
  const decades = ticks.filter((tick) => Math.abs(Math.log10(tick) - Math.round(Math.log10(tick))) < 1e-9);
  const shown = decades.length >= 2 ? decades : ticks.filter((tick) => /^[125]/.test(tick.toExponential()));
  const step = Math.max(1, Math.ceil(shown.length / count));
  return labelled(shown.filter((_tick, index) => index % step === 0));
}

/** Tick labels' font size (styles.css, `.chart-grid text`), and the least room between two labels. */
const tickFontPixels = 11;
const tickGap = 6;
/** Left of the value labels: their gap to the axis and the axis's name, turned upright. */
const yNameRoom = 30;

let measuring = null;
/** How wide `text` is drawn in the tick labels' font. */
function tickWidth(text) {
  measuring ??= document.createElement('canvas').getContext('2d');
  measuring.font = `${tickFontPixels}px ${getComputedStyle(document.body).fontFamily}`;
  return measuring.measureText(text).width;
}

/** How far apart two numbers may be and still be one value: the rounding of sums (1e-9 + 2e-9). */
const roundingNoise = 1e-12;

/**
 * A number for a category's label, as short as it can be and still be the value: the fewest
 * significant digits whose text gives the value back to within rounding (3.0000000000000004e-9,
 * the sum 1e-9 + 2e-9, is 3e-9). The category as it is when that is no shorter (a seed of
 * 123456789, not 1.23456789e8), and anything not a number as it is.
 */
function categoryText(category) {
  const value = Number(category);
  if (category.trim() === '' || !Number.isFinite(value)) return category;
  for (let digits = 1; digits <= 17; digits++) {
    const text = formatNumber(value, digits);
    if (Math.abs(Number(text) - value) <= Math.abs(value) * roundingNoise) return text.length <= category.length ? text : category;
  }
  return category;
}

/**
 * Where each category is labelled: every one when their labels fit side by side, else every
 * k-th (the first, and on at even steps) so that no two labels overlap.
 */
function categoryTicks(scale, categories) {
  const texts = categories.map(categoryText);
  // Labels that would read the same (values apart by less than rounding) are those written in full.
  const uses = new Map();
  for (const text of texts) uses.set(text, (uses.get(text) ?? 0) + 1);
  const shown = texts.map((text, index) => (uses.get(text) > 1 ? categories[index] : text));
  const widest = Math.max(...shown.map(tickWidth));
  const every = Math.max(1, Math.ceil((widest + tickGap) / scale.step()));
  return categories.flatMap((category, index) => (index % every === 0 ? [[scale(category), shown[index]]] : []));
}

/**
 * @param {{
 *   x: { label: string, kind: 'linear' | 'log' | 'category', categories?: string[] },
 *   y: { label: string, log: boolean },
 *   points: { x: number | string, y: number, status: string, label: string, runId: string }[],
 *   line?: [number, number][],
 *   ariaLabel: string,
 * }} input
 */
export function renderScatterPlot({ x: xAxis, y: yAxis, points, line, ariaLabel }, { width, height }) {
  const plotHeight = height - margin.top - margin.bottom;
  const svg = s('svg', { class: 'scatter-plot', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': ariaLabel });
  const yRange = [margin.top + plotHeight, margin.top];
  const drawn = points.filter((point) => Number.isFinite(point.y));
  const y = valueAxis([...drawn.map((point) => point.y), ...(line ?? []).map(([, value]) => value)], yAxis.log, yRange);
  const yTicks = tickLabels(y, Math.max(2, Math.floor(plotHeight / 40)));
  // Room at the left for the widest value label and, left of it, the axis's name.
  const left = Math.max(margin.left, Math.ceil(Math.max(0, ...yTicks.map(([, text]) => tickWidth(text)))) + yNameRoom);
  const plotWidth = width - left - margin.right;
  const xRange = [left, left + plotWidth];
  let xOf;
  let xTicks;
  if (xAxis.kind === 'category') {
    const scale = scalePoint().domain(xAxis.categories).range(xRange).padding(0.5);
    // Points of one category spread a little sideways, so equal values stay countable.
    xOf = (value, index) => scale(String(value)) + ((index % 7) - 3) * Math.min(3, scale.step() / 20);
    xTicks = categoryTicks(scale, xAxis.categories);
  } else {
    const axis = valueAxis(drawn.map((point) => Number(point.x)), xAxis.kind === 'log', xRange);
    xOf = (value) => axis.scale(Number(value));
    xTicks = tickLabels(axis, Math.max(2, Math.floor(plotWidth / 70))).map(([tick, text]) => [axis.scale(tick), text]);
  }

  const grid = s('g', { class: 'chart-grid' });
  for (const [position, text] of xTicks) grid.append(s('text', { class: 'x-tick', x: position.toFixed(1), y: margin.top + plotHeight + 16, 'text-anchor': 'middle' }, text));
  for (const [tick, text] of yTicks) {
    const position = y.scale(tick).toFixed(1);
    grid.append(s('line', { x1: left, x2: left + plotWidth, y1: position, y2: position }),
      s('text', { class: 'y-tick', x: left - 6, y: Number(position) + 4, 'text-anchor': 'end' }, text));
  }
  grid.append(
    s('text', { x: left + plotWidth / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-name' }, `${xAxis.label}${xAxis.kind === 'log' ? ' (log)' : ''}`),
    s('text', { x: 14, y: margin.top + plotHeight / 2, 'text-anchor': 'middle', class: 'axis-name y-name', transform: `rotate(-90 14 ${margin.top + plotHeight / 2})` },
      `${yAxis.label}${y.log ? ' (log)' : ''}`),
  );
  svg.append(grid, s('rect', { class: 'chart-frame', x: left, y: margin.top, width: plotWidth, height: plotHeight }));

  if (line?.length) {
    const d = line.map(([lx, ly], index) => `${index ? `H${xOf(lx).toFixed(1)}V` : `M${xOf(lx).toFixed(1)},`}${y.scale(ly).toFixed(1)}`).join('');
    svg.append(s('path', { class: 'best-so-far', d }, s('title', {}, 'best so far')));
  }
  const dots = s('g', { class: 'scatter-points' });
  drawn.forEach((point, index) => {
    const colour = statusColour(point.status);
    const circle = s('circle', {
      cx: xOf(point.x, index).toFixed(1), cy: y.scale(point.y).toFixed(1), r: 4.5,
      class: `trial-point status-${point.status}`, 'data-run-id': point.runId,
    }, s('title', {}, `${point.label}: ${formatNumber(point.y, 5)} (${point.status.replace('_', ' ')})`));
    circle.style.stroke = colour;
    circle.style.fill = point.status === 'pruned' ? '#ffffff' : colour;
    dots.append(circle);
  });
  svg.append(dots);
  return svg;
}
