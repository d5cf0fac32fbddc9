/**
 * The runs list: newest first, a page at a time, filtered by status, optimizer and objective
 * kind and searched (all server-side), each row ticked to compare. The current page is asked
 * again every `refreshMs` while the tab is visible (304 while nothing changed) and
 * whenever a followed run changes.
 */
import { ApiError, getJson } from './api.js';
import { describeObjective, h, keepingFocus, progressBar, shortId, statusBadge, updateAges } from './dom.js';
import { formatNumber } from './format.js';
import { runStatuses } from './contracts.js';
import { latestRequests } from './latest-request.js';

const refreshMs = 20_000;
const pageSize = 25;
const objectiveKinds = ['expression', 'benchmark', 'model'];

/** "3 min ago", or the date for older runs. */
function age(createdAt) {
  const seconds = (Date.now() - Date.parse(createdAt)) / 1000;
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(createdAt).toLocaleDateString();
}

export function createRunsList(container, { onError, onCompare }) {
  const state = {
    selectedId: null,
    /** Runs ticked for comparison. */
    ticked: new Set(),
    filters: { status: '', optimizer: '', objectiveType: '', search: '' },
    /** Cursors of the pages before the current one, and the current one's. */
    cursors: [],
    cursor: null,
    body: null,
    /** Why the list could not be read, while it cannot (nothing else is shown then). */
    error: null,
    /** Requests of the list: only the latest one's answer is shown. */
    requests: latestRequests(),
    /** The page the list shows (null while it shows why it could not be read), and the query it answered. */
    drawn: null,
    drawnQuery: null,
    /** The query of the page in `body`. */
    bodyQuery: null,
    timer: null,
  };

  const filterControls = {
    search: h('input', { type: 'search', name: 'search', placeholder: 'search optimizer, expression, benchmark, id', 'aria-label': 'Search runs', autocomplete: 'off' }),
    status: h('select', { name: 'status', 'aria-label': 'Status' }, h('option', { value: '' }, 'any status'), runStatuses.map((status) => h('option', { value: status }, status.replace('_', ' ')))),
    optimizer: h('select', { name: 'optimizer', 'aria-label': 'Optimizer' }, h('option', { value: '' }, 'any optimizer')),
    objectiveType: h('select', { name: 'objectiveType', 'aria-label': 'Objective' }, h('option', { value: '' }, 'any objective'), objectiveKinds.map((kind) => h('option', { value: kind }, kind))),
  };
  const filterForm = h('form', { class: 'run-filters', role: 'search' },
    filterControls.search, h('div', { class: 'filter-row' }, filterControls.status, filterControls.optimizer, filterControls.objectiveType));
  const compareButton = h('button', { type: 'button', class: 'primary compare-button', disabled: true, onclick: () => onCompare([...state.ticked]) }, 'Compare');
  const clearButton = h('button', { type: 'button', class: 'quiet', onclick: clearTicks }, 'Clear');
  const compareBar = h('div', { class: 'compare-bar' }, compareButton, clearButton);
  const list = h('div', { class: 'runs-page', 'aria-live': 'polite' });
  const newer = h('button', { type: 'button', class: 'quiet', onclick: () => go(state.cursors.pop() ?? null, false) }, '← Newer');
  const older = h('button', { type: 'button', class: 'quiet', onclick: () => go(state.body?.nextCursor ?? null, true) }, 'Older →');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of runs' }, newer, older);
  container.replaceChildren(filterForm, compareBar, list, pager);

  let searchTimer = null;
  filterForm.addEventListener('submit', (event) => event.preventDefault());
  filterForm.addEventListener('input', (event) => {
    clearTimeout(searchTimer);
    // Typing waits for a pause; the selects apply at once.
    searchTimer = setTimeout(applyFilters, event.target === filterControls.search ? 300 : 0);
  });

  function applyFilters() {
    for (const [name, control] of Object.entries(filterControls)) state.filters[name] = control.value.trim();
    state.cursors = [];
    state.cursor = null;
    refresh();
  }

  function go(cursor, forward) {
    if (forward) state.cursors.push(state.cursor);
    state.cursor = cursor;
    refresh();
  }

  function query() {
    const parameters = new URLSearchParams({ limit: String(pageSize) });
    for (const [name, value] of Object.entries(state.filters)) if (value) parameters.set(name, value);
    if (state.cursor) parameters.set('cursor', state.cursor);
    return `/v1/runs?${parameters}`;
  }

  function row(run) {
    const optimizer = run.spec.optimizer;
    const ticked = state.ticked.has(run.id);
    const result = run.result;
    return h('li', { class: 'run-row' },
      h('input', {
        type: 'checkbox', class: 'compare-tick', checked: ticked, 'aria-label': `Compare run ${shortId(run.id)}`, 'data-compare-id': run.id,
        onchange: (event) => {
          if (event.target.checked) state.ticked.add(run.id); else state.ticked.delete(run.id);
          renderCompareBar();
        },
      }),
      h('a', { href: `#/runs/${run.id}`, class: `run-link${run.id === state.selectedId ? ' selected' : ''}`, 'data-run-id': run.id, 'aria-current': run.id === state.selectedId ? 'page' : undefined },
        h('span', { class: 'run-line' }, statusBadge(run.status),
          h('span', { class: 'run-optimizer' }, optimizer.name),
          optimizer.learningRate !== undefined ? h('span', { class: 'run-rate muted' }, `η ${formatNumber(optimizer.learningRate, 3)}`) : null),
        h('span', { class: 'run-objective' }, describeObjective(run.spec.objective)),
        h('span', { class: 'run-line run-facts muted' },
          h('code', {}, shortId(run.id)),
          result ? h('span', {}, `loss ${formatNumber(result.finalLoss)} · ${result.steps} steps`) : h('span', {}, `${run.progress?.step ?? 0} of ${run.progress?.totalSteps ?? run.spec.training?.maxSteps ?? '?'} steps`),
          h('time', { datetime: run.createdAt, title: new Date(run.createdAt).toLocaleString() }, age(run.createdAt))),
        progressBar(run.progress, run.status)));
  }

  function renderCompareBar() {
    compareButton.disabled = state.ticked.size < 1;
    compareButton.textContent = `Compare ${state.ticked.size || ''}`.trim();
    compareBar.hidden = state.ticked.size === 0;
  }

  /*
   * Which run is selected and which are ticked is marked on the rows drawn, not by drawing them
   * anew: the list is a live region, and a screen reader would read it all again at every
   * selection. Only a change of the list itself (a page, a filter, a refresh with new content) draws it.
   */
  function markSelected() {
    for (const link of list.querySelectorAll('a.run-link')) {
      const selected = link.dataset.runId === state.selectedId;
      link.classList.toggle('selected', selected);
      if (selected) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  /**
   * Clearing hides the compare bar, Clear with it: the focus goes to the first tick it cleared on
   * the page (or the first row's, or the search box), not to the page's start.
   */
  function clearTicks() {
    const next = list.querySelector('input.compare-tick:checked') ?? list.querySelector('input.compare-tick') ?? filterControls.search;
    state.ticked.clear();
    markTicked();
    next.focus();
  }

  function markTicked() {
    for (const tick of list.querySelectorAll('input.compare-tick')) tick.checked = state.ticked.has(tick.dataset.compareId);
    renderCompareBar();
  }

  function render() {
    const runs = state.body?.runs ?? [];
    const filtered = Object.values(state.filters).some(Boolean);
    state.drawn = state.error && !runs.length ? null : state.body;
    state.drawnQuery = state.drawn === null ? null : state.bodyQuery;
    // Drawn anew on every refresh: a run's link or tick that had the keyboard's focus has it again.
    keepingFocus(list, () => list.replaceChildren(state.error && !runs.length
      ? h('p', { class: 'muted list-error' }, `The runs could not be loaded: ${state.error.message}`)
      : runs.length
        ? h('ul', { class: 'runs' }, runs.map(row))
        : h('p', { class: 'muted' }, filtered ? 'No runs match.' : 'No runs yet. Submit one with “New run”.')));
    newer.disabled = state.cursors.length === 0;
    older.disabled = !state.body?.nextCursor;
    pager.hidden = newer.disabled && older.disabled;
    renderCompareBar();
  }

  async function refresh() {
    // A slow answer to an earlier search must not replace the answer to the search typed since.
    const isLatest = state.requests.begin();
    const asked = query();
    try {
      const { body, changed } = await getJson(asked);
      if (!isLatest()) return;
      state.error = null;
      // The page shown, unchanged (304): the list stays the nodes it is, or a screen reader would
      // hear the whole list again (it is a live region) and the focus would move; only the ages move on.
      if (!changed && body === state.drawn && asked === state.drawnQuery) updateAges(list, age);
      else {
        state.body = body;
        state.bodyQuery = asked;
        render();
      }
      onError(null);
    } catch (error) {
      if (!isLatest()) return;
      state.error = error;
      // A refused key (none, a wrong one, one just forgotten) lists nothing, not the runs of the
      // key before it; nor does a search, filter or page asked for and not read (the controls
      // say what was asked: the page before it is not its answer). A refresh of the page shown
      // that fails leaves it as it is (the live region says nothing new), with the notice above;
      // with no runs shown, the list says why in their place.
      const refused = error instanceof ApiError && error.status === 401;
      if (refused || asked !== state.drawnQuery) state.body = null;
      if (state.body === null || !state.drawn?.runs.length) render();
      onError(error);
    }
  }

  function loop() {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      if (!document.hidden) await refresh();
      loop();
    }, refreshMs);
  }

  return {
    async start() {
      await refresh();
      loop();
    },
    refresh,
    /** The optimizer names for the filter (from the catalogue). */
    setOptimizers(names) {
      filterControls.optimizer.replaceChildren(h('option', { value: '' }, 'any optimizer'), ...names.map((name) => h('option', { value: name }, name)));
      filterControls.optimizer.value = state.filters.optimizer;
    },
    select(id) {
      state.selectedId = id;
      markSelected();
    },
    /** The runs ticked for comparison (the compare page keeps them in step with its address). */
    tick(ids) {
      state.ticked = new Set(ids);
      markTicked();
    },
  };
}
