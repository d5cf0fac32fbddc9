/**
 * A sweep's leaderboard: its trials best first (the API's order), one column per parameter, the
 * metric, and how each ended in a sentence: for a pruned trial, why it was pruned.
 */
import { h, statusBadge } from '../dom.js';
import { formatNumber } from '../format.js';
import { scrollingTable } from '../table-scroll.js';
import { parameterText } from './sweep-data.js';

/** How a trial ended, in words: the pruning reason, the run's message, or where it stands. */
function trialOutcome(trial) {
  if (trial.status === 'pruned') return trial.pruning?.message ?? trial.message ?? 'Pruned.';
  if (trial.message) return trial.message;
  return trial.status === 'running' ? 'Running.' : trial.status === 'queued' ? 'Waiting for a worker.' : '';
}

/** @param {object} sweep the sweep view @param {object[]} trials its leaderboard */
export function renderLeaderboard(sweep, trials) {
  const paths = Object.keys(sweep.spec.parameters);
  const metric = sweep.spec.metric.name;
  if (!trials.length) return h('p', { class: 'muted' }, 'No trials yet.');
  return scrollingTable('Leaderboard', h('table', { class: 'leaderboard' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'rank'), h('th', { scope: 'col' }, 'trial'), h('th', { scope: 'col' }, 'status'),
      h('th', { scope: 'col' }, metric),
      paths.map((path) => h('th', { scope: 'col' }, h('code', {}, path))),
      h('th', { scope: 'col' }, 'steps'), h('th', { scope: 'col' }, 'how it ended'))),
    h('tbody', {}, trials.map((trial, index) => h('tr', {
      'data-run-id': trial.runId, 'data-status': trial.status, class: sweep.best?.runId === trial.runId ? 'best' : null,
    },
      h('td', {}, String(index + 1)),
      h('th', { scope: 'row' }, h('a', { href: `#/runs/${trial.runId}` }, `#${trial.trialNumber}`)),
      h('td', {}, statusBadge(trial.status)),
      h('td', { 'data-field': 'value' }, formatNumber(trial.value, 6)),
      paths.map((path) => h('td', { 'data-parameter': path }, path in trial.parameters ? parameterText(trial.parameters[path], formatNumber) : '—')),
      h('td', { 'data-field': 'steps' }, trial.steps ?? '—'),
      h('td', { class: 'trial-outcome', 'data-field': 'outcome' }, trialOutcome(trial)))))));
}
