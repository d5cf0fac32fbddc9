/**
 * A table wider than its card scrolls sideways inside it, and says so: a shadow on the side
 * where columns are out of view (gone once the reader reached that edge), and a tab stop so the
 * arrow keys (Home and End too) scroll it. A table that fits has neither, and is no region.
 */
import { h, keepingFocus } from './dom.js';

/** What each observed holder and table updates. Tables are drawn anew on every refresh: one observer for all. */
const updates = new WeakMap();
const resizes = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    // Taken off the page (a refresh drew its table anew): the observer would otherwise keep it.
    if (target.isConnected) updates.get(target)?.();
    else resizes.unobserve(target);
  }
});

/** @param {string} label what the table is, for screen readers @param {HTMLTableElement} table */
export function scrollingTable(label, table) {
  const holder = h('div', { class: 'table-scroll' }, table);
  const update = () => {
    const overflow = holder.scrollWidth - holder.clientWidth;
    // A pixel of slack: fractional widths leave scrollLeft a hair short of the end.
    holder.classList.toggle('more-left', overflow > 1 && holder.scrollLeft > 1);
    holder.classList.toggle('more-right', overflow > 1 && holder.scrollLeft < overflow - 1);
    if (overflow > 1) {
      holder.setAttribute('tabindex', '0');
      holder.setAttribute('role', 'region');
      holder.setAttribute('aria-label', label);
    } else {
      for (const name of ['tabindex', 'role', 'aria-label']) holder.removeAttribute(name);
    }
  };
  holder.addEventListener('scroll', update, { passive: true });
  holder.addEventListener('keydown', (event) => {
    if (event.target !== holder || (event.key !== 'Home' && event.key !== 'End')) return;
    event.preventDefault();
    holder.scrollLeft = event.key === 'Home' ? 0 : holder.scrollWidth;
  });
  for (const element of [holder, table]) {
    updates.set(element, update);
    resizes.observe(element);
  }
  return holder;
}

/**
 * Replaces what `container` shows with `children`, keeping its scrolling table where the reader
 * left it: a live refresh builds the table anew, which would otherwise scroll it back to its
 * first columns and take the keyboard's focus away every few seconds, from the table or from a
 * link in it (the same row's link has it again, or the nearest one left: keepingFocus).
 * @param {Element} container @param {...(Node|string)} children
 */
export function replaceKeepingScroll(container, ...children) {
  const previous = container.querySelector('.table-scroll');
  const scrollLeft = previous?.scrollLeft ?? 0;
  const focused = previous !== null && previous === document.activeElement;
  keepingFocus(container, () => {
    container.replaceChildren(...children);
    const next = container.querySelector('.table-scroll');
    if (!previous || !next) return;
    next.scrollLeft = scrollLeft;
    if (focused && next.scrollWidth - next.clientWidth > 1) {
      next.setAttribute('tabindex', '0');
      next.focus({ preventScroll: true });
    }
  });
}
