/** Small DOM helpers shared by the views. */
const svgNamespace = 'http://www.w3.org/2000/svg';

/**
 * Creates an element: `h('button', { class: 'primary', onclick }, 'Cancel')`. Attributes
 * starting with `on` become listeners; children are nodes or strings (never parsed as HTML).
 */
export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** As `h`, in the SVG namespace. */
export function s(tag, attributes = {}, ...children) {
  return build(document.createElementNS(svgNamespace, tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, status.replace('_', ' '));
}

export function progressBar(progress, status) {
  const fraction = progress?.fraction ?? (status === 'completed' ? 1 : 0);
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const bar = h('div', {
    class: `progress status-${status}`, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent,
    'aria-label': `Progress ${percent}%`,
  }, h('div', { class: 'progress-fill' }));
  // CSSOM changes are allowed by the style-src policy, unlike style attributes.
  bar.firstChild.style.width = `${percent}%`;
  return bar;
}

/**
 * A few characters that tell one id from another. Ids are UUIDv7: their first characters are
 * the time of creation, the same for every run submitted within a minute, so the short form is
 * the random end, not the start.
 */
export const shortId = (id) => id.slice(-8);

/** A one-line description of what a run minimises. */
export function describeObjective(objective) {
  if (!objective) return '';
  if (objective.id) return `stored objective ${shortId(objective.id)}`;
  if (objective.type === 'expression') return objective.expression;
  if (objective.type === 'benchmark') return `${objective.name}${objective.dimensions ? ` (${objective.dimensions}-D)` : ''}`;
  if (objective.type === 'model') return `${objective.model} model`;
  return objective.type ?? '';
}

/** The nodes that are there (replaceChildren would print null as text). */
export const present = (...nodes) => nodes.filter((node) => node !== null && node !== undefined && node !== false);

/**
 * Where `element` sits in `container`, to find it again once redrawn: the id its row carries
 * (`data-run-id`, `data-sweep-id`: the element's own or its nearest ancestor's inside the
 * container) and, for an element inside the row, its href. Null when neither names it.
 */
function placeOf(element, container) {
  for (let row = element; row !== null && row !== container; row = row.parentElement) {
    const id = [...row.attributes].find((attribute) => /^data-[a-z-]+-id$/.test(attribute.name));
    if (!id) continue;
    const rowSelector = `[${id.name}="${CSS.escape(id.value)}"]`;
    if (row === element) return rowSelector;
    const href = element.getAttribute('href');
    return href === null ? null : `${rowSelector} [href="${CSS.escape(href)}"]`;
  }
  return null;
}

/**
 * Draws `container` anew with `draw`, the keyboard's focus kept: when it was on a link inside
 * (or on an element that names its run or sweep itself), the same one in the redrawn content
 * has it again, found by its row's id and its href. A live refresh that draws a table anew would
 * otherwise send the focus back to the page's start every few seconds. Nothing moves when the
 * focus was elsewhere or its row is gone.
 */
export function keepingFocus(container, draw) {
  const focused = document.activeElement;
  const place = focused !== null && focused !== container && container.contains(focused) ? placeOf(focused, container) : null;
  draw();
  if (place) container.querySelector(place)?.focus({ preventScroll: true });
}
