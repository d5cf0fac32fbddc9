/**
 * One run: status, progress, result (with what the replicas of a parallel run did), the spec,
 * live curves and, for two-parameter objectives, the trajectory on a contour plot.
 *
 * The page's state is declared once (`emptyRunState`); loaders (run-data.js) fill it and the
 * render functions draw from it. While the run is live the page follows its event stream:
 * status, progress and new curve rows arrive there, and the only requests it makes are a
 * refresh of the downsampled curves and the trajectory at most every
 * `liveRefreshMs`, when new steps were recorded (304 when nothing changed). Once it has ended,
 * the page reads the run, its curves and its trajectory one last time, again every
 * `liveRefreshMs` while the run cannot be read.
 */
import { ApiError, followEvents, postJson } from '../api.js';
import { createCurveChart } from '../charts/curve-chart.js';
import { frame, renderContourPlot } from '../charts/contour-plot.js';
import { metricFields } from '../charts/metric-fields.js';
import { colourAt } from '../charts/palette.js';
import { describeObjective, h, present, progressBar, refreshNotice, shortId, statusBadge } from '../dom.js';
import { bestStepText, finalRunStatuses, metricFields as recordedFields } from '../contracts.js';
import { formatDuration, formatNumber } from '../format.js';
import { saveFile } from '../save-file.js';
import { landscapeRefusal } from './landscape-refusal.js';
import { earlyStoppingBest, knownDimension, loadCurves, loadLandscape, loadParameterNames, loadRun, loadTrajectory } from './run-data.js';
import { createCurveControls } from './curve-controls.js';
import { renderParameters } from './parameters-table.js';
import { renderReplicas } from './replicas-panel.js';
import { renderSpec } from './spec-panel.js';

const liveRefreshMs = 10_000;
const maxTrajectoryPoints = 2000;

/** Evenly thinned copy keeping the first and the last point. */
export function thin(points, limit) {
  if (points.length <= limit) return points;
  const stride = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, index) => points[Math.round(index * stride)]);
}

function definitionList(entries) {
  return h('dl', { class: 'facts' }, entries.filter(Boolean).flatMap(([term, value, name]) => [h('dt', {}, term), h('dd', { 'data-field': name }, value)]));
}

function emptyRunState(id) {
  return {
    id,
    /** The run view (GET /v1/runs/{id}), kept current by the event stream. */
    run: null,
    /** Downsampled buckets, then the rows the stream brought after the last bucket. */
    curves: { points: [], liveRows: [] },
    /** Two-parameter runs: recorded parameters in step order (downsampled on long runs); the last recorded step. */
    trajectory: { points: [], lastStep: 0 },
    landscape: { body: null, note: 'Loading…' },
    /** The objective's parameter names (GET /v1/runs/{id}/parameters), asked once there is a result. */
    parameterNames: { names: null, asked: false },
    display: { shown: new Set(metricFields.filter((field) => field.shownByDefault).map((field) => field.name)), logScale: true, smoothing: 0 },
    /** Whether steps were recorded since the last refresh, and the refresh timer. */
    live: { following: false, pending: false, timer: null, reconnectTimer: null, unfollow: null, finished: false },
    /**
     * The latest request of each kind: an answer to an earlier one (a live refresh still in
     * flight when the run ended and the final read went out) is dropped, not drawn over it.
     */
    requests: { curves: 0, trajectory: 0 },
    stopped: false,
  };
}

export function createRunView(container, { onChanged }) {
  let state = null;
  let parts = null;

  function stop() {
    if (!state) return;
    state.stopped = true;
    state.live.unfollow?.();
    clearTimeout(state.live.timer);
    clearTimeout(state.live.reconnectTimer);
    parts?.chart.destroy();
    state = null;
  }

  async function open(id) {
    stop();
    const current = emptyRunState(id);
    state = current;
    parts = {
      header: h('header', { class: 'run-header' }),
      status: h('section', { class: 'card', 'aria-labelledby': 'status-title' }),
      landscape: h('section', { class: 'card landscape-card', 'aria-labelledby': 'landscape-title' }),
      curves: h('section', { class: 'card curves-card', 'aria-labelledby': 'curves-title' }),
      spec: h('section', { class: 'card spec-card', 'aria-labelledby': 'spec-title' }),
      chartHolder: h('div', { class: 'chart-holder' }),
      curvesNotice: refreshNotice('curves-error'),
      notice: refreshNotice(),
    };
    const controls = createCurveControls(current.display, { onChange: () => renderCurves(current) });
    parts.controls = controls;
    parts.curves.append(h('h3', { id: 'curves-title' }, 'Curves'), controls.element, parts.curvesNotice.element, parts.chartHolder);
    // What is on its way says so, and no validation boxes show before the curves tell whether there are any.
    parts.status.append(h('h3', { id: 'status-title' }, 'Progress'), h('p', { class: 'muted' }, 'Loading…'));
    renderLandscape(current);
    controls.showAvailable([]);
    container.replaceChildren(parts.header, parts.notice.element, h('div', { class: 'run-grid' }, parts.status, parts.landscape, parts.curves, parts.spec));
    parts.chart = createCurveChart(parts.chartHolder, { ariaLabel: 'Curves of the run by step' });
    // The curves do not wait for the run view: both requests go out at once.
    const curvesLoaded = refreshCurves(current);
    try {
      current.run = await loadRun(id);
    } catch (error) {
      if (current.stopped) return;
      const missing = error instanceof ApiError && error.status === 404;
      container.replaceChildren(...present(h('p', { class: 'error', role: 'alert' }, missing ? `There is no run ${id}.` : error.message),
        missing ? null : h('button', { type: 'button', onclick: () => open(id) }, 'Try again')));
      return;
    }
    if (current.stopped) return;
    renderHeader(current);
    renderStatus(current);
    renderSpec(parts.spec, current.run);
    await Promise.all([curvesLoaded, refreshTrajectory(current)]);
    if (current.stopped) return;
    if (!finalRunStatuses.has(current.run.status)) follow(current);
    // The curves were read beside the run: a run that ended between the two reads recorded steps
    // the curves did not see, and no event will come to say so. Read them once more (a 304 when
    // nothing changed).
    else await refreshCurves(current);
  }

  const isCurrent = (current) => !current.stopped && state === current;

  function renderHeader(current) {
    const { run } = current;
    const cancellable = !finalRunStatuses.has(run.status);
    parts.header.replaceChildren(...present(
      h('div', {},
        h('h2', { id: 'run-title' }, 'Run ', h('code', {}, shortId(run.id)), ' ', statusBadge(run.status)),
        h('p', { class: 'muted run-summary' }, `${run.spec.optimizer.name} (${run.spec.optimizer.flavor ?? 'paper'}) on ${describeObjective(run.spec.objective)}`)),
      h('div', { class: 'header-actions' },
        h('button', { type: 'button', class: 'download-csv', onclick: (event) => downloadCsv(current, event.currentTarget) }, 'Download CSV'),
        h('a', { class: 'button', href: `#/compare/${run.id}` }, 'Compare…'),
        cancellable ? h('button', { type: 'button', class: 'danger', onclick: () => cancel(current) }, 'Cancel run') : null),
    ));
  }

  /**
   * Saves every recorded step (the metrics and the parameters) as CSV: the export of
   * GET /v1/runs/{id}/metrics?format=csv, streamed to the file where the browser can
   * (save-file.js). A plain link could not send the key.
   */
  async function downloadCsv(current, button) {
    button.disabled = true;
    try {
      // Every recorded field (the server's table), not only those the chart draws.
      const fields = [...recordedFields.map((field) => field.name), 'params'];
      await saveFile(`/v1/runs/${current.id}/metrics?format=csv&fields=${fields.join(',')}`, {
        accept: 'text/csv', extension: '.csv', fileName: `run-${current.id}.csv`, description: 'CSV of the recorded steps',
      });
    } catch (error) {
      parts.header.append(h('p', { class: 'error', role: 'alert' }, `The CSV could not be downloaded: ${error.message}`));
    } finally {
      button.disabled = false;
    }
  }

  async function cancel(current) {
    try {
      current.run = await postJson(`/v1/runs/${current.id}/cancel`);
    } catch (error) {
      parts.header.append(h('p', { class: 'error', role: 'alert' }, error.message));
      return;
    }
    renderHeader(current);
    renderStatus(current);
    onChanged();
  }

  function renderStatus(current) {
    const { run } = current;
    const { progress, result } = run;
    const early = run.earlyStoppingState;
    parts.status.replaceChildren(...present(
      h('h3', { id: 'status-title' }, 'Progress'),
      progressBar(progress, run.status),
      definitionList([
        ['step', progress ? `${progress.step}${progress.totalSteps ? ` of ${progress.totalSteps}` : ''}` : '—', 'step'],
        ['steps per second', formatNumber(progress?.stepsPerSecond ?? null), 'stepsPerSecond'],
        ['time left', finalRunStatuses.has(run.status) ? '—' : formatDuration(progress?.etaSeconds), 'etaSeconds'],
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
        ['steps', result.steps, 'steps'],
        [result.restoredBest ? 'loss at the best parameters' : 'final loss', formatNumber(result.finalLoss ?? null, 6), 'finalLoss'],
        ...(result.finalValLoss != null ? [['validation loss', formatNumber(result.finalValLoss, 6), 'finalValLoss']] : []),
        ...(result.finalValAccuracy != null ? [['validation accuracy', formatNumber(result.finalValAccuracy, 6), 'finalValAccuracy']] : []),
        ['best', result.best ? `${result.best.metric} ${formatNumber(result.best.value, 6)} ${bestStepText(result.best)}` : '—', 'best'],
      ]) : null,
      result?.parallel ? renderReplicas(result.parallel) : null,
      result?.params ? renderParameters(result.params, current.parameterNames.names) : null,
    ));
    if (result?.params && !current.parameterNames.asked) loadNames(current);
  }

  async function loadNames(current) {
    current.parameterNames.asked = true;
    try {
      current.parameterNames.names = await loadParameterNames(current.id);
    } catch {
      // Numbered (#1, #2, …) rather than named: the objective can no longer be built.
      return;
    }
    if (isCurrent(current)) renderStatus(current);
  }

  function renderCurves(current) {
    const { points, liveRows } = current.curves;
    const lastStep = points.at(-1)?.step ?? 0;
    const merged = [...points, ...liveRows.filter((row) => row.step > lastStep)];
    parts.controls.showAvailable(merged);
    parts.chart.update({
      runs: [{ id: current.id, name: shortId(current.id), points: merged, best: earlyStoppingBest(current.run) }],
      fields: metricFields.filter((field) => current.display.shown.has(field.name)),
      logScale: current.display.logScale,
      smoothing: current.display.smoothing,
    });
  }

  const isLatest = (current, kind, request) => isCurrent(current) && current.requests[kind] === request;

  async function refreshCurves(current) {
    const request = ++current.requests.curves;
    try {
      const points = await loadCurves(current.id, Math.max(200, parts.chartHolder.clientWidth || 600));
      if (!isLatest(current, 'curves', request)) return;
      current.curves = { points, liveRows: [] };
    } catch (error) {
      // The chart keeps what it drew: a failed refresh says so above it, and the next one (the
      // stream's next rows, or its reconnection) tries again.
      if (!isLatest(current, 'curves', request)) return;
      parts.curvesNotice.failed('The curves', error);
      return;
    }
    parts.curvesNotice.cleared();
    renderCurves(current);
  }

  /** Reads newly recorded parameters; the landscape once the run is known to be two-dimensional. */
  async function refreshTrajectory(current) {
    const dimension = knownDimension(current.run);
    if (dimension !== null && dimension !== 2) {
      current.landscape = { body: null, note: `No contour plot: the objective has ${dimension} parameters; a contour plot needs exactly 2.` };
      renderLandscape(current);
      return;
    }
    const request = ++current.requests.trajectory;
    let read;
    try {
      read = await loadTrajectory(current.id, maxTrajectoryPoints);
    } catch (error) {
      if (!isLatest(current, 'trajectory', request)) return;
      current.landscape = { body: current.landscape.body, note: error.message };
      renderLandscape(current);
      return;
    }
    if (!isLatest(current, 'trajectory', request)) return;
    current.trajectory = { points: read.rows.map((row) => row.params), lastStep: read.lastStep };
    const recorded = current.trajectory.points[0]?.length ?? null;
    if (recorded !== null && recorded !== 2) {
      current.landscape = { body: null, note: `No contour plot: the objective has ${recorded} parameters; a contour plot needs exactly 2.` };
    } else if (recorded === null && dimension === null) {
      // Steps recorded without parameters (record.params false, or more than 100 of them) will
      // never draw one, however the run ended (a run ended by the service keeps no parameters in
      // its result); a run that ended before its first recorded step (it could not start) records none.
      const withoutParams = current.trajectory.lastStep > 0 || current.run.spec.record?.params === false;
      const note = withoutParams
        ? 'No contour plot: the run records its steps without their parameters.'
        : finalRunStatuses.has(current.run.status)
          ? 'No contour plot: the run ended without recording a step.'
          : 'The contour plot appears once the first steps are recorded.';
      current.landscape = { body: null, note };
    } else if (!current.landscape.body || leavesFrame(current)) {
      let landscape;
      try {
        landscape = await loadLandscape(current.id, await divergedFrame(current)).then(({ landscape: body, refusal }) => ({ body, refusal }));
      } catch (error) {
        landscape = { body: null, note: error.message };
      }
      if (!isLatest(current, 'trajectory', request)) return;
      current.landscape = landscape;
    }
    if (!isLatest(current, 'trajectory', request)) return;
    renderLandscape(current);
  }

  /**
   * A diverged run's frame: the start and the path while it stays near it (within ten times the
   * start's scale), the rest leaving the plot at its edge. Framing the whole path (to 1e150)
   * left a grey square with no contour in it and the start and the blow-up at two corners.
   * Other runs: the API's frame (undefined ranges).
   */
  async function divergedFrame(current) {
    if (current.run.status !== 'diverged') return {};
    // Parameters that overflowed are recorded as null: not points at 0.
    const recorded = current.trajectory.points.filter((point) => point.length === 2 && point.every(Number.isFinite));
    // A stored objective's spec has no start: before its landscape is loaded, the start comes
    // from a two-by-two one in the API's frame.
    const start = current.landscape.body?.start ?? current.run.spec.objective.initial ?? (await loadLandscape(current.id, { resolution: 2 })).landscape?.start;
    if (!start) return {};
    const reach = 10 * Math.max(1, ...start.map(Math.abs));
    const near = [start, ...recorded.filter((point) => point.every((value, index) => Math.abs(value - start[index]) <= reach))];
    return { xRange: frame(near.map((point) => point[0])), yRange: frame(near.map((point) => point[1])) };
  }

  /** Whether the latest point left the landscape's frame (a live run walking away). */
  function leavesFrame(current) {
    const latest = current.trajectory.points.at(-1);
    const { xRange, yRange } = current.landscape.body;
    return latest !== undefined && (latest[0] < xRange[0] || latest[0] > xRange[1] || latest[1] < yRange[0] || latest[1] > yRange[1]);
  }

  function renderLandscape(current) {
    const holder = parts.landscape;
    const title = h('h3', { id: 'landscape-title' }, 'Trajectory');
    const landscape = current.landscape.body;
    if (!landscape) {
      const { note, refusal } = current.landscape;
      holder.replaceChildren(title, ...(refusal ? landscapeRefusal(refusal) : [h('p', { class: 'muted landscape-note' }, note)]));
      return;
    }
    const width = Math.max(280, Math.min(560, Math.floor(holder.clientWidth - 32 || 480)));
    const points = thin([landscape.start, ...current.trajectory.points.filter((pair) => pair.every((value) => value !== null))], maxTrajectoryPoints);
    holder.replaceChildren(title,
      renderContourPlot(landscape, [{ label: `run ${shortId(current.id)}`, colour: colourAt(1), runId: current.id, points }], { width, height: Math.round(width * 0.85) }),
      h('p', { class: 'legend' },
        h('span', { class: 'legend-item marker-start' }, 'start'),
        h('span', { class: 'legend-item marker-end' }, 'latest'),
        landscape.minimum?.params ? h('span', { class: 'legend-item marker-minimum' }, 'known minimum') : null));
  }

  /** A refresh of curves and trajectory, at most every liveRefreshMs, when steps were recorded. */
  function scheduleRefresh(current) {
    current.live.pending = true;
    if (current.live.timer) return;
    current.live.timer = setTimeout(async () => {
      current.live.timer = null;
      if (!current.live.pending || !isCurrent(current)) return;
      current.live.pending = false;
      await Promise.all([refreshCurves(current), refreshTrajectory(current)]);
    }, liveRefreshMs);
  }

  /**
   * Follows the event stream. When the server ends it early (a `reconnect` event: this tab read
   * too slowly, or the process is shutting down; or the connection dropped) the page catches up
   * with one refresh and follows again after the suggested delay, longer after each failure.
   */
  function follow(current, attempt = 0) {
    current.live.following = true;
    let retryMs = null;
    current.live.unfollow = followEvents(`/v1/runs/${current.id}/events`, (type, data) => {
      if (!isCurrent(current)) return;
      if (type === 'status') {
        const statusChanged = data.status !== current.run.status;
        current.run = { ...current.run, status: data.status, result: data.result ?? current.run.result };
        renderHeader(current);
        renderStatus(current);
        if (statusChanged) onChanged();
      } else if (type === 'progress') {
        current.run = { ...current.run, progress: data.progress, earlyStoppingState: data.earlyStoppingState ?? current.run.earlyStoppingState };
        renderStatus(current);
      } else if (type === 'metrics') {
        current.curves.liveRows.push(...(data.rows ?? []));
        renderCurves(current);
        scheduleRefresh(current);
      } else if (type === 'reconnect') {
        retryMs = data.retryMs ?? null;
      } else if (type === 'end') {
        finish(current);
      }
    }, (error) => {
      if (!isCurrent(current) || current.live.finished) return;
      if (finalRunStatuses.has(current.run.status)) {
        finish(current);
        return;
      }
      const delay = retryMs ?? Math.min(30_000, 2_000 * 2 ** attempt);
      current.live.reconnectTimer = setTimeout(async () => {
        if (!isCurrent(current)) return;
        try {
          current.run = await loadRun(current.id);
        } catch {
          follow(current, attempt + 1);
          return;
        }
        renderHeader(current);
        renderStatus(current);
        if (finalRunStatuses.has(current.run.status)) {
          finish(current);
          return;
        }
        scheduleRefresh(current);
        follow(current, error ? attempt + 1 : 0);
      }, delay);
    });
  }

  async function finish(current) {
    if (current.live.finished) return;
    current.live.finished = true;
    current.live.unfollow?.();
    clearTimeout(current.live.timer);
    current.live.timer = null;
    await readEnded(current);
  }

  /**
   * The run as it ended, then its curves and trajectory, all read once more; while the run cannot
   * be read the page says so and asks again every liveRefreshMs (no event will come to ask).
   */
  async function readEnded(current) {
    try {
      current.run = await loadRun(current.id);
    } catch (error) {
      if (!isCurrent(current)) return;
      parts.notice.failed('The run', error);
      current.live.timer = setTimeout(() => readEnded(current), liveRefreshMs);
      return;
    }
    if (!isCurrent(current)) return;
    parts.notice.cleared();
    renderHeader(current);
    renderStatus(current);
    await Promise.all([refreshCurves(current), refreshTrajectory(current)]);
    onChanged();
  }

  return { open, close: stop };
}
