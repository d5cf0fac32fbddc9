/**
 * The controls above a curve chart: which recorded fields to draw (only those the runs
 * recorded: no validation boxes without validation data), log scale, and smoothing.
 */
import { metricFields } from '../charts/metric-fields.js';
import { h } from '../dom.js';

/** @param {{ shown: Set<string>, logScale: boolean, smoothing: number }} display edited in place */
export function createCurveControls(display, { onChange }) {
  const toggles = metricFields.map((field) => {
    const label = h('label', { class: 'toggle', 'data-field': field.name },
      h('input', { type: 'checkbox', checked: display.shown.has(field.name), name: field.name, onchange: (event) => {
        if (event.target.checked) display.shown.add(field.name); else display.shown.delete(field.name);
        onChange();
      } }), ` ${field.label}`);
    return { field, label };
  });
  const smoothingValue = h('output', { class: 'smoothing-value' }, display.smoothing.toFixed(2));
  const element = h('fieldset', { class: 'series-controls' },
    h('legend', { class: 'visually-hidden' }, 'Series'),
    toggles.map((toggle) => toggle.label),
    h('label', { class: 'toggle' }, h('input', { type: 'checkbox', checked: display.logScale, name: 'logScale', onchange: (event) => {
      display.logScale = event.target.checked;
      onChange();
    } }), ' log scale'),
    h('label', { class: 'toggle smoothing' }, 'smoothing ',
      h('input', { type: 'range', name: 'smoothing', min: 0, max: 0.99, step: 0.01, value: display.smoothing, oninput: (event) => {
        display.smoothing = Number(event.target.value);
        smoothingValue.textContent = display.smoothing.toFixed(2);
        onChange();
      } }), smoothingValue));

  return {
    element,
    /** Hides the boxes of validation fields no point has a value for. */
    showAvailable(points) {
      for (const { field, label } of toggles) {
        if (!field.validation) continue;
        label.hidden = !points.some((point) => point[field.name] !== null && point[field.name] !== undefined);
      }
    },
  };
}
