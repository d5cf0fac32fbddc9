/** A run's final parameters by name; long vectors fold away behind their first few. */
import { h } from '../dom.js';
import { formatNumber } from '../format.js';

const alwaysShown = 12;
const tableLimit = 500;

const row = (name, value) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, formatNumber(value, 8)));

export function renderParameters(params, names) {
  const nameOf = (index) => names?.[index] ?? `#${index + 1}`;
  const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'name'), h('th', { scope: 'col' }, 'value')));
  const rows = params.slice(0, tableLimit).map((value, index) => row(nameOf(index), value));
  const more = params.length > tableLimit ? h('p', { class: 'muted' }, `… and ${params.length - tableLimit} more (download them with the metrics export).`) : null;
  if (params.length <= alwaysShown) {
    return h('table', { class: 'params' }, h('caption', {}, 'Parameters'), head, h('tbody', {}, rows));
  }
  return h('details', { class: 'params-details' },
    h('summary', {}, `Parameters (${params.length})`),
    h('table', { class: 'params' }, head, h('tbody', {}, rows)),
    more);
}
