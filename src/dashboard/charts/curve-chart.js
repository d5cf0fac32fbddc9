/**
 * Curves of one or more runs by step, drawn by uPlot: one y axis per unit (units from
 * metric-fields.js) with its title, log scales (symmetric log when a unit has values ≤ 0, since
 * a loss can be negative; value-scales.js), the min–max band of downsampled buckets behind each line
 * so spikes stay visible, optional smoothing, drag to zoom and double-click to reset.
 *
 * The legend is ours (uPlot's is off): each line with its colour and a button to hide it, and
 * a readout of the values under the cursor.
 *
 * A run given a `best` (where early stopping found its best value, or the last parameters' value
 * when that is the best: atEnd) has that step marked: a dashed vertical line at the step, a point
 * at the best value on the monitored curve, and a legend entry saying both.
 */
import uPlot from 'uplot';
import { h } from '../dom.js';
import { bestStepText } from '../contracts.js';
import { formatNumber, formatStep } from '../format.js';
import { valueAxisOptions, valueScale } from './value-scales.js';

const valueAxisLabels = (scale) => {
  const { splits, values } = valueAxisOptions(scale);
  return { splits, values };
};
import { units } from './metric-fields.js';
import { colourAt, dashes, translucent } from './palette.js';

/** Whole steps only: 1-2-5 increments from 1 to 1e9. */
const stepIncrements = [1, 2, 5].flatMap((factor) => Array.from({ length: 10 }, (_, power) => factor * 10 ** power)).sort((a, b) => a - b);

/** How a curve's best point is labelled among the chart's series: the curve's label and this. */
const bestSuffix = ' · best';
/** The best step's line when its curve is not drawn (the dashboard's muted ink). */
const bestLineColour = '#5b6475';

const finiteOrNull = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not pulled
 * toward zero: s_t = w·s_{t−1} + (1 − w)·v_t, shown as s_t / (1 − w^t).
 */
function smooth(values, weight) {
  if (!(weight > 0)) return values;
  let average = 0;
  let total = 0;
  return values.map((value) => {
    if (value === null) return null;
    average = average * weight + (1 - weight) * value;
    total = total * weight + (1 - weight);
    return average / total;
  });
}

/** The axis width that fits its widest tick label (measured in the axis font). */
function fittedAxisSize(chart, values, axisIndex, cycle) {
  const axis = chart.axes[axisIndex];
  if (cycle > 1) return axis._size;
  let size = axis.ticks.size + axis.gap + 4;
  const longest = (values ?? []).reduce((widest, value) => (value !== null && String(value).length > widest.length ? String(value) : widest), '');
  if (longest) {
    chart.ctx.font = axis.font[0];
    size += chart.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

const stepLabels = (_chart, splits) => splits.map((value) => (value === null || value === undefined ? null : formatStep(value)));

/**
 * What to draw: uPlot's aligned data (values transformed per unit, see value-scales.js), its
 * series and bands, and each unit's scale.
 * @param {{ runs: { id: string, name: string, points: object[], stopped?: boolean, best?: { metric: string, value: number, step: number, atEnd?: boolean } }[], fields: object[], logScale: boolean, smoothing: number }} input
 */
function describe({ runs, fields, logScale, smoothing }) {
  const compare = runs.length > 1;
  const tables = [];
  const series = [{ label: 'step' }];
  const lines = [];
  const bands = [];
  const missing = [];
  /** Best steps to mark: step, value and metric, with the x of their point (null when their curve is not drawn). */
  const bests = [];
  /** Raw columns by unit, transformed once every value of the unit is known. */
  const columnsByUnit = new Map();
  runs.forEach((run, runIndex) => {
    const columns = [run.points.map((point) => point.step)];
    let marked = false;
    fields.forEach((field, fieldIndex) => {
      const values = run.points.map((point) => finiteOrNull(point[field.name]));
      if (!values.some((value) => value !== null)) {
        if (!field.validation) missing.push(compare ? `${run.name}: ${field.label}` : field.label);
        return;
      }
      const colour = compare ? colourAt(runIndex) : colourAt(fieldIndex);
      const unitColumns = columnsByUnit.get(field.unit) ?? [];
      columnsByUnit.set(field.unit, unitColumns);
      const lows = run.points.map((point) => finiteOrNull(point[`${field.name}Min`]));
      const highs = run.points.map((point) => finiteOrNull(point[`${field.name}Max`]));
      if (lows.some((low, index) => low !== null && highs[index] !== null && low !== highs[index])) {
        const highIndex = series.length;
        series.push({ label: `${field.label} max`, scale: field.unit, stroke: 'transparent', width: 0, points: { show: false } });
        series.push({ label: `${field.label} min`, scale: field.unit, stroke: 'transparent', width: 0, points: { show: false } });
        columns.push(highs, lows);
        unitColumns.push(highs, lows);
        bands.push({ series: [highIndex, highIndex + 1], fill: translucent(colour) });
      }
      const label = compare ? `${run.name} · ${field.label}` : field.label;
      const dash = compare ? dashes[fieldIndex % dashes.length] : [];
      const line = { index: series.length, bestIndex: null, label, colour, unit: field.unit, field: field.name, runId: run.id, dash };
      lines.push(line);
      series.push({
        label, scale: field.unit, stroke: colour, width: 1.75, dash: dash.length ? dash : undefined,
        spanGaps: compare, points: { show: run.points.length < 3 },
      });
      const smoothed = smooth(values, smoothing);
      columns.push(smoothed);
      unitColumns.push(values, smoothed);
      if (run.stopped && !marked) {
        // A run stopped early (a pruned trial) is marked where it stopped, on its first curve.
        marked = true;
        const last = smoothed.findLastIndex((value) => value !== null);
        series.push({ label: `${label} · stopped`, scale: field.unit, stroke: colour, width: 0, points: { show: true, size: 10, width: 2, fill: '#ffffff', stroke: colour } });
        columns.push(smoothed.map((value, index) => (index === last ? value : null)));
      }
      if (run.best && run.best.metric === field.name) {
        // The point goes on the bucket holding the step (downsampled curves have no point of
        // their own there); the line at the exact step and the legend say where it is.
        const at = run.points.findIndex((point) => point.step <= run.best.step && run.best.step <= (point.stepEnd ?? point.step));
        if (at >= 0) {
          bests.push({ ...run.best, runId: run.id, label, colour, x: run.points[at].step });
          line.bestIndex = series.length;
          series.push({ label: `${label}${bestSuffix}`, scale: field.unit, stroke: colour, width: 0, points: { show: true, size: 11, width: 2, fill: colour, stroke: '#ffffff' } });
          columns.push(run.points.map((_point, index) => (index === at ? run.best.value : null)));
          unitColumns.push([run.best.value]);
        }
      }
    });
    // Its curve not drawn (hidden, or not recorded there), the step is still marked by its line.
    if (run.best && !bests.some((best) => best.runId === run.id)) {
      bests.push({ ...run.best, runId: run.id, label: compare ? `${run.name} · ${run.best.metric}` : run.best.metric, colour: compare ? colourAt(runIndex) : bestLineColour, x: null });
    }
    tables.push(columns);
  });
  const scales = {};
  for (const [unit, columns] of columnsByUnit) {
    const finite = columns.flat().filter((value) => value !== null);
    scales[unit] = valueScale(finite, logScale && units[unit].logCapable);
  }
  // Columns after x follow the series in order, table after table.
  let seriesIndex = 1;
  const transformed = tables.map(([steps, ...columns]) => [steps, ...columns.map((column) => {
    const { forward } = scales[series[seriesIndex++].scale];
    return column.map((value) => (value === null ? null : forward(value)));
  })]);
  const data = transformed.length > 1 ? uPlot.join(transformed) : transformed[0] ?? [[]];
  return { data, series, bands, lines, missing, scales, bests };
}

/**
 * A line, as the reader's choices remember it: by its run and its field, the pair that finds its
 * legend entry again. Not by its label, which changes (a trial pruned since is labelled so) and
 * may be two lines' (the same optimizer twice in a race).
 */
const lineKey = (line) => JSON.stringify([line.runId, line.field]);

/**
 * The part of `zoom` the steps of `data` (uPlot's aligned data) cover, or null when fewer than
 * two of their points are in it: a zoom kept from other data (a live redraw) never shows an empty chart.
 */
function zoomWithin(zoom, data) {
  const xs = data[0];
  if (!zoom || !xs.length) return null;
  const range = { min: Math.max(zoom.min, xs[0]), max: Math.min(zoom.max, xs.at(-1)) };
  const inside = xs.filter((x) => x >= range.min && x <= range.max).length;
  return range.min < range.max && inside >= 2 ? range : null;
}

const bestText = (best) => `${best.label}: best ${formatNumber(best.value, 5)} ${bestStepText(best)}`;

function axisTitle(unit, scale) {
  const title = units[unit].title;
  return scale.kind === 'linear' ? title : `${title} (${scale.kind})`;
}

/**
 * @param {{ ariaLabel: string, view?: { hidden: string[], zoom: { min: number, max: number } | null } }} options
 * `view`: what the reader chose on the chart this one replaces (its `view()`), kept: the lines
 * they hid (by run and field) and the steps they zoomed to, as far as the new data reaches.
 */
export function createCurveChart(container, { ariaLabel, view }) {
  const plotHolder = h('div', { class: 'curve-plot', role: 'img', 'aria-label': ariaLabel });
  const legend = h('div', { class: 'chart-legend' });
  const readout = h('p', { class: 'chart-readout muted', 'aria-live': 'off' });
  const empty = h('p', { class: 'chart-empty muted', hidden: true });
  container.replaceChildren(h('div', { class: 'curve-chart' }, plotHolder, empty, readout, legend));
  let chart = null;
  let signature = '';
  let lines = [];
  let scales = {};
  let bests = [];
  const hidden = new Set(view?.hidden ?? []);
  /** The first and last step of the data drawn, to tell a zoomed view from the whole. */
  let steps = null;
  /** The zoom of the chart this one replaces, until a chart is drawn here. */
  let keptZoom = view?.zoom ?? null;

  /** The step range shown when it is narrower than the data's (the reader zoomed), else null. */
  function zoomedRange() {
    if (!chart || !steps) return null;
    const { min, max } = chart.scales.x;
    return min > steps[0] || max < steps[1] ? { min, max } : null;
  }

  const size = () => {
    const width = Math.max(280, Math.floor(container.clientWidth || 600));
    return { width, height: Math.round(Math.min(360, Math.max(240, width * 0.42))) };
  };
  const resizeObserver = new ResizeObserver(() => {
    if (chart) chart.setSize(size());
  });
  resizeObserver.observe(container);

  function showReadout(instance) {
    const index = instance.cursor.idx;
    if (index === null || index === undefined) {
      readout.textContent = '';
      return;
    }
    const values = lines
      .filter((line) => !hidden.has(lineKey(line)))
      .map((line) => {
        const display = instance.data[line.index][index];
        return `${line.label} ${display === null || display === undefined ? '—' : formatNumber(scales[line.unit].inverse(display), 5)}`;
      });
    const step = instance.data[0][index];
    const best = bests.filter((entry) => entry.x === step).map((entry) => ` · ${bestText(entry)}`).join('');
    readout.textContent = `step ${step}: ${values.join(' · ')}${best}`;
  }

  /** The best steps' lines, dashed across the plot, over the curves. */
  function drawBestSteps(instance) {
    const { ctx, bbox } = instance;
    for (const best of bests) {
      const x = instance.valToPos(best.step, 'x', true);
      if (!(x >= bbox.left && x <= bbox.left + bbox.width)) continue;
      ctx.save();
      ctx.strokeStyle = best.colour;
      ctx.lineWidth = devicePixelRatio;
      ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, bbox.top);
      ctx.lineTo(Math.round(x) + 0.5, bbox.top + bbox.height);
      ctx.stroke();
      ctx.restore();
    }
  }

  function renderLegend(missing) {
    legend.replaceChildren(
      ...lines.map((line) => {
        const key = lineKey(line);
        const item = h('button', {
          // Its run and its field (`name`) find it again after a redraw (dom.js keepingFocus).
          type: 'button', class: 'legend-item', name: line.field, 'data-series': line.field, 'data-run-id': line.runId, 'aria-pressed': String(!hidden.has(key)),
          title: 'Show or hide this line',
          onclick: () => {
            if (hidden.has(key)) hidden.delete(key); else hidden.add(key);
            const show = !hidden.has(key);
            item.setAttribute('aria-pressed', String(show));
            chart?.setSeries(line.index, { show });
            // The best point belongs to its curve: hidden with it.
            if (line.bestIndex !== null) chart?.setSeries(line.bestIndex, { show });
          },
        }, h('span', { class: 'swatch' }), line.label);
        item.firstChild.style.background = line.colour;
        if (line.dash.length) item.firstChild.classList.add('dashed');
        return item;
      }),
      ...bests.map((best) => {
        const item = h('span', {
          class: 'legend-item best-step', 'data-run-id': best.runId, 'data-step': best.step,
          // Early stopping finds an update's best; a best at the end is the last parameters', measured as the run ended.
          title: best.atEnd ? "The best value, the last parameters', measured as the run ended (the dashed line)" : 'Where early stopping found the best value (the dashed line)',
        }, h('span', { class: 'best-marker', 'aria-hidden': 'true' }), bestText(best));
        item.firstChild.style.borderColor = best.colour;
        return item;
      }),
      ...missing.map((label) => h('span', { class: 'legend-item muted' }, `${label}: not recorded`)),
    );
  }

  function update(input) {
    const model = describe(input);
    lines = model.lines;
    scales = model.scales;
    bests = model.bests;
    renderLegend(model.missing);
    const hasPoints = input.runs.some((run) => run.points.length > 0);
    if (!lines.length) {
      chart?.destroy();
      chart = null;
      signature = '';
      plotHolder.hidden = true;
      empty.hidden = false;
      empty.textContent = hasPoints ? 'The selected curves have no finite values to draw.' : 'No recorded steps yet.';
      return;
    }
    plotHolder.hidden = false;
    empty.hidden = true;
    const unitsInUse = Object.keys(model.scales);
    const nextSignature = JSON.stringify([model.series, model.bands, Object.entries(model.scales).map(([unit, scale]) => [unit, scale.kind, scale.inverse(1)])]);
    // A range the reader zoomed to (drag) stays while new rows arrive; double-click shows all again.
    const zoom = zoomWithin(zoomedRange() ?? keptZoom, model.data);
    steps = [model.data[0][0], model.data[0].at(-1)];
    if (chart && nextSignature === signature) {
      chart.setData(model.data, !zoom);
      if (zoom) chart.setScale('x', zoom);
      return;
    }
    chart?.destroy();
    signature = nextSignature;
    // The lines the reader hid, and their best points with them.
    const hiddenSeries = new Set(lines.filter((line) => hidden.has(lineKey(line))).flatMap((line) => [line.index, line.bestIndex]));
    const axes = [
      { scale: 'x', label: 'step', space: 70, incrs: stepIncrements, values: stepLabels, size: fittedAxisSize },
      ...unitsInUse.map((unit, index) => ({
        scale: unit, side: index === 0 ? 3 : 1, label: axisTitle(unit, model.scales[unit]), ...valueAxisLabels(model.scales[unit]),
        size: fittedAxisSize, grid: { show: index === 0 }, space: 36,
      })),
    ];
    chart = new uPlot({
      ...size(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false, range: (_chart, low, high) => (low === high ? [low - 1, high + 1] : [low, high]) },
        ...Object.fromEntries(unitsInUse.map((unit) => [unit, { auto: true, range: valueAxisOptions(model.scales[unit]).range }])),
      },
      axes,
      series: model.series.map((entry, index) => (hiddenSeries.has(index) ? { ...entry, show: false } : entry)),
      bands: model.bands,
      hooks: { setCursor: [showReadout], draw: [drawBestSteps] },
    }, model.data, plotHolder);
    if (zoom) chart.setScale('x', zoom);
    keptZoom = null;
    plotHolder.uplot = chart;
    // When the page first drew curves (ms since navigation): what the browser tests report.
    plotHolder.dataset.firstDrawnAt ??= String(Math.round(performance.now()));
  }

  return {
    update,
    /** What the reader chose here (hidden lines, the zoom), for the chart that replaces this one. */
    view: () => ({ hidden: [...hidden], zoom: zoomedRange() ?? keptZoom }),
    destroy() {
      resizeObserver.disconnect();
      chart?.destroy();
      chart = null;
    },
  };
}
