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

/**
 * Writes the ages of `container`'s `<time datetime>` elements again (`3 min ago`, by `age`),
 * touching only those whose words changed: a list left as it was (its page unchanged) stays the
 * same nodes, and says nothing new to a screen reader until an age moves on.
 */
export function updateAges(container, age) {
  for (const time of container.querySelectorAll('time[datetime]')) {
    const text = age(time.dateTime);
    if (time.textContent !== text) time.textContent = text;
  }
}

/** The nodes that are there (replaceChildren would print null as text). */
export const present = (...nodes) => nodes.filter((node) => node !== null && node !== undefined && node !== false);

/** The attribute naming a row's run or sweep (`data-run-id`, `data-sweep-id`, `data-compare-id`), if `element` has one. */
const rowIdOf = (element) => [...element.attributes].find((attribute) => /^data-[a-z-]+-id$/.test(attribute.name)) ?? null;

const attributeSelector = (name, value) => `[${name}="${CSS.escape(value)}"]`;

/** What names `element` among its row's (or the container's) elements: its href, name or aria-label, as an attribute selector. */
function ownKeyOf(element) {
  const name = ['href', 'name', 'aria-label'].find((attribute) => element.hasAttribute(attribute));
  return name ? attributeSelector(name, element.getAttribute(name)) : null;
}

/**
 * Where `element` sits in `container`, to find it again once redrawn, as a selector: the id its
 * row carries (its own or its nearest ancestor's inside the container) and its own key (href,
 * name or aria-label): for an element inside the row, the key is needed; an element that is its
 * own row adds it when it has one (a chart legend's entry is its run's and its field's); outside
 * any row, its own key alone. Null when nothing names it.
 */
function placeOf(element, container) {
  const key = ownKeyOf(element);
  for (let row = element; row !== null && row !== container; row = row.parentElement) {
    const id = rowIdOf(row);
    if (!id) continue;
    const rowSelector = `${row.localName}${attributeSelector(id.name, id.value)}`;
    if (row === element) return `${rowSelector}${key ?? ''}`;
    return key === null ? null : `${rowSelector} ${element.localName}${key}`;
  }
  return key === null ? null : `${element.localName}${key}`;
}

/**
 * Draws `container` anew with `draw`, the keyboard's focus kept: a live refresh that draws a
 * table or list anew would otherwise send the focus back to the page's start every few seconds.
 * When the focus was on an element inside, the same one in the redrawn content has it again,
 * found by its row's run or sweep id and its own href, name or aria-label (not by its place: a
 * newer row above moves it down). When that element is gone (its row left the filtered list, or
 * was pushed off the page), the nearest link that is still there has it: the next one's, which
 * now stands where it stood, or else the one before; with no such link left, the container
 * itself (made focusable for this, out of the Tab order). Nothing moves when the focus was
 * elsewhere, stays where it was, or `draw` put it somewhere inside the container itself.
 */
export function keepingFocus(container, draw) {
  const focused = document.activeElement;
  if (focused === null || focused === container || !container.contains(focused)) {
    draw();
    return;
  }
  const place = placeOf(focused, container);
  // The links around it, nearest first: those after it in the page, then those before it.
  const links = [...container.querySelectorAll('a[href]')].filter((link) => link !== focused);
  const after = links.filter((link) => focused.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = links.filter((link) => !after.includes(link)).reverse();
  const neighbours = [...after, ...before].map((link) => placeOf(link, container)).filter((selector) => selector !== null);
  draw();
  const now = document.activeElement;
  if (now === focused || (now !== null && now !== container && container.contains(now))) return;
  for (const selector of place === null ? neighbours : [place, ...neighbours]) {
    const found = container.querySelector(selector);
    if (!found) continue;
    found.focus({ preventScroll: true });
    if (document.activeElement === found) return;
  }
  if (!container.hasAttribute('tabindex')) container.setAttribute('tabindex', '-1');
  container.focus({ preventScroll: true });
}

/**
 * A notice that a refresh of what the page shows failed, beside it rather than in its place:
 * hidden until a refresh fails, then `failed(what, error)` says so ('The sweeps could not be
 * refreshed: …'), and `cleared()` hides it again once one succeeds. The page keeps what it drew
 * and asks again on its own. Its words are written again only when they change: a screen
 * reader is not told the same failure at every attempt that meets it.
 */
export function refreshNotice(className = '') {
  const element = h('p', { class: `error refresh-notice ${className}`.trim(), role: 'alert', hidden: true });
  return {
    element,
    failed(what, error) {
      const text = `${what} could not be refreshed: ${error.message}`;
      if (element.textContent !== text) element.textContent = text;
      element.hidden = false;
    },
    cleared() {
      element.hidden = true;
    },
  };
}
