/**
 * One sweep (`#/sweeps/<id>`): how far along its budget it is, the best trial, the value of every
 * trial by trial number with the best so far, each parameter against the metric (log axes where
 * the parameter is log), the leaderboard with why each pruned trial was pruned, and the best
 * trials compared (compare/compare-view.js: their curves overlaid and, on a two-parameter
 * objective, their trajectories on one contour plot; for an optimizer race every optimizer's).
 *
 * While the sweep runs the page follows GET /v1/sweeps/{id}/events: a coordination round or a
 * trial's end refreshes the sweep and its leaderboard (at most every `refreshMs`), and
 * the compared curves (at most every `compareRefreshMs`). A refresh that fails leaves the page as
 * it was, says so, and is tried again as long after (the next event may be a long trial away,
 * and none comes once the sweep has ended).
 */
import { ApiError, followEvents, postJson } from '../api.js';
import { renderScatterPlot } from '../charts/scatter-plot.js';
import { createCompareView } from '../compare/compare-view.js';
import { finalSweepStatuses, rankedRunStatuses } from '../contracts.js';
import { h, keepingFocus, progressBar, refreshNotice, shortId, statusBadge } from '../dom.js';
import { formatDuration, formatNumber } from '../format.js';
import { replaceKeepingScroll } from '../table-scroll.js';
import { renderLeaderboard } from './leaderboard.js';
import { loadSweep, loadTrials, parameterText } from './sweep-data.js';

const refreshMs = 2_000;
const compareRefreshMs = 20_000;
const comparedTrials = 8;
const racedTrials = 10;
/** Trials with curves to draw: those that ran to their end (their value ranks), pruned and running ones. */
const drawnTrialStatuses = new Set([...rankedRunStatuses, 'pruned', 'running']);

const goalOf = (metric) => metric.goal ?? (metric.name === 'valAccuracy' ? 'maximize' : 'minimize');

/** An optimizer race: the optimizer is the only parameter searched. */
const isRace = (spec) => Object.keys(spec.parameters).join() === 'optimizer.name';

/** A trial's parameters in a few words: `adam lr=0.01`. */
function shortParameters(parameters) {
  return Object.entries(parameters).map(([path, value]) => {
    const name = path.split('.').at(-1);
    return name === 'name' ? String(value) : `${name === 'learningRate' ? 'lr' : name}=${parameterText(value, formatNumber)}`;
  }).join(' ');
}

function trialLabel(trial, race) {
  const label = race ? String(trial.parameters['optimizer.name']) : `#${trial.trialNumber} ${shortParameters(trial.parameters)}`;
  return trial.status === 'pruned' && trial.pruning ? `${label} · pruned at step ${trial.pruning.step}` : label;
}

/** Whether values spread over two decades or more (and are all positive): a log axis reads better. */
const spansDecades = (values) => values.length > 1 && values.every((value) => value > 0) && Math.max(...values) / Math.min(...values) >= 100;

const plotSize = (holder, fallback) => {
  const width = Math.max(260, Math.min(560, Math.floor((holder.clientWidth || fallback) - 8)));
  return { width, height: Math.round(width * 0.62) };
};

export function createSweepView(container) {
  let state = null;

  function close() {
    if (!state) return;
    state.stopped = true;
    state.unfollow?.();
    clearTimeout(state.timer);
    clearTimeout(state.compareTimer);
    clearTimeout(state.reconnectTimer);
    state.compare.close();
    state = null;
  }

  async function open(id) {
    close();
    const parts = {
      header: h('header', { class: 'run-header' }),
      notice: refreshNotice(),
      status: h('section', { class: 'card', 'aria-labelledby': 'sweep-status-title' }),
      history: h('section', { class: 'card sweep-history', 'aria-labelledby': 'sweep-history-title' }),
      parameters: h('section', { class: 'card sweep-parameters-card', 'aria-labelledby': 'sweep-parameters-title' }),
      leaderboard: h('section', { class: 'card sweep-leaderboard', 'aria-labelledby': 'leaderboard-title' }),
      compare: h('div', { class: 'sweep-compare' }),
    };
    const current = { id, sweep: null, trials: [], parts, compare: createCompareView(parts.compare), comparedIds: '', stopped: false, ended: false, timer: null, compareTimer: null, reconnectTimer: null, unfollow: null };
    state = current;
    container.replaceChildren(parts.header, h('p', { class: 'muted' }, 'Loading…'));
    try {
      [current.sweep, current.trials] = await Promise.all([loadSweep(id), loadTrials(id)]);
    } catch (error) {
      if (!current.stopped) container.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof ApiError && error.status === 404 ? `There is no sweep ${id}.` : error.message));
      return;
    }
    if (current.stopped) return;
    container.replaceChildren(parts.header, parts.notice.element, h('div', { class: 'run-grid' }, parts.status, parts.history, parts.parameters, parts.leaderboard), parts.compare);
    render(current);
    await showCompared(current);
    if (!current.stopped && !finalSweepStatuses.has(current.sweep.status)) follow(current);
  }

  function render(current) {
    renderHeader(current);
    renderStatus(current);
    renderHistory(current);
    renderParameters(current);
    replaceKeepingScroll(current.parts.leaderboard, h('h3', { id: 'leaderboard-title' }, 'Leaderboard'), renderLeaderboard(current.sweep, current.trials));
  }

  function renderHeader(current) {
    const { sweep } = current;
    const { spec } = sweep;
    const active = !finalSweepStatuses.has(sweep.status);
    const header = current.parts.header;
    // Drawn anew on every refresh: the link or button that had the keyboard's focus has it again.
    keepingFocus(header, () => header.replaceChildren(
      h('div', {},
        h('h2', { id: 'sweep-title' }, 'Sweep ', h('code', {}, sweep.name ?? shortId(sweep.id)), ' ', statusBadge(sweep.status)),
        h('p', { class: 'muted run-summary' },
          `${goalOf(spec.metric)} ${spec.metric.name} · ${spec.sampler.type} sampler (seed ${spec.sampler.seed}) · ${spec.pruner?.type ?? 'no'} pruner · ${spec.parallelism} at a time`)),
      h('div', { class: 'header-actions' },
        h('a', { class: 'button', href: '#/sweeps' }, 'All sweeps'),
        active ? h('button', { type: 'button', class: 'danger', name: 'cancel', onclick: () => cancel(current) }, 'Cancel sweep') : null),
    ));
  }

  async function cancel(current) {
    try {
      current.sweep = await postJson(`/v1/sweeps/${current.id}/cancel`);
    } catch (error) {
      current.parts.header.append(h('p', { class: 'error', role: 'alert' }, error.message));
      return;
    }
    render(current);
  }

  function renderStatus(current) {
    const { sweep } = current;
    const counts = Object.entries(sweep.trials).filter(([status, count]) => status !== 'total' && count > 0);
    const facts = [
      ['trials', `${sweep.progress.trials} finished of ${sweep.progress.maxTrials}`, 'trials'],
      ['by status', counts.length ? counts.map(([status, count]) => `${count} ${status.replace('_', ' ')}`).join(', ') : '—', 'counts'],
      ['best', sweep.best ? `${formatNumber(sweep.best.value, 6)} (trial #${sweep.best.trialNumber}: ${shortParameters(sweep.best.parameters)})` : '—', 'best'],
      ['elapsed', formatDuration(sweep.progress.elapsedSeconds), 'elapsed'],
      sweep.result ? ['ended', sweep.result.message, 'result'] : null,
    ].filter(Boolean);
    current.parts.status.replaceChildren(
      h('h3', { id: 'sweep-status-title' }, 'Progress'),
      progressBar({ fraction: sweep.progress.fraction }, sweep.status),
      h('dl', { class: 'facts' }, facts.flatMap(([term, value, name]) => [h('dt', {}, term), h('dd', { 'data-field': name }, value)])),
    );
  }

  /** Every trial's value by trial number, and the best finished value so far. */
  function renderHistory(current) {
    const { sweep, trials } = current;
    const holder = current.parts.history;
    const title = h('h3', { id: 'sweep-history-title' }, 'Trials and best so far');
    const valued = trials.filter((trial) => trial.value !== null && Number.isFinite(trial.value)).sort((a, b) => a.trialNumber - b.trialNumber);
    if (!valued.length) {
      holder.replaceChildren(title, h('p', { class: 'muted' }, 'No trial has a value yet.'));
      return;
    }
    const better = goalOf(sweep.spec.metric) === 'maximize' ? Math.max : Math.min;
    const line = [];
    for (const trial of valued) {
      if (!rankedRunStatuses.has(trial.status)) continue;
      line.push([trial.trialNumber, line.length ? better(line.at(-1)[1], trial.value) : trial.value]);
    }
    if (line.length) line.push([valued.at(-1).trialNumber, line.at(-1)[1]]);
    holder.replaceChildren(title, renderScatterPlot({
      x: { label: 'trial', kind: 'linear' },
      y: { label: sweep.spec.metric.name, log: spansDecades(valued.map((trial) => trial.value)) },
      points: valued.map((trial) => ({ x: trial.trialNumber, y: trial.value, status: trial.status, label: `#${trial.trialNumber}`, runId: trial.runId })),
      line,
      ariaLabel: `${sweep.spec.metric.name} of each trial by trial number, with the best so far`,
    }, plotSize(holder, 480)), legend());
  }

  /** Each parameter against the metric, one small plot per parameter. */
  function renderParameters(current) {
    const { sweep, trials } = current;
    const holder = current.parts.parameters;
    const title = h('h3', { id: 'sweep-parameters-title' }, 'Parameters against the metric');
    const valued = trials.filter((trial) => trial.value !== null && Number.isFinite(trial.value));
    if (!valued.length) {
      holder.replaceChildren(title, h('p', { class: 'muted' }, 'The plots appear once trials have values.'));
      return;
    }
    const yLog = spansDecades(valued.map((trial) => trial.value));
    const paths = Object.keys(sweep.spec.parameters);
    const size = plotSize(holder, 480);
    const plots = paths.map((path) => {
      const definition = sweep.spec.parameters[path];
      const withValue = valued.filter((trial) => path in trial.parameters);
      const numbers = withValue.map((trial) => trial.parameters[path]).filter((value) => typeof value === 'number');
      const categorical = definition.type === 'categorical' || numbers.length < withValue.length;
      const categories = categorical ? (definition.values ?? [...new Set(withValue.map((trial) => trial.parameters[path]))]).map(String) : undefined;
      const kind = categorical ? 'category' : definition.log || spansDecades(numbers) ? 'log' : 'linear';
      return h('figure', { class: 'parameter-plot', 'data-parameter': path },
        renderScatterPlot({
          x: { label: path, kind, categories },
          y: { label: sweep.spec.metric.name, log: yLog },
          points: withValue.map((trial) => ({ x: categorical ? String(trial.parameters[path]) : trial.parameters[path], y: trial.value, status: trial.status, label: `#${trial.trialNumber}`, runId: trial.runId })),
          ariaLabel: `${sweep.spec.metric.name} against ${path}`,
        }, { width: Math.min(size.width, 420), height: Math.round(Math.min(size.width, 420) * 0.66) }));
    });
    holder.replaceChildren(title, h('div', { class: 'parameter-plots' }, plots), legend());
  }

  function legend() {
    return h('p', { class: 'legend scatter-legend' },
      h('span', { class: 'legend-dot finished' }, 'finished'),
      h('span', { class: 'legend-dot pruned' }, 'pruned (value where it stopped)'),
      h('span', { class: 'legend-dot best-line' }, 'best so far'));
  }

  /**
   * The best trials (every optimizer of a race) in the compare view; redrawn only when they change
   * (or could not all be read the last time). `live`: a refresh of the trials shown, drawn in their
   * place once loaded (compare-view.js). Resolves to false when something could not be read.
   */
  async function showCompared(current, { force = false, live = false } = {}) {
    const race = isRace(current.sweep.spec);
    const drawn = current.trials.filter((trial) => drawnTrialStatuses.has(trial.status)).slice(0, race ? racedTrials : comparedTrials);
    const ids = drawn.map((trial) => trial.runId);
    const signature = JSON.stringify(drawn.map((trial) => [trial.runId, trial.status]));
    if (!force && signature === current.comparedIds) return true;
    current.comparedIds = signature;
    const labels = Object.fromEntries(drawn.map((trial) => [trial.runId, trialLabel(trial, race)]));
    const intro = race
      ? h('p', { class: 'muted' }, 'Optimizer race: every optimizer from the same start on the same objective, one colour each, with its final loss.')
      : h('p', { class: 'muted' }, `The ${ids.length} best trials with curves${current.trials.length > ids.length ? ` (of ${current.trials.length})` : ''}; a pruned one ends in a hollow mark where it was pruned.`);
    if (!ids.length) {
      current.compare.close();
      keepingFocus(current.parts.compare, () => current.parts.compare.replaceChildren());
      return true;
    }
    const stopped = new Set(drawn.filter((trial) => trial.status === 'pruned').map((trial) => trial.runId));
    const read = await current.compare.show(ids, { title: race ? 'Optimizer race' : 'Best trials compared', labels, intro, stopped, live });
    // Not all read: the next refresh draws them again, changed or not.
    if (!read && current.comparedIds === signature) current.comparedIds = '';
    return read;
  }

  /** Reads the sweep and its trials and draws them; false when they could not be read (the page says so and stays as it was). */
  async function refresh(current) {
    let read;
    try {
      read = await Promise.all([loadSweep(current.id), loadTrials(current.id)]);
    } catch (error) {
      if (!current.stopped) current.parts.notice.failed('The sweep', error);
      return false;
    }
    if (current.stopped) return true;
    [current.sweep, current.trials] = read;
    current.parts.notice.cleared();
    render(current);
    return true;
  }

  /**
   * Runs `attempt` in `delay` ms on the page's timer `name`, unless one is set already, and again
   * as long after each time it resolves to false, until it succeeds or the page is left.
   */
  function retrying(current, name, delay, attempt) {
    if (current[name]) return;
    current[name] = setTimeout(async () => {
      current[name] = null;
      if (!current.stopped && !(await attempt()) && !current.stopped) retrying(current, name, delay, attempt);
    }, delay);
  }

  /**
   * A refresh of the sweep and its leaderboard at most every refreshMs; of the compared curves less
   * often. Once the sweep has ended they stop: finish() reads it one last time, and tries again itself.
   */
  function scheduleRefresh(current) {
    const whileLive = (attempt) => async () => current.ended || (await attempt()) || current.ended;
    retrying(current, 'timer', refreshMs, whileLive(() => refresh(current)));
    retrying(current, 'compareTimer', compareRefreshMs, whileLive(() => showCompared(current, { live: true })));
  }

  /** Follows the sweep's events; after a dropped stream, reads the sweep afresh and follows again. */
  function follow(current, attempt = 0) {
    let retryMs = null;
    let ended = false;
    current.unfollow = followEvents(`/v1/sweeps/${current.id}/events`, (type, data) => {
      if (current.stopped) return;
      if (type === 'sweep' || type === 'trial') scheduleRefresh(current);
      else if (type === 'reconnect') retryMs = data.retryMs ?? null;
      else if (type === 'end') ended = true;
    }, async (error) => {
      if (current.stopped) return;
      if (ended) {
        await finish(current);
        return;
      }
      const delay = retryMs ?? Math.min(30_000, 2_000 * 2 ** attempt);
      current.reconnectTimer = setTimeout(async () => {
        if (current.stopped) return;
        await refresh(current);
        if (finalSweepStatuses.has(current.sweep.status)) await finish(current);
        else follow(current, error ? attempt + 1 : 0);
      }, delay);
    });
  }

  /** The sweep as it ended, its trials and the compared ones, read again until they could be. */
  async function finish(current) {
    current.ended = true;
    clearTimeout(current.timer);
    clearTimeout(current.compareTimer);
    current.timer = null;
    current.compareTimer = null;
    const compared = () => showCompared(current, { force: true, live: true });
    const last = async () => {
      if (!(await refresh(current))) return false;
      if (!current.stopped && !(await compared())) retrying(current, 'compareTimer', compareRefreshMs, compared);
      return true;
    };
    if (!(await last())) retrying(current, 'timer', refreshMs, last);
  }

  return { open, close };
}
