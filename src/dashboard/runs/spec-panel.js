/**
 * The run's spec as the API accepted it (defaults filled in): objective, optimizer and its
 * hyperparameters, schedule, training, data and the stopping rules, one section each. Sections
 * and fields come from the spec itself, so a new spec field shows up without a change here.
 */
import { describeObjective, h } from '../dom.js';
import { formatNumber } from '../format.js';

const sectionTitles = {
  objective: 'Objective',
  optimizer: 'Optimizer',
  schedule: 'Schedule',
  training: 'Training',
  gradientNoise: 'Gradient noise',
  clip: 'Clipping',
  earlyStopping: 'Early stopping',
  stopWhen: 'Stop when',
  record: 'Recording',
  parallel: 'Parallel SGD',
};

function valueText(value) {
  if (typeof value === 'number') return formatNumber(value, 6);
  if (Array.isArray(value)) return value.length > 8 ? `[${value.slice(0, 8).map(valueText).join(', ')}, … ${value.length} in all]` : `[${value.map(valueText).join(', ')}]`;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Nested objects flattened to dotted names: `data.training.builtin`. */
function entries(object, prefix = '') {
  return Object.entries(object).flatMap(([name, value]) => (value && typeof value === 'object' && !Array.isArray(value)
    ? entries(value, `${prefix}${name}.`)
    : [[`${prefix}${name}`, value]]));
}

export function renderSpec(container, run) {
  const { spec } = run;
  const order = [...Object.keys(sectionTitles), ...Object.keys(spec)];
  const names = [...new Set(order)].filter((name) => spec[name] !== undefined && spec[name] !== null);
  const sections = names.map((name) => {
    const value = spec[name];
    const rows = typeof value === 'object' && !Array.isArray(value) ? entries(value) : [[name, value]];
    if (!rows.length) return null;
    return h('section', { class: 'spec-section', 'data-section': name },
      h('h4', {}, sectionTitles[name] ?? name),
      name === 'objective' ? h('p', { class: 'spec-summary' }, describeObjective(value)) : null,
      h('dl', { class: 'facts' }, rows.flatMap(([field, fieldValue]) => [h('dt', {}, field), h('dd', { 'data-spec': `${name}.${field}` }, valueText(fieldValue))])));
  });
  container.replaceChildren(h('h3', { id: 'spec-title' }, 'Spec'), h('div', { class: 'spec-sections' }, sections.filter(Boolean)));
}
