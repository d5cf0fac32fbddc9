/**
 * Runs side by side: a table of what differs between their specs and how each ended, their
 * curves on one chart (one colour per run, one dash per field; where early stopping found each
 * run's best, marked as on the run's own page) and, when they minimise the same two-parameter
 * objective, their trajectories on one contour plot.
 *
 * The same component shows a sweep's trials and the optimizer race (sweeps/sweep-view.js).
 */
import { ApiError } from '../api.js';
import { createCurveChart } from '../charts/curve-chart.js';
import { frame, renderContourPlot } from '../charts/contour-plot.js';
import { metricFields } from '../charts/metric-fields.js';
import { colourAt } from '../charts/palette.js';
import { describeObjective, h, keepingFocus, present, refreshNotice, shortId, statusBadge } from '../dom.js';
import { formatNumber } from '../format.js';
import { createCurveControls } from '../runs/curve-controls.js';
import { landscapeRefusal } from '../runs/landscape-refusal.js';
import { earlyStoppingBest, knownDimension, loadCurves, loadLandscape, loadRun, loadTrajectory } from '../runs/run-data.js';
import { thin } from '../runs/run-view.js';
import { scrollingTable } from '../table-scroll.js';

const maxTrajectoryPoints = 1500;
/** Steps read as recorded at the start of each trajectory, before the downsampled rest. */
const earlyTrajectoryRows = 500;

/** Dotted paths of the spec's leaves: `optimizer.learningRate` → 0.01. */
function leaves(value, prefix = '') {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([name, child]) => leaves(child, `${prefix}${prefix ? '.' : ''}${name}`));
  }
  return [[prefix, JSON.stringify(value)]];
}

/** A spec value for the table: numbers to a few digits, the rest as written. */
function specValueText(json) {
  if (json === undefined) return '—';
  const value = JSON.parse(json);
  return typeof value === 'number' ? formatNumber(value, 6) : typeof value === 'string' ? value : json;
}

/** The spec fields whose values are not the same in every run. */
function differingFields(runs) {
  const maps = runs.map((run) => new Map(leaves(run.spec)));
  const names = [...new Set(maps.flatMap((map) => [...map.keys()]))];
  return names.filter((name) => new Set(maps.map((map) => map.get(name))).size > 1);
}

const sameObjective = (runs) => new Set(runs.map((run) => JSON.stringify(run.spec.objective))).size === 1;

/**
 * @param {HTMLElement} container
 * @param {{ onRemove?: (id: string) => void, title?: string }} options
 */
export function createCompareView(container, { onRemove } = {}) {
  let generation = 0;
  let chart = null;
  const display = { shown: new Set(['loss']), logScale: true, smoothing: 0 };
  /** Drawn under the title: a live refresh whose runs could not be read says so there, the view left as it was. */
  const notice = refreshNotice();

  /** Takes the chart down (its element goes with what the container shows). */
  function dropChart() {
    chart?.destroy();
    chart = null;
  }

  function close() {
    generation++;
    dropChart();
  }

  /**
   * Loads and shows `ids`; `labels` names them (default: optimizer and short id); the runs in
   * `stopped` (pruned trials) are marked where their curves end. `live`: a refresh of the runs
   * shown (a running sweep's trials): what is shown stays until the runs and their curves are in,
   * never "Loading…", then the view is drawn anew in one go with the keyboard's focus kept
   * (keepingFocus), and the trajectories shown stay until the new ones are drawn; when the runs
   * cannot be read, what is shown stays, with a notice under its title.
   *
   * Resolves to false when something could not be read (said where it would have been shown),
   * for a caller refreshing live to ask again; true otherwise, or when a newer call took over.
   */
  async function show(ids, { title = `Compare ${ids.length} run${ids.length === 1 ? '' : 's'}`, labels = {}, intro = null, stopped = new Set(), live = false } = {}) {
    const current = ++generation;
    const header = () => h('header', { class: 'run-header' }, h('h2', {}, title));
    if (!ids.length) {
      dropChart();
      keepingFocus(container, () => container.replaceChildren(...present(header(), intro, h('p', { class: 'muted placeholder' }, 'Tick runs in the list to compare them.'))));
      return true;
    }
    if (!live) {
      dropChart();
      container.replaceChildren(...present(header(), intro, h('p', { class: 'muted' }, 'Loading…')));
    }
    // Curves are asked for with the run views, not after them.
    const pointsWide = Math.max(200, (container.clientWidth || 640) - 120);
    // A run whose curves could not be read is said so, not drawn as a run that recorded nothing.
    const curvesLoaded = Promise.all(ids.map((id) => loadCurves(id, pointsWide).catch((error) => ({ error }))));
    let runs;
    try {
      runs = await Promise.all(ids.map((id) => loadRun(id)));
    } catch (error) {
      if (current !== generation) return true;
      const missing = error instanceof ApiError && error.status === 404;
      if (live && !missing && container.contains(notice.element)) {
        notice.failed('The compared runs', error);
        return false;
      }
      dropChart();
      keepingFocus(container, () => container.replaceChildren(h('p', { class: 'error', role: 'alert' }, missing ? 'One of the runs does not exist.' : error.message)));
      return false;
    }
    // A live refresh draws the curves with the rest: the chart is never drawn empty in between.
    const curvesFirst = live ? await curvesLoaded : null;
    if (current !== generation) return true;
    const named = runs.map((run, index) => ({ run, colour: colourAt(index), name: labels[run.id] ?? `${run.spec.optimizer.name} ${shortId(run.id)}` }));
    const chartHolder = h('div', { class: 'chart-holder' });
    const curvesError = h('p', { class: 'error curves-error', role: 'alert', hidden: true });
    const controls = createCurveControls(display, { onChange: () => renderCurves() });
    const shownLandscape = live ? container.querySelector('.compare-landscape') : null;
    const landscapeCard = shownLandscape ?? h('section', { class: 'card landscape-card compare-landscape', 'aria-labelledby': 'compare-landscape-title' },
      h('h3', { id: 'compare-landscape-title' }, 'Trajectories'), h('p', { class: 'muted landscape-note' }, 'Loading…'));
    let drawn = [];
    function renderCurves() {
      controls.showAvailable(drawn.flatMap(({ points }) => points));
      if (!drawn.length) return;
      chart.update({
        runs: drawn.map(({ run, name, points }) => ({ id: run.id, name, points, stopped: stopped.has(run.id), best: earlyStoppingBest(run) })),
        fields: metricFields.filter((field) => display.shown.has(field.name)),
        logScale: display.logScale,
        smoothing: display.smoothing,
      });
    }
    function drawCurves(loaded) {
      const failures = named.flatMap(({ name }, index) => (loaded[index].error ? [`The curves of ${name} could not be loaded: ${loaded[index].error.message}`] : []));
      curvesError.hidden = failures.length === 0;
      curvesError.textContent = failures.join(' ');
      drawn = named.map((entry, index) => ({ ...entry, points: loaded[index] })).filter(({ points }) => !points.error);
      // When no run's curves could be read, the failure is all there is to say (not "No recorded steps yet.").
      chartHolder.hidden = drawn.length === 0;
      renderCurves();
      return failures.length === 0;
    }
    let curvesRead = true;
    notice.cleared();
    // Redrawn live, the chart keeps what the reader chose on it: the lines hidden, the zoom.
    const view = live ? chart?.view() : undefined;
    keepingFocus(container, () => {
      dropChart();
      container.replaceChildren(...present(
        header(),
        notice.element,
        intro,
        h('div', { class: 'run-grid' },
          h('section', { class: 'card compare-table-card', 'aria-labelledby': 'compare-table-title' }, h('h3', { id: 'compare-table-title' }, 'Runs'), renderTable(named)),
          h('section', { class: 'card curves-card', 'aria-labelledby': 'compare-curves-title' }, h('h3', { id: 'compare-curves-title' }, 'Curves'), controls.element, curvesError, chartHolder),
          landscapeCard),
      ));
      chart = createCurveChart(chartHolder, { ariaLabel: `Curves of ${runs.length} runs by step`, view });
      if (curvesFirst) curvesRead = drawCurves(curvesFirst);
    });
    if (!curvesFirst) {
      const loaded = await curvesLoaded;
      if (current !== generation) return true;
      curvesRead = drawCurves(loaded);
    }
    const trajectoriesRead = await renderTrajectories(current, named, landscapeCard);
    return curvesRead && trajectoriesRead;
  }

  function renderTable(named) {
    const differing = differingFields(named.map(({ run }) => run)).filter((name) => name !== 'optimizer.name');
    const bestFinal = Math.min(...named.map(({ run }) => run.result?.finalLoss ?? Infinity));
    return scrollingTable('Runs compared', h('table', { class: 'compare-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'run'), h('th', { scope: 'col' }, 'status'), h('th', { scope: 'col' }, 'optimizer'),
        differing.map((name) => h('th', { scope: 'col' }, h('code', {}, name))),
        h('th', { scope: 'col' }, 'final loss'), h('th', { scope: 'col' }, 'validation loss'), h('th', { scope: 'col' }, 'best'), h('th', { scope: 'col' }, 'steps'),
        onRemove ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'remove')) : null)),
      h('tbody', {}, named.map(({ run, colour, name }) => {
        const values = new Map(leaves(run.spec));
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = colour;
        return h('tr', { 'data-run-id': run.id, class: run.result?.finalLoss === bestFinal ? 'best' : null },
          h('th', { scope: 'row' }, swatch, ' ', h('a', { href: `#/runs/${run.id}` }, name)),
          h('td', {}, statusBadge(run.status)),
          h('td', {}, run.spec.optimizer.name),
          differing.map((field) => h('td', { 'data-spec': field }, specValueText(values.get(field)))),
          h('td', { 'data-field': 'finalLoss' }, formatNumber(run.result?.finalLoss ?? null, 6)),
          h('td', { 'data-field': 'finalValLoss' }, formatNumber(run.result?.finalValLoss ?? null, 6)),
          h('td', { 'data-field': 'best' }, run.result?.best ? `${run.result.best.metric} ${formatNumber(run.result.best.value, 6)}` : '—'),
          h('td', { 'data-field': 'steps' }, run.result?.steps ?? run.progress?.step ?? '—'),
          onRemove ? h('td', {}, h('button', { type: 'button', class: 'quiet', 'aria-label': `Remove ${name}`, onclick: () => onRemove(run.id) }, '×')) : null);
      }))));
  }

  /** Resolves to false when the trajectories or the landscape could not be read (the card says so). */
  async function renderTrajectories(current, named, card) {
    const title = card.firstChild;
    const note = (text) => card.replaceChildren(title, h('p', { class: 'muted landscape-note' }, text));
    const runs = named.map(({ run }) => run);
    if (!sameObjective(runs)) {
      note(`No shared contour plot: the runs minimise different objectives (${[...new Set(runs.map((run) => describeObjective(run.spec.objective)))].join('; ')}).`);
      return true;
    }
    const dimension = knownDimension(runs[0]);
    if (dimension !== null && dimension !== 2) {
      note(`No contour plot: the objective has ${dimension} parameters; a contour plot needs exactly 2.`);
      return true;
    }
    let trajectories;
    try {
      trajectories = await Promise.all(runs.map(async (run) => (await loadTrajectory(run.id, maxTrajectoryPoints, { head: earlyTrajectoryRows })).rows));
    } catch (error) {
      if (current !== generation) return true;
      note(`The trajectories could not be loaded: ${error.message}`);
      return false;
    }
    if (current !== generation) return true;
    const paths = trajectories.map((rows) => rows.map((row) => row.params).filter((pair) => pair.length === 2 && pair.every((value) => value !== null)));
    // Diverged runs would stretch the frame until the others vanish: frame the rest (the
    // diverged paths leave the plot at its edge).
    const framed = paths.filter((_path, index) => runs[index].status !== 'diverged');
    const recorded = (framed.flat().length ? framed : paths).flat();
    if (!recorded.length) {
      note(trajectories.some((rows) => rows.length) ? 'No contour plot: the objective is not two-dimensional.' : 'No recorded parameters to draw.');
      return true;
    }
    // The frame holds where the runs started (the same objective, so the same start) as well
    // as where they went.
    const start = runs[0].spec.objective.initial;
    const points = Array.isArray(start) && start.length === 2 && start.every(Number.isFinite) ? [start, ...recorded] : recorded;
    let body;
    let refusal;
    try {
      ({ landscape: body, refusal } = await loadLandscape(runs[0].id, { xRange: frame(points.map((point) => point[0])), yRange: frame(points.map((point) => point[1])) }));
    } catch (error) {
      if (current !== generation) return true;
      note(error.message);
      return false;
    }
    if (current !== generation) return true;
    // A landscape the API cannot draw (422: the objective cannot be built, say) is said in the
    // card's place for good; the table and the curves stay as they are.
    if (!body) {
      card.replaceChildren(title, ...landscapeRefusal(refusal));
      return true;
    }
    const width = Math.max(280, Math.min(640, Math.floor(card.clientWidth - 32 || 520)));
    card.replaceChildren(title,
      renderContourPlot(body, named.map(({ run, colour, name }, index) => ({
        label: name, colour, runId: run.id, points: thin([body.start, ...paths[index]], maxTrajectoryPoints),
      })), { width, height: Math.round(width * 0.8) }),
      h('p', { class: 'legend' }, named.map(({ colour, name, run }) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = colour;
        return h('span', { class: 'legend-entry', 'data-run-id': run.id }, swatch, ` ${name}`, run.result ? ` · final ${formatNumber(run.result.finalLoss)}` : '');
      })));
    return true;
  }

  return { show, close };
}
