/**
 * A table wider than its card scrolls sideways inside it, and says so: a shadow on the side
 * where columns are out of view (gone once the reader reached that edge), and a tab stop so the
 * arrow keys scroll it. A table that fits has neither.
 */
import { h } from './dom.js';

/** @param {string} label what the table is, for screen readers @param {HTMLTableElement} table */
export function scrollingTable(label, table) {
  const holder = h('div', { class: 'table-scroll', role: 'region', 'aria-label': label }, table);
  const update = () => {
    const overflow = holder.scrollWidth - holder.clientWidth;
    // A pixel of slack: fractional widths leave scrollLeft a hair short of the end.
    holder.classList.toggle('more-left', overflow > 1 && holder.scrollLeft > 1);
    holder.classList.toggle('more-right', overflow > 1 && holder.scrollLeft < overflow - 1);
    if (overflow > 1) holder.setAttribute('tabindex', '0');
    else holder.removeAttribute('tabindex');
  };
  holder.addEventListener('scroll', update, { passive: true });
  const resizeObserver = new ResizeObserver(update);
  resizeObserver.observe(holder);
  resizeObserver.observe(table);
  return holder;
}
