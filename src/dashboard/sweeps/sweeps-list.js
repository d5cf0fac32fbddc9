/**
 * The sweeps list (`#/sweeps`): newest first, 25 to a page, filtered by status, with how far
 * along each is and its best value; asked again every 10 s while shown (a sweep moves on), the
 * table left as it is while the page is unchanged (304), and while it cannot be read (with a
 * notice above it until it can).
 */
import { ApiError } from '../api.js';
import { sweepStatuses } from '../contracts.js';
import { h, keepingFocus, progressBar, refreshNotice, shortId, statusBadge, updateAges } from '../dom.js';
import { formatNumber } from '../format.js';
import { latestRequests } from '../latest-request.js';
import { replaceKeepingScroll, scrollingTable } from '../table-scroll.js';
import { loadSweeps } from './sweep-data.js';

const refreshMs = 10_000;

const age = (iso) => {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
};

const parametersOf = (sweep) => Object.keys(sweep.spec.parameters).join(', ');

export function createSweepsList(container) {
  let state = null;

  function close() {
    if (state) clearTimeout(state.timer);
    state = null;
  }

  function show() {
    close();
    /**
     * `drawn`: the page the table shows, and `shown` the status and cursor it was asked with;
     * `requests`: only the latest one's answer is shown (a poll for the status before may answer last).
     */
    const current = { status: '', cursors: [], cursor: '', body: null, drawn: null, shown: null, timer: null, requests: latestRequests() };
    state = current;
    const filter = h('select', { id: 'sweep-status', name: 'status', onchange: () => {
      current.status = filter.value;
      current.cursors = [];
      current.cursor = '';
      refresh(current);
    } }, h('option', { value: '' }, 'any status'), sweepStatuses.map((status) => h('option', { value: status }, status)));
    const body = h('div', { class: 'sweeps-page' }, h('p', { class: 'muted' }, 'Loading…'));
    const newer = h('button', { type: 'button', onclick: () => {
      current.cursor = current.cursors.pop() ?? '';
      refresh(current);
    } }, '← Newer');
    const older = h('button', { type: 'button', onclick: () => {
      current.cursors.push(current.cursor);
      current.cursor = current.body.nextCursor;
      refresh(current);
    } }, 'Older →');
    const notice = refreshNotice();
    current.parts = { body, newer, older, notice };
    container.replaceChildren(
      h('header', { class: 'run-header' }, h('h2', {}, 'Sweeps'),
        h('label', { class: 'toggle', for: 'sweep-status' }, 'Status ', filter)),
      h('section', { class: 'card' }, notice.element, body, h('div', { class: 'pager' }, newer, older)),
      h('p', { class: 'muted' }, 'Start a sweep with ', h('code', {}, 'POST /v1/sweeps'), ' (see the README); each trial is a run, listed on the left too.'),
    );
    refresh(current);
  }

  /** Reads the page shown again, then asks again in refreshMs, whether this time it could be read or not. */
  async function refresh(current) {
    clearTimeout(current.timer);
    try {
      await load(current);
    } finally {
      if (state === current) schedule(current);
    }
  }

  function schedule(current) {
    clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      if (state !== current) return;
      // A tab in the background asks nothing, and asks again once it is looked at.
      if (document.hidden) schedule(current);
      else refresh(current);
    }, refreshMs);
  }

  async function load(current) {
    const asked = JSON.stringify([current.status, current.cursor]);
    const isLatest = current.requests.begin();
    const shownHere = () => state === current && isLatest();
    let page;
    try {
      page = await loadSweeps({ status: current.status, cursor: current.cursor });
    } catch (error) {
      if (!shownHere()) return;
      // The table shown stays (the focus where it is), with a notice above it, until the page can
      // be read again. A key refused lists nothing (not the sweeps of the key before it); a
      // status or a page asked for and not read yet says why in the table's place.
      if (current.drawn !== null && current.shown === asked && !(error instanceof ApiError && error.status === 401)) {
        current.parts.notice.failed('The sweeps', error);
        return;
      }
      current.drawn = null;
      current.parts.notice.cleared();
      keepingFocus(current.parts.body, () => current.parts.body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message)));
      return;
    }
    if (!shownHere()) return;
    current.parts.notice.cleared();
    // The page shown, unchanged (304): the table stays the nodes it is (the focus where it is); only the ages move on.
    if (!page.changed && page.body === current.drawn) updateAges(current.parts.body, age);
    else {
      current.body = page.body;
      current.drawn = page.body;
      current.shown = asked;
      render(current);
    }
  }

  function render(current) {
    const { sweeps, nextCursor } = current.body;
    const { body, newer, older } = current.parts;
    newer.disabled = current.cursors.length === 0 && !current.cursor;
    older.disabled = !nextCursor;
    if (!sweeps.length) {
      // The last row of a filtered list may have had the focus: the list keeps it.
      replaceKeepingScroll(body, h('p', { class: 'muted placeholder' }, current.status ? `No ${current.status} sweeps.` : 'No sweeps yet.'));
      return;
    }
    replaceKeepingScroll(body, scrollingTable('Sweeps', h('table', { class: 'sweeps-table' },
      h('thead', {}, h('tr', {}, ['sweep', 'status', 'parameters', 'trials', 'progress', 'best', 'started'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, sweeps.map((sweep) => h('tr', { 'data-sweep-id': sweep.id },
        h('th', { scope: 'row' }, h('a', { href: `#/sweeps/${sweep.id}` }, sweep.name ?? shortId(sweep.id))),
        h('td', {}, statusBadge(sweep.status)),
        h('td', { class: 'sweep-parameters' }, parametersOf(sweep)),
        h('td', { 'data-field': 'trials' }, `${sweep.progress.trials} of ${sweep.progress.maxTrials}${sweep.trials.pruned ? ` (${sweep.trials.pruned} pruned)` : ''}`),
        h('td', {}, progressBar({ fraction: sweep.progress.fraction }, sweep.status)),
        h('td', { 'data-field': 'best' }, sweep.best ? `${formatNumber(sweep.best.value, 5)} (#${sweep.best.trialNumber})` : '—'),
        h('td', {}, h('time', { datetime: sweep.createdAt }, age(sweep.createdAt)))))))));
  }

  return { show, close };
}
