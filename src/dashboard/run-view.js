/**
 * One run: status, progress, early stopping, result, live curves and, for two-parameter
 * objectives, the trajectory on a contour plot. While the run is live it follows the event
 * stream and refetches the downsampled metrics at most once per `metricsRefreshMilliseconds`.
 */
import { ApiError, followEvents, getJson, postJson } from './api.js';
import { renderContourPlot } from './contour-plot.js';
import { describeObjective, finalStatuses, formatDuration, formatNumber, h, progressBar, statusBadge } from './dom.js';
import { renderLineChart } from './line-chart.js';

const metricsRefreshMilliseconds = 1000;
const trajectoryPageLimit = 10_000;
const trajectoryPages = 5;
const maxTrajectoryPoints = 2000;

const seriesChoices = [
  { name: 'loss', label: 'loss', shown: true },
  { name: 'valLoss', label: 'validation loss', shown: true },
  { name: 'valAccuracy', label: 'validation accuracy', shown: false },
  { name: 'gradNorm', label: 'gradient norm', shown: false },
  { name: 'learningRate', label: 'learning rate', shown: false },
];

/** Parameter names in vector order, as the API documents them per objective. */
function parameterNames(spec, count, landscape) {
  const objective = spec.objective;
  if (objective.type === 'expression') return objective.variables;
  if (landscape) return landscape.variables;
  if (objective.type === 'model' && (objective.model === 'linear' || objective.model === 'logistic')) {
    return Array.from({ length: count }, (_, index) => (index === count - 1 ? 'b' : `w${index + 1}`));
  }
  return Array.from({ length: count }, (_, index) => `x${index + 1}`);
}

/** The nodes that are there (replaceChildren would print null as text). */
const present = (...nodes) => nodes.filter((node) => node !== null && node !== undefined);

function definitionList(entries) {
  return h('dl', { class: 'facts' }, entries.filter(Boolean).flatMap(([term, value, name]) => [h('dt', {}, term), h('dd', { 'data-field': name }, value)]));
}

/** Evenly thinned copy keeping the first and the last point. */
function thin(points, limit) {
  if (points.length <= limit) return points;
  const stride = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, index) => points[Math.round(index * stride)]);
}

export function createRunView(container, { onChanged }) {
  let state = null;

  function stop() {
    if (!state) return;
    state.stopped = true;
    state.unfollow?.();
    clearTimeout(state.metricsTimer);
    state.resizeObserver?.disconnect();
  }

  async function open(id) {
    stop();
    const sections = {
      header: h('header', { class: 'run-header' }),
      status: h('section', { class: 'card', 'aria-labelledby': 'status-title' }),
      curves: h('section', { class: 'card curves-card', 'aria-labelledby': 'curves-title' }),
      landscape: h('section', { class: 'card landscape-card', 'aria-labelledby': 'landscape-title' }),
    };
    state = { id, run: null, points: [], live: [], trajectory: [], landscape: null, landscapeNote: 'Loading…', sections, shown: new Set(seriesChoices.filter((c) => c.shown).map((c) => c.name)), logScale: true, stopped: false };
    const current = state;
    container.replaceChildren(sections.header, h('div', { class: 'run-grid' }, sections.status, sections.landscape, sections.curves));
    buildCurveControls(current);
    try {
      current.run = (await getJson(`/v1/runs/${id}`)).body;
    } catch (error) {
      container.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof ApiError && error.status === 404 ? `There is no run ${id}.` : error.message));
      return;
    }
    renderHeader(current);
    renderStatus(current);
    await Promise.all([loadMetrics(current), loadTrajectory(current).then(() => loadLandscape(current))]);
    current.resizeObserver = new ResizeObserver(() => renderCurves(current));
    current.resizeObserver.observe(sections.curves);
    if (!finalStatuses.has(current.run.status)) follow(current);
  }

  function renderHeader(current) {
    const { run } = current;
    const cancellable = run.status === 'queued' || run.status === 'running';
    current.sections.header.replaceChildren(...present(
      h('div', {},
        h('h2', { id: 'run-title' }, 'Run ', h('code', {}, run.id.slice(0, 8)), ' ', statusBadge(run.status)),
        h('p', { class: 'muted run-summary' }, `${run.spec.optimizer.name} (${run.spec.optimizer.flavor ?? 'paper'}) on ${describeObjective(run.spec.objective)}`)),
      cancellable ? h('button', { type: 'button', class: 'danger', onclick: () => cancel(current) }, 'Cancel run') : null,
    ));
  }

  async function cancel(current) {
    try {
      current.run = await postJson(`/v1/runs/${current.id}/cancel`);
    } catch (error) {
      current.sections.header.append(h('p', { class: 'error', role: 'alert' }, error.message));
      return;
    }
    renderHeader(current);
    renderStatus(current);
    onChanged();
  }

  function renderStatus(current) {
    const { run } = current;
    const progress = run.progress;
    const early = run.earlyStopping;
    const result = run.result;
    const names = result?.params ? parameterNames(run.spec, result.params.length, current.landscape) : [];
    current.sections.status.replaceChildren(...present(
      h('h3', { id: 'status-title' }, 'Progress'),
      progressBar(progress, run.status),
      definitionList([
        ['step', progress ? `${progress.step}${progress.totalSteps ? ` of ${progress.totalSteps}` : ''}` : '—', 'step'],
        ['steps per second', formatNumber(progress?.stepsPerSecond ?? null), 'stepsPerSecond'],
        ['time left', formatDuration(progress?.etaSeconds), 'etaSeconds'],
      ]),
      early?.enabled ? h('h3', {}, `Early stopping on ${early.monitor}`) : null,
      early?.enabled ? definitionList([
        ['best', formatNumber(early.best), 'best'],
        ['best step', early.bestStep ?? '—', 'bestStep'],
        ['steps since best', `${early.stepsSinceBest ?? '—'} of patience ${early.patience ?? '—'}`, 'stepsSinceBest'],
        ['stopped', early.stopped ? 'yes' : 'no', 'stopped'],
      ]) : null,
      result ? h('h3', {}, 'Result') : null,
      result ? definitionList([
        ['stop reason', h('code', {}, result.stopReason), 'stopReason'],
        ['message', result.message, 'message'],
        ['final loss', formatNumber(result.finalLoss, 6), 'finalLoss'],
        ['best loss', `${formatNumber(result.bestLoss, 6)}${result.bestStep ? ` at step ${result.bestStep}` : ''}`, 'bestLoss'],
        ['steps', result.steps, 'steps'],
      ]) : null,
      result?.params ? h('table', { class: 'params' },
        h('caption', {}, 'Parameters'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'name'), h('th', { scope: 'col' }, 'value'))),
        h('tbody', {}, result.params.slice(0, 50).map((value, index) => h('tr', {}, h('th', { scope: 'row' }, names[index] ?? `#${index + 1}`), h('td', {}, formatNumber(value, 8))))),
        result.params.length > 50 ? h('tfoot', {}, h('tr', {}, h('td', { colspan: 2 }, `… and ${result.params.length - 50} more`))) : null) : null,
    ));
  }

  function buildCurveControls(current) {
    const toggles = seriesChoices.map((choice) => h('label', { class: 'toggle' },
      h('input', { type: 'checkbox', checked: current.shown.has(choice.name), name: choice.name, onchange: (event) => {
        if (event.target.checked) current.shown.add(choice.name); else current.shown.delete(choice.name);
        renderCurves(current);
      } }), ` ${choice.label}`));
    const logToggle = h('label', { class: 'toggle' }, h('input', { type: 'checkbox', checked: true, name: 'logScale', onchange: (event) => {
      current.logScale = event.target.checked;
      renderCurves(current);
    } }), ' log scale');
    current.chartHolder = h('div', { class: 'chart-holder' });
    current.sections.curves.replaceChildren(
      h('h3', { id: 'curves-title' }, 'Curves'),
      h('fieldset', { class: 'series-controls' }, h('legend', { class: 'visually-hidden' }, 'Series'), toggles, logToggle),
      current.chartHolder,
    );
  }

  function chartWidth(current) {
    return Math.max(280, Math.floor(current.chartHolder.clientWidth || 600));
  }

  function renderCurves(current) {
    const width = chartWidth(current);
    const merged = [...current.points, ...current.live.filter((row) => row.step > (current.points.at(-1)?.step ?? 0))];
    const series = seriesChoices.filter((choice) => current.shown.has(choice.name)).map((choice) => ({
      name: choice.name,
      label: choice.label,
      points: merged.map((point) => ({ step: point.step, value: point[choice.name] ?? null, min: point[`${choice.name}Min`], max: point[`${choice.name}Max`] })),
    }));
    current.chartHolder.replaceChildren(
      renderLineChart({ width, height: Math.round(Math.min(340, Math.max(220, width * 0.45))), logScale: current.logScale, series }),
      h('p', { class: 'legend' }, series.map((line, index) => (line.points.some((point) => point.value !== null)
        ? h('span', { class: `legend-item series-${index}` }, line.label)
        : h('span', { class: 'legend-item muted' }, `${line.label}: not recorded`)))),
    );
  }

  async function loadMetrics(current) {
    const fields = seriesChoices.map((series) => series.name).join(',');
    try {
      const { body } = await getJson(`/v1/runs/${current.id}/metrics?fields=${fields}&maxPoints=${chartWidth(current)}`);
      if (current.stopped) return;
      current.points = body.points;
      current.live = [];
    } catch (error) {
      current.chartHolder.replaceChildren(h('p', { class: 'error' }, error.message));
      return;
    }
    renderCurves(current);
  }

  /** The recorded parameters, appended from the last known step on. */
  async function loadTrajectory(current) {
    let from = (current.trajectoryStep ?? 0) + 1;
    for (let page = 0; page < trajectoryPages; page++) {
      let body;
      try {
        body = (await getJson(`/v1/runs/${current.id}/metrics?fields=params&from=${from}&limit=${trajectoryPageLimit}`)).body;
      } catch {
        return;
      }
      for (const row of body.points) {
        if (row.params && row.params.length === 2 && row.params.every((value) => value !== null)) current.trajectory.push(row.params);
        current.trajectoryStep = row.step;
      }
      if (!body.nextCursor) break;
      from = Number(body.nextCursor) + 1;
    }
    current.trajectory = thin(current.trajectory, maxTrajectoryPoints);
  }

  async function loadLandscape(current) {
    try {
      current.landscape = (await getJson(`/v1/runs/${current.id}/landscape?resolution=80`)).body;
      current.landscapeNote = null;
    } catch (error) {
      current.landscape = null;
      current.landscapeNote = error instanceof ApiError && error.status === 422 ? `No contour plot: ${error.message}` : error.message;
    }
    if (!current.stopped) renderLandscape(current);
  }

  function renderLandscape(current) {
    const holder = current.sections.landscape;
    const title = h('h3', { id: 'landscape-title' }, 'Trajectory');
    if (!current.landscape) {
      holder.replaceChildren(title, h('p', { class: 'muted landscape-note' }, current.landscapeNote));
      return;
    }
    const width = Math.max(280, Math.min(560, Math.floor(holder.clientWidth - 32 || 480)));
    holder.replaceChildren(title,
      renderContourPlot(current.landscape, current.trajectory, { width, height: Math.round(width * 0.85) }),
      h('p', { class: 'legend' },
        h('span', { class: 'legend-item marker-start' }, 'start'),
        h('span', { class: 'legend-item marker-end' }, 'latest'),
        current.landscape.minimum?.params ? h('span', { class: 'legend-item marker-minimum' }, 'known minimum') : null));
    if (current.run?.result?.params) renderStatus(current);
  }

  function follow(current) {
    const scheduleMetrics = () => {
      if (current.metricsTimer) return;
      current.metricsTimer = setTimeout(async () => {
        current.metricsTimer = null;
        await loadMetrics(current);
        if (current.landscape) {
          await loadTrajectory(current);
          renderLandscape(current);
        }
      }, metricsRefreshMilliseconds);
    };
    current.unfollow = followEvents(`/v1/runs/${current.id}/events`, (type, data) => {
      if (current.stopped) return;
      if (type === 'status') {
        const statusChanged = data.status !== current.run.status;
        current.run = data.id ? data : { ...current.run, status: data.status, result: data.result ?? current.run.result };
        renderHeader(current);
        renderStatus(current);
        if (statusChanged) onChanged();
      } else if (type === 'progress') {
        current.run = { ...current.run, progress: data.progress, earlyStopping: data.earlyStopping ?? current.run.earlyStopping };
        renderStatus(current);
      } else if (type === 'metrics') {
        current.live.push(...(data.rows ?? []));
        renderCurves(current);
        scheduleMetrics();
      } else if (type === 'end') {
        finish(current);
      }
    }, () => {
      if (!current.stopped) finish(current);
    });
  }

  async function finish(current) {
    if (current.finished) return;
    current.finished = true;
    current.unfollow?.();
    try {
      current.run = (await getJson(`/v1/runs/${current.id}`)).body;
    } catch {
      return;
    }
    if (current.stopped) return;
    renderHeader(current);
    renderStatus(current);
    await loadMetrics(current);
    await loadTrajectory(current);
    await loadLandscape(current);
    onChanged();
  }

  return { open, close: stop };
}
