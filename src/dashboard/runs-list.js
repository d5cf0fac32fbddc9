/** The runs list: newest first, refreshed every few seconds (304 while nothing changed). */
import { getJson } from './api.js';
import { describeObjective, h, progressBar, statusBadge } from './dom.js';

const refreshMilliseconds = 20_000;

export function createRunsList(container, { onError }) {
  let selectedId = null;
  let timer = null;
  let lastBody = null;

  function render(body) {
    const items = body.runs.map((run) => h('li', {},
      h('a', { href: `#/runs/${run.id}`, class: `run-link${run.id === selectedId ? ' selected' : ''}`, 'data-run-id': run.id, 'aria-current': run.id === selectedId ? 'page' : undefined },
        h('span', { class: 'run-line' }, statusBadge(run.status), h('span', { class: 'run-optimizer' }, run.spec.optimizer.name), h('time', { datetime: run.createdAt }, new Date(run.createdAt).toLocaleTimeString())),
        h('span', { class: 'run-objective' }, describeObjective(run.spec.objective)),
        progressBar(run.progress, run.status))));
    container.replaceChildren(items.length
      ? h('ul', { class: 'runs' }, items)
      : h('p', { class: 'muted' }, 'No runs yet. Submit one with “New run”.'));
  }

  async function refresh() {
    try {
      const { body, changed } = await getJson('/v1/runs?limit=50');
      if (changed || body !== lastBody) render(body);
      lastBody = body;
      onError(null);
    } catch (error) {
      onError(error);
    }
  }

  function loop() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!document.hidden) await refresh();
      loop();
    }, refreshMilliseconds);
  }

  return {
    async start() {
      await refresh();
      loop();
    },
    refresh,
    select(id) {
      selectedId = id;
      if (lastBody) render(lastBody);
    },
  };
}
